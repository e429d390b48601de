"""Problems with their place in a workbook, and the error that carries them.

Kept apart from the reader (which loads the method core) so that a process reading a file can report
its problems without loading the core; :mod:`remanxl.sheet.reader` exports both.
"""
from __future__ import annotations

from dataclasses import dataclass

from remanxl.i18n import Msg
from remanxl.method.errors import InputError, Problem


@dataclass
class Located:
    """A problem with its place in the workbook."""

    sheet: str
    cell: str | None  # e.g. "E12"
    row: int | None
    column: str | None  # header text
    message: str

    @classmethod
    def whole_file(cls, message: str) -> Located:
        """A problem with the file as a whole (its message names the file)."""
        return cls("", None, None, None, message)

    def render(self, lang: str = "en") -> str:
        """The problem as one line in ``lang``: where, then what (see :mod:`remanxl.i18n`)."""
        from remanxl.i18n import tr

        message = tr(self.message, lang)
        if not self.sheet:  # a problem with the file as a whole: its message names the file
            return message
        letter = "".join(ch for ch in self.cell if ch.isalpha()) if self.cell else ""
        if self.row is not None and letter and self.column:
            where = Msg("where.cell", sheet=self.sheet, row=self.row, col=letter, header=self.column)
        elif self.row is not None and letter:
            where = Msg("where.cell_bare", sheet=self.sheet, row=self.row, col=letter)
        elif self.row is not None:
            where = Msg("where.row", sheet=self.sheet, row=self.row)
        elif self.column:
            where = Msg("where.column", sheet=self.sheet, header=self.column)
        else:
            where = Msg("where.sheet", sheet=self.sheet)
        return f"{tr(where, lang)}: {message}"

    def __str__(self) -> str:
        return self.render("en")


class WorkbookReadError(InputError):
    """Problems found while reading, already located in the workbook."""

    def __init__(self, located: list[Located]):
        self.located = located
        super().__init__([Problem(x.sheet, x.row, x.column, x.message) for x in located])

    def __str__(self) -> str:
        return "\n".join(str(x) for x in self.located)
