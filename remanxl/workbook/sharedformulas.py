"""Store each computed column of an input table as one shared formula.

Every row of an input table carries the same computed-column formulas: they name their cells with
structured references (``Parts[[#This Row],[Qty per product 单台数量]]``) and defined names, never
with A1 references, so the text is the same in every row.  Written out row by row, that text was
two thirds of a plant workbook's XML (about 1,500 bytes a ledger row).  SpreadsheetML can store it
once per column (ECMA-376 Part 1, 18.3.1.40, ``t="shared"``): the first cell of the column holds the
formula and the range it covers, every other cell only ``<f t="shared" si="N"/>``.  A spreadsheet
reads the same formula into every cell (shifting A1 references, of which these have none), so the
values are unchanged, while the file, its parsing and LibreOffice's recalculation shrink.

openpyxl writes no shared formulas, so the saved sheet is rewritten: each cell of a computed column
whose formula is exactly the column's formula becomes part of the shared one, and anything else
(a row of the range missing, a different formula) is an error, never a silent change.
"""
from __future__ import annotations

import re
from xml.sax.saxutils import escape


class SharingError(ValueError):
    """The sheet does not hold the computed columns as expected."""


def share_columns(xml: bytes, columns: dict[str, str], first: int, last: int, next_si: int = 0) -> tuple[bytes, int]:
    """``xml`` with each column (letter → formula text, without "=") of rows ``first``–``last`` stored as one
    shared formula; returns the new XML and the next free shared-formula index.

    Every cell of those columns and rows must hold exactly that formula, written as ``<f>text</f>``.
    """
    if not columns:
        return xml, next_si
    wanted = {letter.encode(): escape(text).encode() for letter, text in columns.items()}
    si = {letter: next_si + i for i, letter in enumerate(sorted(wanted))}
    seen = {letter: 0 for letter in wanted}
    cell = re.compile(rb'<c r="(' + b"|".join(sorted(wanted, key=len, reverse=True)) + rb')(\d+)"([^>]*)><f>([^<]*)</f>')

    def one(m: re.Match) -> bytes:
        letter, row, attrs, text = m.group(1), int(m.group(2)), m.group(3), m.group(4)
        if not first <= row <= last:
            return m.group(0)
        if text != wanted[letter]:
            raise SharingError(f"{letter.decode()}{row}: not the column's formula")
        seen[letter] += 1
        head = b'<c r="' + letter + m.group(2) + b'"' + attrs + b">"
        if row == first:
            ref = f"{letter.decode()}{first}:{letter.decode()}{last}".encode()
            return head + b'<f t="shared" ref="' + ref + b'" si="' + str(si[letter]).encode() + b'">' + text + b"</f>"
        return head + b'<f t="shared" si="' + str(si[letter]).encode() + b'"/>'

    out = cell.sub(one, xml)
    missing = [letter.decode() for letter, n in seen.items() if n != last - first + 1]
    if missing:
        raise SharingError(f"columns {', '.join(missing)}: not every row {first}–{last} holds the column's formula")
    return out, next_si + len(wanted)
