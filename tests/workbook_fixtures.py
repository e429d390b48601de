"""Workbooks for the tests, made by code: vectors in a fresh template, and a template full of user content."""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from remanxl.method.inputs import EvaluationInput
from remanxl.workbook.template import build_template


def vector_workbook(path: Path, inp: dict) -> Path:
    """A fresh template with a vector's rows and settings typed into it."""
    return build_template(path, EvaluationInput.from_dict(inp))


def _png() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buf, "PNG")
    return buf.getvalue()


X14_DV = (b'<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
          b'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
          b'<x14:dataValidations count="1" xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
          b'<x14:dataValidation type="list" allowBlank="1"><x14:formula1><xm:f>Lists!$A$1:$A$3</xm:f></x14:formula1>'
          b"<xm:sqref>B2:B9</xm:sqref></x14:dataValidation></x14:dataValidations></ext></extLst>")


def busy_workbook(path: Path, inp: dict | None = None, macro: bool = False) -> Path:
    """The template (optionally filled) plus what users add: sheets, a chart, an image, comments, names,
    validation (including an Excel 2010 extension openpyxl cannot keep), conditional formats, styles and,
    for .xlsm, a VBA project."""
    from openpyxl import load_workbook
    from openpyxl.chart import LineChart, Reference
    from openpyxl.comments import Comment
    from openpyxl.drawing.image import Image as XLImage
    from openpyxl.formatting.rule import CellIsRule
    from openpyxl.styles import Font, PatternFill
    from openpyxl.workbook.defined_name import DefinedName
    from openpyxl.worksheet.datavalidation import DataValidation

    base = path.with_name(path.stem + "_base.xlsx")
    build_template(base, EvaluationInput.from_dict(inp) if inp else None)
    wb = load_workbook(base)
    notes = wb.create_sheet("My notes 笔记")
    notes["A1"] = "Plant notes"
    notes["A1"].font = Font(bold=True, color="C00000", size=16)
    notes["A1"].fill = PatternFill("solid", fgColor="FFFF00")
    notes["A2"].comment = Comment("checked by the auditor", "auditor")
    for i in range(2, 10):
        notes.cell(i, 2, i * 1.5)
    chart = LineChart()
    chart.add_data(Reference(notes, min_col=2, min_row=2, max_row=9))
    notes.add_chart(chart, "D2")
    notes.add_image(XLImage(io.BytesIO(_png())), "D20")
    notes.conditional_formatting.add("B2:B9", CellIsRule(operator="greaterThan", formula=["5"],
                                                         fill=PatternFill("solid", fgColor="FFC7CE")))
    dv = DataValidation(type="whole", operator="between", formula1="0", formula2="100")
    notes.add_data_validation(dv)
    dv.add("C2:C9")
    lists = wb.create_sheet("Lists")
    for i, v in enumerate(("a", "b", "c"), start=1):
        lists.cell(i, 1, v)
    wb.defined_names["MyPlant"] = DefinedName("MyPlant", attr_text="'My notes 笔记'!$A$1")
    energy = wb["Energy 能源"]
    energy["M2"] = "user's own remark on the input sheet"
    energy["M2"].comment = Comment("keep me", "user")
    wb.save(path)
    base.unlink()
    _inject(path, macro)
    return path


def _inject(path: Path, macro: bool) -> None:
    """Add what openpyxl cannot write: an x14 validation extension, and a VBA project for .xlsm."""
    with zipfile.ZipFile(path) as zf:
        entries = [(i, zf.read(i)) for i in zf.infolist()]
    out = []
    notes_part = None
    wb_xml = dict((i.filename, d) for i, d in entries)["xl/workbook.xml"].decode()
    rels = dict((i.filename, d) for i, d in entries)["xl/_rels/workbook.xml.rels"].decode()
    rid = re.search(r'name="My notes 笔记" sheetId="\d+" r:id="(rId\d+)"', wb_xml)
    rid = rid or re.search(r'name="My notes 笔记"[^>]*r:id="(rId\d+)"', wb_xml)
    target = re.search(rf'Id="{rid.group(1)}"[^>]*Target="([^"]+)"', rels) or \
        re.search(rf'Target="([^"]+)"[^>]*Id="{rid.group(1)}"', rels)
    notes_part = "xl/" + target.group(1).lstrip("/").removeprefix("xl/")
    for info, data in entries:
        if info.filename == notes_part:
            data = data.replace(b"</worksheet>", X14_DV + b"</worksheet>")
        if macro and info.filename == "[Content_Types].xml":
            data = data.replace(b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                                b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")
            data = data.replace(b"</Types>", b'<Default Extension="bin" '
                                b'ContentType="application/vnd.ms-office.vbaProject"/></Types>')
        if macro and info.filename == "xl/_rels/workbook.xml.rels":
            data = data.replace(b"</Relationships>", b'<Relationship Id="rIdVBA1" '
                                b'Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" '
                                b'Target="vbaProject.bin"/></Relationships>')
        out.append((info, data))
    if macro:
        import xlwings

        src = Path(xlwings.__file__).parent / "quickstart_standalone.xlsm"
        with zipfile.ZipFile(src) as q:
            vba = q.read("xl/vbaProject.bin")
        out.append((zipfile.ZipInfo("xl/vbaProject.bin", (2026, 1, 1, 0, 0, 0)), vba))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in out:
            zf.writestr(info.filename if isinstance(info, zipfile.ZipInfo) else info, data)


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def rewrite_zip(src: Path, dst: Path, change) -> Path:
    """A copy of the zip ``src`` at ``dst`` (it may be ``src`` itself), its parts in their order, after
    ``change({part name: bytes})`` edited the mapping in place or returned a new one."""
    entries = parts(src)
    entries = change(entries) or entries
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return Path(dst)


FAR_ROW = b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'


def replaced(src: Path, dst: Path, changes: dict) -> Path:
    """A copy of ``src`` with byte replacements ``{part: [(old, new), …]}`` made (each must be found)."""
    def change(entries):
        for part, pairs in changes.items():
            for old, new in pairs:
                assert old in entries[part], (part, old)
                entries[part] = entries[part].replace(old, new)
    return rewrite_zip(src, dst, change)


def evaluate_or_die(path: str, write: bool, split: bool = True, ignore_lock: bool = False):
    """Stand-in for a batch worker that dies on files named b.xlsx (as an aborting reader would)."""
    import os

    from remanxl.workbook.batch import BatchRow

    if path.endswith("b.xlsx"):
        os._exit(134)
    from remanxl.workbook.io import evaluate_workbook

    outcome = evaluate_workbook(path, write=write, split=split, ignore_lock=ignore_lock)
    return BatchRow(path, outcome.ok)


def child_processes() -> set[int]:
    """This process's child processes (Linux), once remanxl's reaping threads are done: a reader left
    behind would show here."""
    import os
    import threading

    for t in threading.enumerate():
        if t.name == "remanxl-reap":
            t.join(10)
    pids = set()
    for tid in os.listdir(f"/proc/{os.getpid()}/task"):
        try:
            with open(f"/proc/{os.getpid()}/task/{tid}/children") as fh:
                pids |= {int(c) for c in fh.read().split()}
        except FileNotFoundError:  # a thread (the checksum test's, say) ended meanwhile: it has no children
            continue
    return pids


def table_sheet_parts(path: Path) -> dict[str, str]:
    """Excel table name (case-folded) → the worksheet part that holds it."""
    from remanxl.workbook.safety import table_parts

    with zipfile.ZipFile(path) as zf:
        return {name: sheet for name, (sheet, _) in table_parts(zf).items()}
