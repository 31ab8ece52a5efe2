"""VMD desktop app: watch masked diffusion models solve Sudoku step by step.

The GUI never imports torch: models live in a worker thread (app.worker), and views paint
plain numpy data received from it.
"""

APP_NAME = "VMD"
APP_ID = "vmd"
ORGANIZATION = "VMD"
