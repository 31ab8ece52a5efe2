"""The one error type for puzzle text that cannot be read, with where it went wrong."""

from __future__ import annotations


class PuzzleFormatError(ValueError):
    """Puzzle text that is not a valid puzzle.

    line:   1-based line of the text (or file) where the problem is, None when it concerns
            the whole text.
    column: 1-based character column in that line; for CSV files the 1-based field number
            (the message names the field). None when no single column is at fault.
    problem: the message without the location.
    """

    def __init__(
        self,
        problem: str,
        line: int | None = None,
        column: int | None = None,
        *,
        column_name: str | None = None,
        source: str = "",
    ) -> None:
        self.problem = problem
        self.line = line
        self.column = column
        self.column_name = column_name
        self.source = source
        super().__init__(self._describe())

    def _describe(self) -> str:
        where = []
        if self.source:
            where.append(self.source)
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column_name is not None:
            where.append(f"column '{self.column_name}'")
        elif self.column is not None:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.problem}" if where else self.problem

    def moved(self, line_offset: int = 0, source: str | None = None) -> PuzzleFormatError:
        """The same error seen from an enclosing text: lines shifted by `line_offset`."""
        return PuzzleFormatError(
            self.problem,
            None if self.line is None else self.line + line_offset,
            self.column,
            column_name=self.column_name,
            source=self.source if source is None else source,
        )

    def __reduce__(self):
        return (_rebuild, (self.problem, self.line, self.column, self.column_name, self.source))


def _rebuild(problem, line, column, column_name, source) -> PuzzleFormatError:
    return PuzzleFormatError(problem, line, column, column_name=column_name, source=source)
