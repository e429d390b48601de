"""Build ``remanxl.xlam`` on any OS, from code, and describe a built one for comparison.

The add-in starts from xlwings' ``quickstart_addin_ribbon.xlam`` (the template
``xlwings quickstart NAME --addin --ribbon`` copies), taken from the installed
xlwings package, whose version must be :data:`remanxl.excel.XLWINGS_VERSION`:
its ``xlwings`` VBA module names that version's DLL.  The template and its VBA
are xlwings' and carry this notice, which the ``xlwings`` module of the built
add-in keeps as well:

    xlwings is distributed under a BSD 3-clause license.
    Copyright (C) 2014-present, Zoomer Analytics LLC. All rights reserved.
    Redistribution and use in source and binary forms, with or without
    modification, are permitted provided that the conditions of the BSD
    3-clause license are met (full text: the xlwings module of the add-in,
    and https://github.com/xlwings/xlwings/blob/main/LICENSE.txt).

What the build changes (VBA through pyopenvba, the package parts as text):

* the VBA project is renamed ``remanxl`` and the xlwings module's
  ``PROJECT_NAME`` becomes ``"remanxl"``;
* ``RibbonMyAddin`` becomes ``RemanxlRibbon`` with the ribbon callbacks; the
  new ``RemanxlUdfs`` and ``RemanxlRegistration`` modules hold the UDF wrappers
  and their Function Wizard help; ``ThisWorkbook`` registers that help on open;
* ``customUI/customUI.xml`` is the remanxl tab, with the relationship type
  that matches its namespace (see :mod:`remanxl.excel.ribbon`);
* the disabled ``_myaddin.conf`` sheet becomes ``remanxl.conf``, holding only
  ``UDF Modules = remanxl.udfs``.

Where xlwings finds a setting: ``GetConfig`` in the xlwings module looks in the
``remanxl.conf`` sheet of the *active* workbook, then in this add-in's
``remanxl.conf`` sheet, then in a ``remanxl.conf`` file beside the active
workbook, then in the user file ``%USERPROFILE%\\.remanxl\\remanxl.conf``
(macOS: ``~/Library/Containers/com.microsoft.Excel/Data/remanxl.conf``).  A key
present in a sheet wins even when its value is empty, so the add-in's sheet
names no other key: the interpreter and the debugging switches stay with the
user file that install.py writes.

The output is deterministic: fixed zip timestamps and attributes, a fixed part
order, and pyopenvba writes the same project bytes for the same input.  Only
the deflate stream depends on the zlib build, which is why
:func:`describe_addin` compares add-ins by content.
"""
from __future__ import annotations

import hashlib
import io
import os
import struct
import tempfile
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from remanxl.excel import ADDIN_PATH, PROJECT_NAME, XLWINGS_VERSION, ribbon, vba

TEMPLATE_NAME = "quickstart_addin_ribbon.xlam"
CONFIG_SHEET = f"{PROJECT_NAME}.conf"
#: The only key of the add-in's config sheet; see the module docstring for why.
CONFIG = {"UDF Modules": vba.UDF_MODULE}
ADDIN_CONTENT_TYPE = "application/vnd.ms-excel.addin.macroEnabled.main+xml"
VBA_PART = "xl/vbaProject.bin"

_ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # the earliest a zip can hold: no build time leaks in
_FIRST_PARTS = ("[Content_Types].xml", "_rels/.rels")  # the order Office writes them in

_TITLE = "remanxl (GB/T 41350-2022)"
# Shown under the add-in's name in Excel's Add-ins dialog.
_COMMENTS = ("Remanufacturing energy-saving and emission-reduction indicators (GB/T 41350-2022): "
             "REMAN_* worksheet functions and the Remanufacturing ribbon tab. "
             "再制造节能减排评价指标:REMAN_* 工作表函数与“再制造评价”功能区选项卡。")
_CONFIG_NOTES = (
    "remanxl add-in settings: xlwings reads column A/B of this sheet before the user config file.",
    "A key listed here hides the same key in %USERPROFILE%\\.remanxl\\remanxl.conf, even with an empty value,",
    "so the interpreter (Interpreter_Win, Interpreter_Mac) is left to that file, which install.py writes.",
)


