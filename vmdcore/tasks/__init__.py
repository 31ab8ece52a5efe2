"""Task descriptions: how each task's data becomes tokens and back."""
