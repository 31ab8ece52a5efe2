"""Known puzzles with their solutions, shared by the Sudoku tests.

(A plain module rather than conftest.py so tests can import the constants by a name no
other test folder uses.)"""

from pathlib import Path

# The Wikipedia "Sudoku" article's example puzzle and its published solution.
WIKIPEDIA = "53..7....6..195....98....6.8...6...34..8.3..17...2...6.6....28....419..5....8..79"
WIKIPEDIA_SOLUTION = "534678912672195348198342567859761423426853791713924856961537284287419635345286179"

# First puzzle of Gordon Royle's collection of 17-clue puzzles (the minimum possible). Its
# solution is independently confirmed in the tests: hidden singles alone lead to it, which
# proves it is the only one.
ROYLE_17 = "000000010400000000020000000000050407008000300001090000300400200050100000000806000"
ROYLE_17_SOLUTION = "693784512487512936125963874932651487568247391741398625319475268856129743274836159"

# Arto Inkala's 2012 "world's hardest Sudoku" (21 clues), with its published solution.
INKALA = "8..........36......7..9.2...5...7.......457.....1...3...1....68..85...1..9....4.."
INKALA_SOLUTION = "812753649943682175675491283154237896369845721287169534521974368438526917796318452"

# "AI Escargot" (Inkala, 2006).
ESCARGOT = "1....7.9..3..2...8..96..5....53..9...1..8...26....4...3......1..4......7..7...3.."

PUZZLES_DIR = Path(__file__).resolve().parents[3] / "resources" / "puzzles"
TESTSET = PUZZLES_DIR / "testset.csv"
LIBRARY = PUZZLES_DIR / "library.csv"
