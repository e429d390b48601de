"""The template's named cell styles (input cells look different from computed cells)."""
from __future__ import annotations

from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Protection, Side

INPUT_FILL = "FFF6D5"  # pale yellow: type here
COMPUTED_FILL = "EDEDED"  # grey: remanxl computes this
HEADER_FILL = "1F4E79"
GROUP_FILL = "DDEBF7"

_thin = Side(style="thin", color="BFBFBF")
_box = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)


def named_styles() -> list[NamedStyle]:
    def style(name, *, fill=None, font=None, fmt="General", locked=True, wrap=False, border=True):
        st = NamedStyle(name=name)
        if fill:
            st.fill = PatternFill("solid", fgColor=fill)
        st.font = font or Font(name="Calibri", size=10)
        st.number_format = fmt
        st.protection = Protection(locked=locked)
        st.alignment = Alignment(wrap_text=wrap, vertical="top")
        if border:
            st.border = _box
        return st

    return [
        style("rx title", font=Font(name="Calibri", size=14, bold=True, color=HEADER_FILL), border=False),
        style("rx header", fill=HEADER_FILL, font=Font(name="Calibri", size=10, bold=True, color="FFFFFF"), wrap=True),
        style("rx group", fill=GROUP_FILL, font=Font(name="Calibri", size=10, bold=True)),
        style("rx text", fill=COMPUTED_FILL),
        style("rx wrap", fill=COMPUTED_FILL, wrap=True),
        style("rx percent", fill=COMPUTED_FILL, fmt="0.00%", font=Font(name="Calibri", size=10, bold=True)),
        style("rx number", fill=COMPUTED_FILL, fmt="#,##0.00##"),
        style("rx warning", fill=COMPUTED_FILL, font=Font(name="Calibri", size=10, color="9C5700"), wrap=True),
        style("rx input", fill=INPUT_FILL, locked=False),
        style("rx computed", fill=COMPUTED_FILL),
        style("rx computed number", fill=COMPUTED_FILL, fmt="#,##0.00####"),
        style("rx bad", fill="FFC7CE", font=Font(name="Calibri", size=10, bold=True, color="9C0006"), wrap=True),
        style("rx note", font=Font(name="Calibri", size=10, italic=True, color="595959"), border=False, wrap=False),
        style("rx count", fill=COMPUTED_FILL, fmt="#,##0"),  # a number of parts or rows: whole
        style("rx quantity", fill=COMPUTED_FILL, fmt="#,##0.000"),  # one number of decimals down a column
    ]
