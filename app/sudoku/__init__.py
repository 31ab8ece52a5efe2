"""The Sudoku tab: the board widget, the puzzle document, and the side-by-side solve view."""