def template_path() -> Path:
    """xlwings' ribbon add-in template, from the installed (pinned) xlwings."""
    import xlwings

    if xlwings.__version__ != XLWINGS_VERSION:
        raise RuntimeError(f"remanxl.xlam is built for xlwings {XLWINGS_VERSION}, found {xlwings.__version__}")
    return Path(xlwings.__file__).parent / TEMPLATE_NAME


def build_addin(path: str | Path = ADDIN_PATH) -> Path:
    """Write the add-in to ``path`` (default: the package's ``excel/data/remanxl.xlam``) and return it."""
    from pyopenvba import ExcelFile

    from remanxl.functions import REGISTRY

    parts = _read_zip(template_path().read_bytes())
    parts[VBA_PART] = rename_vba_project(parts[VBA_PART], PROJECT_NAME)
    with tempfile.TemporaryDirectory() as tmp:
        staged, edited = Path(tmp, "staged.xlam"), Path(tmp, "edited.xlam")
        staged.write_bytes(_zip_bytes(parts))
        with ExcelFile(staged) as book:
            _edit_vba(book, REGISTRY)
            book.save(edited)
        with ExcelFile(edited) as book:
            problems = book.validate()
        if problems:
            raise RuntimeError("pyopenvba reports an inconsistent VBA project: " + "; ".join(problems))
        parts[VBA_PART] = _read_zip(edited.read_bytes())[VBA_PART]
    _edit_package(parts)

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(_zip_bytes(parts))
    os.replace(partial, path)  # a failed build never leaves a half-written add-in behind
    return path


# --- VBA --------------------------------------------------------------------


def _edit_vba(book, registry) -> None:
    project = book.vba_project()
    project.rename_module("RibbonMyAddin", ribbon.CALLBACK_MODULE)
    book.set_module(ribbon.CALLBACK_MODULE, vba.ribbon_module())
    project.add_module(vba.UDFS_VBA_MODULE, vba.udfs_module(registry))
    project.add_module(vba.REGISTRATION_VBA_MODULE, vba.registration_module(registry))
    book.set_module("ThisWorkbook", vba.this_workbook_body())
    book.set_module("xlwings", vba.xlwings_module(book.get_module("xlwings"), PROJECT_NAME))


def rename_vba_project(bin_bytes: bytes, name: str) -> bytes:
    """``vbaProject.bin`` with the project called ``name``.

    pyopenvba has no call for this.  The name lives in two places
    ([MS-OVBA] 2.3.1.1 and 2.3.4.2.1.6): the ``Name="..."`` line of the
    ``PROJECT`` stream and the PROJECTNAME record of the compressed
    ``VBA/dir`` stream.  Done before pyopenvba opens the file, so its parse,
    its save and its validation all see the renamed project.
    """
    from pyopenvba.cfb import CFB
    from pyopenvba.vba import compress, decompress

    vba.check_identifier(name, "project name")
    cfb = CFB.from_bytes(bin_bytes)
    lines = cfb.get_stream("PROJECT").split(b"\r\n")
    named = [i for i, line in enumerate(lines) if line.startswith(b"Name=")]
    if len(named) != 1:
        raise ValueError("the PROJECT stream has no single Name line")
    lines[named[0]] = b'Name="' + name.encode("cp1252") + b'"'
    cfb.write_stream("PROJECT", b"\r\n".join(lines))

    dir_stream = decompress(cfb.get_stream_in_storage("VBA", "dir"), stream_name="dir")
    pos = 0
    while True:  # the records before PROJECTNAME are plain id/size/data records
        record_id, size = struct.unpack_from("<HI", dir_stream, pos)
        if record_id == 0x0004:
            break
        if record_id not in (0x0001, 0x004A, 0x0002, 0x0014, 0x0003):
            raise ValueError(f"unexpected dir record {record_id:#06x} before PROJECTNAME")
        pos += 6 + size
    encoded = name.encode("cp1252")
    dir_stream = dir_stream[:pos] + struct.pack("<HI", 0x0004, len(encoded)) + encoded + dir_stream[pos + 6 + size:]
    cfb.write_stream_in_storage("VBA", "dir", compress(dir_stream))
    return cfb.to_bytes()


# --- package parts ----------------------------------------------------------


def _replace_once(text: str, old: str, new: str, part: str) -> str:
    # The template is pinned with xlwings; a second or missing match means it changed under us.
    if text.count(old) != 1:
        raise ValueError(f"{part}: expected exactly one {old[:70]!r}")
    return text.replace(old, new)


