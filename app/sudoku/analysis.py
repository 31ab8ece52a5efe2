"""What the app tells about a puzzle before solving: clue conflicts and how many solutions."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from vmdcore.sudoku import conflicting_cells, count_solutions, describe_conflicts, solve

from .frame import CELLS


@dataclass(frozen=True, eq=False)
class PuzzleAnalysis:
    grid: np.ndarray
    conflicts: np.ndarray
    conflict_sentences: tuple[str, ...]
    solutions: int | None
    """0, 1, or 2 for "two or more"; None while not yet counted."""
    solution: np.ndarray | None

    @property
    def clues(self) -> int:
        return int(np.count_nonzero(self.grid))

    @property
    def empty(self) -> int:
        return CELLS - self.clues

    @property
    def has_conflicts(self) -> bool:
        return bool(self.conflicts.any())

    def same_grid(self, grid: np.ndarray) -> bool:
        return bool(np.array_equal(self.grid, grid))


def quick_analysis(grid: np.ndarray) -> PuzzleAnalysis:
    """Conflicts only (instant); solutions still to be counted."""
    grid = np.asarray(grid, dtype=np.int8).copy()
    conflicts = conflicting_cells(grid)
    return PuzzleAnalysis(grid, conflicts, tuple(describe_conflicts(grid)), None, None)


def full_analysis(grid: np.ndarray) -> PuzzleAnalysis:
    """Also count solutions (up to two) and keep the solution when it is unique. May take a
    moment on a pathological puzzle, so the tab runs it off the GUI thread."""
    quick = quick_analysis(grid)
    if quick.has_conflicts:
        return PuzzleAnalysis(quick.grid, quick.conflicts, quick.conflict_sentences, 0, None)
    solutions = count_solutions(quick.grid, limit=2)
    solution = solve(quick.grid) if solutions == 1 else None
    return PuzzleAnalysis(quick.grid, quick.conflicts, quick.conflict_sentences, solutions, solution)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def describe(analysis: PuzzleAnalysis, name: str, bad_colour: str, good_colour: str, generating: bool = False) -> str:
    """Rich text for the side panel: clue count, clashing clues, and the solution count. When
    generating, several solutions are the point: each grid is judged by validity instead."""
    a = analysis
    if a.clues == 0 and generating:
        return "Empty grid: the models write a whole Sudoku, judged by validity (each row, column and box holds 1–9 once)."
    if a.clues == 0:
        return "Empty board. Type digits, paste (Ctrl+V), open a file, pick from the library, or let the models write a whole Sudoku."
    bad = f"color:{bad_colour}; font-weight:600"
    good = f"color:{good_colour}; font-weight:600"
    title = f"<b>{_escape(name)}</b><br>" if name else ""
    lines = [f"{title}{a.clues} clues · {a.empty} empty cells"]
    if a.has_conflicts:
        shown = "<br>".join(f"• {_escape(s)}" for s in a.conflict_sentences[:3])
        more = len(a.conflict_sentences) - 3
        extra = f"<br>• and {more} more" if more > 0 else ""
        lines.append(f"<span style='{bad}'>✗ The clues conflict:</span><br>{shown}{extra}")
    elif a.solutions is None:
        lines.append("Counting solutions…")
    elif a.solutions == 0:
        lines.append(f"<span style='{bad}'>✗ No solution: these clues cannot be completed.</span>")
    elif a.solutions == 1:
        lines.append(f"<span style='{good}'>✓ Exactly one solution{': the only valid grid' if generating else ''}.</span>")
    elif generating:
        lines.append(f"<span style='{good}'>✓ Many completions: generation judges each grid by validity, not by one solution.</span>")
    else:
        lines.append(f"<span style='color:{bad_colour}'>⚠ Several solutions: any valid completion counts as solved.</span>")
    return "<br>".join(lines)


def presolve_note(analysis: PuzzleAnalysis, generating: bool = False) -> str:
    """What to say as a run starts about the clues it starts from; "" when they are fine.
    Generation starts from boards with many completions on purpose, so that is no warning."""
    a = analysis
    if a.has_conflicts:
        return f"Warning: the clues conflict, so no valid grid exists: {a.conflict_sentences[0]}."
    if a.solutions == 0:
        return "Warning: these clues have no solution, so no valid grid exists."
    if a.solutions is not None and a.solutions > 1:
        if generating:
            return "Many completions: each grid is judged by validity."
        return "Note: several solutions, any valid completion counts as solved."
    return ""
