"""Store each computed column of an input table as one shared formula, in A1 form.

Every row of an input table carries the same computed-column formulas.  The template builder writes
them with structured references (``Parts[[#This Row],[Qty per product 单台数量]]``), so the text is
the same in every row.  Written out row by row, that text was two thirds of a plant workbook's XML
(about 1,500 bytes a ledger row).  SpreadsheetML can store it once per column (ECMA-376 Part 1,
18.3.1.40, ``t="shared"``): the first cell of the column holds the formula and the range it covers,
every other cell only ``<f t="shared" si="N"/>``, and a spreadsheet reads into each cell the first
cell's formula with its relative A1 references moved to that cell's row.

The formula stored is the A1 form of the column's text for the first row
(:func:`remanxl.sheet.formulas.in_a1`: ``$C5`` for the current row's quantity), which LibreOffice
recalculates in a third less time and a fifth less memory on the plant workbook than the same formula
with structured references.  Every cell computes what the structured text says.

openpyxl writes no shared formulas, so the saved sheet is rewritten: each cell of a computed column
whose formula is exactly the column's (structured) text becomes part of the shared one, and anything
else (a row of the range missing, a different formula) is an error, never a silent change.
"""
from __future__ import annotations

import re
from xml.sax.saxutils import escape


class SharingError(ValueError):
    """The sheet does not hold the computed columns as expected."""


def share_columns(xml: bytes, columns: dict[str, str | tuple[str, str]], first: int, last: int,
                  next_si: int = 0) -> tuple[bytes, int]:
    """``xml`` with each column of rows ``first``–``last`` stored as one shared formula; returns the new XML
    and the next free shared-formula index.

    ``columns`` maps a column letter to the formula text every one of its cells holds (without "="),
    written as ``<f>text</f>``, or to (that text, the formula to store for row ``first``): the stored
    formula is what every cell then computes, its relative references moved to the cell's row.
    """
    if not columns:
        return xml, next_si
    pairs = {letter: (v, v) if isinstance(v, str) else v for letter, v in columns.items()}
    wanted = {letter.encode(): escape(text).encode() for letter, (text, _) in pairs.items()}
    stored = {letter.encode(): escape(master).encode() for letter, (_, master) in pairs.items()}
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
            return (head + b'<f t="shared" ref="' + ref + b'" si="' + str(si[letter]).encode() + b'">'
                    + stored[letter] + b"</f>")
        return head + b'<f t="shared" si="' + str(si[letter]).encode() + b'"/>'

    out = cell.sub(one, xml)
    missing = [letter.decode() for letter, n in seen.items() if n != last - first + 1]
    if missing:
        raise SharingError(f"columns {', '.join(missing)}: not every row {first}–{last} holds the column's formula")
    return out, next_si + len(wanted)