def _edit_package(parts: dict[str, bytes]) -> None:
    def edit(name: str, *replacements: tuple[str, str]) -> None:
        text = parts[name].decode("utf-8")
        for old, new in replacements:
            text = _replace_once(text, old, new, name)
        parts[name] = text.encode("utf-8")

    # Kept as it is, but checked: this content type is what makes Excel load the file as an add-in.
    if f'PartName="/xl/workbook.xml" ContentType="{ADDIN_CONTENT_TYPE}"' not in parts["[Content_Types].xml"].decode():
        raise ValueError("the template's workbook part is not typed as a macro-enabled add-in")
    parts[ribbon.CUSTOMUI_PART] = ribbon.customui_xml().encode("utf-8")
    edit("_rels/.rels", (
        'Type="http://schemas.microsoft.com/office/2007/relationships/ui/extensibility" Target="customUI/customUI.xml"',
        f'Type="{ribbon.CUSTOMUI_RELATIONSHIP}" Target="{ribbon.CUSTOMUI_PART}"',
    ))
    edit("xl/workbook.xml",
         ('<sheet name="_myaddin.conf"', f'<sheet name="{CONFIG_SHEET}"'),
         # The template remembers the folder it was last saved in on its author's machine.
         ('<mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
          '<mc:Choice Requires="x15"><x15ac:absPath url="C:\\Users\\felix\\Dev\\xlwings\\xlwings\\" '
          'xmlns:x15ac="http://schemas.microsoft.com/office/spreadsheetml/2010/11/ac" /></mc:Choice>'
          '</mc:AlternateContent>', ""))
    edit("docProps/core.xml",
         ("<dc:title />", f"<dc:title>{escape(_TITLE)}</dc:title>"),
         ("<dc:description />", f"<dc:description>{escape(_COMMENTS)}</dc:description>"),
         ("<dc:creator>Felix</dc:creator>", "<dc:creator>remanxl</dc:creator>"),
         ("<cp:lastModifiedBy>Felix Zumstein</cp:lastModifiedBy>",
          "<cp:lastModifiedBy>remanxl build-addin</cp:lastModifiedBy>"))
    parts["xl/worksheets/sheet1.xml"], parts["xl/sharedStrings.xml"] = _config_sheet()


def with_settings(addin: bytes, settings: dict[str, str]) -> bytes:
    """The add-in ``addin`` with ``settings`` added to its settings sheet (after ``UDF Modules``).

    install.py uses it for a Windows user folder that the ANSI code page cannot spell: VBA's
    ``Environ("USERPROFILE")`` then holds "?" and xlwings never finds the user file remanxl.conf, but
    it reads this sheet first, as cells, in Unicode.  The VBA project is not touched.
    """
    parts = _read_zip(addin)
    config = dict(CONFIG)
    for key, value in settings.items():
        config = {k: v for k, v in config.items() if k.upper() != key.upper()}
        config[key] = value
    parts["xl/worksheets/sheet1.xml"], parts["xl/sharedStrings.xml"] = _config_sheet(config)
    return _zip_bytes(parts)


def _config_sheet(config: dict[str, str] = CONFIG) -> tuple[bytes, bytes]:
    """The config sheet and its shared strings: keys and values in A/B from row 1, notes in D.

    xlwings reads A1 downwards until the first empty cell, so the notes stay
    out of column A.  ``codeName="Sheet2"`` ties the sheet to its VBA module.
    """
    strings: list[str] = []

    def cell(ref: str, text: str, style: int) -> str:
        strings.append(text)
        return f'<c r="{ref}" s="{style}" t="s"><v>{len(strings) - 1}</v></c>'

    rows = []
    count = max(len(config), len(_CONFIG_NOTES))
    keys = list(config.items())
    for i in range(count):
        r = i + 1
        cells = ""
        if i < len(keys):
            cells += cell(f"A{r}", keys[i][0], 1) + cell(f"B{r}", keys[i][1], 1)
        if i < len(_CONFIG_NOTES):
            cells += cell(f"D{r}", _CONFIG_NOTES[i], 0)
        rows.append(f'<row r="{r}">{cells}</row>')
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<worksheet xmlns="{main}" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheetPr codeName="Sheet2" />'
        f'<dimension ref="A1:D{count}" />'
        '<sheetViews><sheetView tabSelected="1" workbookViewId="0" /></sheetViews>'
        '<sheetFormatPr defaultColWidth="8.875" defaultRowHeight="15.75" />'
        '<cols><col min="1" max="2" width="16.75" customWidth="1" /></cols>'
        f'<sheetData>{"".join(rows)}</sheetData>'
        '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3" />'
        '</worksheet>'
    )
    shared = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<sst xmlns="{main}" count="{len(strings)}" uniqueCount="{len(strings)}">'
        + "".join(f"<si><t>{escape(s)}</t></si>" for s in strings)
        + "</sst>"
    )
    return sheet.encode("utf-8"), shared.encode("utf-8")


# --- zip --------------------------------------------------------------------


def _read_zip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {info.filename: z.read(info) for info in z.infolist()}


def _zip_bytes(parts: dict[str, bytes]) -> bytes:
    """A zip whose bytes depend on the parts only: fixed dates, attributes, order and compression."""
    order = [n for n in _FIRST_PARTS if n in parts] + sorted(n for n in parts if n not in _FIRST_PARTS)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name in order:
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0  # zipfile's default depends on the OS building the file
            info.external_attr = 0
            z.writestr(info, parts[name], compresslevel=6)
    return buffer.getvalue()


# --- description ------------------------------------------------------------


def read_vba_with_olevba(bin_bytes: bytes) -> tuple[str, dict[str, str]]:
    """Project name and module sources of a ``vbaProject.bin``, decoded by oletools (not by pyopenvba).

    Needs oletools (the ``test`` extra).  Sources come back with ``\\n`` line ends.
    """
    import olefile
    from oletools.olevba import VBA_Project

    with olefile.OleFileIO(bin_bytes) as ole:
        project = VBA_Project(ole, "", "PROJECT", "VBA/dir", relaxed=False)
        project.parse_project_stream()
        modules = {}
        for module_path, _filename, code in project.parse_modules():
            modules[module_path.rsplit("/", 1)[-1]] = code.replace("\r\n", "\n")
        return project.projectname, modules


def read_config_sheet(parts: dict[str, bytes]) -> tuple[str, dict[str, str]]:
    """The add-in's one sheet: its name and its A/B pairs, read from A1 down as xlwings reads them."""
    from defusedxml import ElementTree

    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    book = ElementTree.fromstring(parts["xl/workbook.xml"])
    (sheet_name,) = [s.get("name") for s in book.iterfind("m:sheets/m:sheet", ns)]
    strings = [si.findtext("m:t", "", ns) for si in ElementTree.fromstring(parts["xl/sharedStrings.xml"])]
    cells = {}
    for c in ElementTree.fromstring(parts["xl/worksheets/sheet1.xml"]).iterfind("m:sheetData/m:row/m:c", ns):
        value = c.findtext("m:v", None, ns)
        cells[c.get("r")] = strings[int(value)] if c.get("t") == "s" else value
    values, row = {}, 1
    while cells.get(f"A{row}"):
        values[cells[f"A{row}"]] = cells.get(f"B{row}") or ""
        row += 1
    return sheet_name, values


def describe_addin(path: str | Path) -> dict:
    """A canonical, JSON-ready description of an add-in, to compare a rebuilt one with the committed one.

    It holds every part's content (the VBA project as its olevba-decoded name
    and modules, the other parts as SHA-256 of their uncompressed bytes plus
    the text of the parts that matter most), so it differs exactly when the
    add-in's content does, whatever zlib compressed it.
    """
    parts = _read_zip(Path(path).read_bytes())
    project_name, modules = read_vba_with_olevba(parts[VBA_PART])
    sheet, config = read_config_sheet(parts)
    return {
        "parts": list(parts),
        "sha256": {n: hashlib.sha256(b).hexdigest() for n, b in parts.items() if n != VBA_PART},
        "vba_project": project_name,
        "vba_modules": modules,
        "content_types": parts["[Content_Types].xml"].decode("utf-8"),
        "root_relationships": parts["_rels/.rels"].decode("utf-8"),
        "customui": parts.get(ribbon.CUSTOMUI_PART, b"").decode("utf-8"),
        "config_sheet": {"name": sheet, "values": config},
    }
