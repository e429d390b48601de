"""Rewrite one worksheet of an .xlsx in place, leaving every other part as it was.

openpyxl cannot do this: loading and saving a workbook through it drops what it
does not model (images and charts it did not create, data-validation and
conditional-format extensions, comments' shapes, slicers …).  remanxl instead
edits the zip: the summary sheet's XML part is rebuilt (its ``sheetData``,
``cols`` and ``mergeCells``; drawing and protection elements are kept) and
every other part is copied unchanged.  The new file is written next to the old
one and moved over it, so an interrupted run leaves the original intact.

Unchanged parts are copied as their compressed bytes, CRC and sizes (checked
by :func:`~remanxl.workbook.safety.check_workbook` before), so no part but the
summary is inflated and deflated again (a product workbook has some 70 parts:
recompressing them was a fifth of the time of writing its summary).
"""
from __future__ import annotations

import contextlib
import math
import os
import posixpath
import struct
import zipfile
import zlib
from pathlib import Path
from typing import TYPE_CHECKING
from xml.parsers.expat import ExpatError

from remanxl.i18n import Msg
from remanxl.sheet.block import column_letter
from remanxl.workbook.safety import UnsafeWorkbookError, check_workbook, file_identity, was_checked

if TYPE_CHECKING:  # the summary (and the method core behind it) loads when cells are rendered
    from remanxl.sheet.summary import SummaryModel

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
SHEET_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
SHEET_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CALC_CHAIN = "xl/calcChain.xml"


_LOCAL_HEADER = struct.Struct("<4s5H3L2H")


def escape(text: str, entities: dict[str, str] | None = None) -> str:
    """XML-escape ``&``, ``<`` and ``>`` (and ``entities``), as ``xml.sax.saxutils.escape`` does.

    Kept here because importing xml.sax.saxutils pulls in urllib and email, a sizeable share
    of the command line's start-up.
    """
    text = text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")
    for char, entity in (entities or {}).items():
        text = text.replace(char, entity)
    return text


def _elements(data: bytes) -> list[tuple[str | None, str, dict]]:
    """``(parent's local name, local name, attributes)`` of every element, in document order.

    A streaming parse (expat) of the few small parts the writer reads, with no DTD allowed (so no
    entity is ever expanded); namespaced attributes are keyed ``"{uri}name"``.  Raises ``ValueError``
    for a part that is not well-formed.
    """
    from xml.parsers import expat

    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartDoctypeDeclHandler = _no_dtd
    stack: list[str] = []
    out: list[tuple[str | None, str, dict]] = []

    def start(name, attrs):
        local = name.rsplit("}", 1)[-1]
        out.append((stack[-1] if stack else None, local,
                    {("{" + k if "}" in k else k): v for k, v in attrs.items()}))
        stack.append(local)

    parser.StartElementHandler = start
    parser.EndElementHandler = lambda name: stack.pop()
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise ValueError(f"a workbook part is not well-formed XML: {exc}") from None
    return out


def sheet_parts(zf: zipfile.ZipFile) -> dict[str, tuple[str, str]]:
    """Sheet name → (part path, sheetId) from workbook.xml and its relationships."""
    targets = {a.get("Id"): a.get("Target") for _, name, a in _elements(zf.read("xl/_rels/workbook.xml.rels"))
               if name == "Relationship"}
    out = {}
    for parent, name, sheet in _elements(zf.read("xl/workbook.xml")):
        if name != "sheet" or parent != "sheets":
            continue
        target = targets.get(sheet.get(f"{{{R_NS}}}id"), "") or ""
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        out[sheet.get("name")] = (part, sheet.get("sheetId"))
    return out


def style_indices(styles_xml: bytes, names) -> dict[str, int]:
    """Named cell style → index of a cellXfs entry that uses it (0 when the workbook lacks it)."""
    named, first_use, i = {}, {}, 0
    for parent, name, a in _elements(styles_xml):
        if parent == "cellStyles" and name == "cellStyle":
            named[a.get("name")] = a.get("xfId")
        elif parent == "cellXfs" and name == "xf":
            first_use.setdefault(a.get("xfId", "0"), i)
            i += 1
    return {n: first_use.get(named.get(n), 0) for n in names}


def _cell_xml(ref: str, value, style: int, Formula, CellError) -> str:  # noqa: N803 - the summary's types
    s = f' s="{style}"' if style else ""
    if isinstance(value, Formula):
        f = f"<f>{escape(value.text)}</f>"
        v = value.cached
        if isinstance(v, bool):
            return f'<c r="{ref}"{s} t="b">{f}<v>{int(v)}</v></c>'
        if isinstance(v, CellError):
            return f'<c r="{ref}"{s} t="e">{f}<v>{escape(v.code)}</v></c>'
        if isinstance(v, (int, float)) and not math.isfinite(v):
            return f'<c r="{ref}"{s} t="e">{f}<v>#NUM!</v></c>'
        if isinstance(v, (int, float)):
            return f'<c r="{ref}"{s}>{f}<v>{repr(float(v))}</v></c>'
        if isinstance(v, str) and v.startswith("#"):
            return f'<c r="{ref}"{s} t="str">{f}<v>{escape(v)}</v></c>'
        return f'<c r="{ref}"{s} t="str">{f}<v>{escape("" if v is None else str(v))}</v></c>'
    if isinstance(value, CellError):
        return f'<c r="{ref}"{s} t="e"><v>{escape(value.code)}</v></c>'
    if value is None or value == "":
        return f'<c r="{ref}"{s}/>' if style else ""
    if isinstance(value, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)):
        if not math.isfinite(value):  # OOXML has no infinity: show the error a spreadsheet would
            return f'<c r="{ref}"{s} t="e"><v>#NUM!</v></c>'
        return f'<c r="{ref}"{s}><v>{repr(float(value))}</v></c>'
    text = escape(str(value))
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>{text}</t></is></c>'


def render_sheet_data(model: SummaryModel, styles: dict[str, int]) -> tuple[str, str, str, str]:
    """``(dimension, cols, sheetData, mergeCells)`` XML for the model."""
    from remanxl.sheet.summary import CellError, Formula  # (here: preparing a write needs no method core)

    rows: dict[int, dict] = {}
    for c in model.cells:
        row = rows.setdefault(c.row, {})
        if c.col in row:
            raise ValueError(f"summary model writes cell {column_letter(c.col + 1)}{c.row} twice")
        row[c.col] = c
    parts = []
    for r in sorted(rows):
        cells = "".join(_cell_xml(f"{column_letter(c.col + 1)}{r}", c.value, styles.get(c.style, 0), Formula, CellError)
                        for c in sorted(rows[r].values(), key=lambda c: c.col))
        parts.append(f'<row r="{r}">{cells}</row>')
    max_row = max(rows) if rows else 1
    max_col = max((c.col for c in model.cells), default=0) + 1
    dimension = f'<dimension ref="A1:{column_letter(max_col)}{max_row}"/>'
    hide = ' hidden="1"'
    cols = "".join(f'<col min="{i + 1}" max="{i + 1}" width="{w}" customWidth="1"{hide if i in model.hidden else ""}/>'
                   for i, w in enumerate(model.widths))
    cols = f"<cols>{cols}</cols>" if cols else ""
    merges = "".join(f'<mergeCell ref="{m}"/>' for m in model.merges)
    merges = f'<mergeCells count="{len(model.merges)}">{merges}</mergeCells>' if model.merges else ""
    return dimension, cols, "<sheetData>" + "".join(parts) + "</sheetData>", merges


# Child order of CT_Worksheet (ECMA-376 Part 1, 18.3.1.99): new elements must be put in place.
_ORDER = ["sheetPr", "dimension", "sheetViews", "sheetFormatPr", "cols", "sheetData", "sheetCalcPr",
          "sheetProtection", "protectedRanges", "scenarios", "autoFilter", "sortState", "dataConsolidate",
          "customSheetViews", "mergeCells", "phoneticPr", "conditionalFormatting", "dataValidations", "hyperlinks",
          "printOptions", "pageMargins", "pageSetup", "headerFooter", "rowBreaks", "colBreaks", "customProperties",
          "cellWatches", "ignoredErrors", "smartTags", "drawing", "legacyDrawing", "legacyDrawingHF",
          "drawingHF", "picture", "oleObjects", "controls", "webPublishItems", "tableParts", "extLst"]

_EMPTY_SHEET = (f'<worksheet xmlns="{NS}" xmlns:r="{R_NS}"><sheetViews><sheetView workbookViewId="0">'
                '<pane ySplit="6" topLeftCell="A7" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
                '<sheetFormatPr defaultRowHeight="15"/><sheetData/>'
                '<sheetProtection sheet="1" objects="1" scenarios="1" formatColumns="0" formatRows="0"/>'
                '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
                "</worksheet>").encode()


def rebuild_sheet(old, model: SummaryModel, styles: dict[str, int]) -> bytes:
    """The sheet's XML with remanxl's cells, keeping its views, protection, drawing and the rest;
    ``old`` is the sheet's part as :func:`_top_level` splits it (that parse proves it well-formed).

    The kept elements are copied as byte slices of the original part (their boundaries found by an
    XML parser, not by pattern), so their namespaces and attributes stay exactly as the author
    (Excel, openpyxl …) wrote them; the new elements take the root's namespace prefix, if any.
    """
    head, children, tail = old
    prefix = _prefix_of(head)
    dimension, cols, data, merges = render_sheet_data(model, styles)
    new = {"dimension": dimension, "cols": cols, "sheetData": data, "mergeCells": merges}
    if not data:
        raise ValueError("rebuilt summary sheet lost its sheetData")
    kept: dict[str, bytes] = {}
    after: dict[str | None, list[bytes]] = {}  # elements the schema list lacks (mc:AlternateContent …)
    previous = None
    for name, raw in children:
        if name in _ORDER:
            kept[name] = kept.get(name, b"") + raw
            previous = name
        else:
            after.setdefault(previous, []).append(raw)  # keep it where its author put it
    body = list(after.get(None, []))
    written = []
    for name in _ORDER:
        if name in new:
            if new[name]:
                written.append(_with_prefix(new[name], prefix).encode("utf-8"))
                body.append(written[-1])
        elif name in kept:
            body.append(kept[name])
        body += after.get(name, [])
    # Never replace a workbook's part with something that is not well-formed.  All else is byte slices of
    # the part just parsed, so what is checked is what was written here (not the whole part, again).
    _well_formed(b"<written>" + b"".join(written) + b"</written>")
    return head + b"".join(body) + tail


def _well_formed(xml: bytes) -> None:
    """Raise ``ValueError`` unless ``xml`` is one well-formed element (no DTD, as every part must be)."""
    from xml.parsers import expat

    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _no_dtd
    try:
        parser.Parse(xml, True)
    except expat.ExpatError as exc:
        raise ValueError(f"rebuilt summary sheet is not well-formed XML: {exc}") from None


def _no_dtd(*_):
    raise ValueError("a DTD in a workbook part")  # (refused before by the safety checks; never expanded here)


def _prefix_of(xml: bytes) -> str:
    """``"x:"`` when the root is written ``<x:worksheet>``, else ``""``."""
    import re

    m = re.search(rb"<([A-Za-z_][\w.-]*:)?worksheet\b", xml)
    return m.group(1).decode() if m and m.group(1) else ""


def _with_prefix(xml: str, prefix: str) -> str:
    import re

    if not prefix:
        return xml
    return re.sub(r"<(/?)(?=[A-Za-z])", lambda m: f"<{m.group(1)}{prefix}", xml)


def _top_level(xml: bytes) -> tuple[bytes, list[tuple[str, bytes]], bytes]:
    """``(everything up to the root's start tag, [(local name, raw bytes) of each child], the closing tag)``.

    Element boundaries come from expat's byte offsets; the end of a start tag is found by a scan
    that respects quoted attribute values (which may hold ``>``).
    """
    from xml.parsers import expat

    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _no_dtd  # no entity is ever expanded (billion laughs)
    depth = 0
    starts: list[int] = []
    spans: list[tuple[str, int, int]] = []
    root_end = [0]
    closing = [len(xml)]

    def start(name, attrs):
        nonlocal depth
        i = parser.CurrentByteIndex
        if depth == 0:
            root_end[0] = _tag_end(xml, i)
        elif depth == 1:
            starts.append(i)
        depth += 1

    def end(name):
        nonlocal depth
        depth -= 1
        i = parser.CurrentByteIndex
        if depth == 1:
            s = starts.pop()
            tag_end = _tag_end(xml, s)
            stop = tag_end if xml[tag_end - 2:tag_end] == b"/>" else xml.index(b">", i) + 1
            spans.append((name.rsplit(":", 1)[-1], s, stop))
        elif depth == 0:
            closing[0] = i

    parser.StartElementHandler, parser.EndElementHandler = start, end
    parser.Parse(xml, True)
    children = [(name, xml[s:e]) for name, s, e in spans]
    return xml[: root_end[0]], children, xml[closing[0]:]


def _tag_end(xml: bytes, i: int) -> int:
    """Index just past the ``>`` closing the tag that starts at ``i`` (quotes respected)."""
    quote = None
    j = i + 1
    n = len(xml)
    while j < n:
        ch = xml[j]
        if quote is not None:
            if ch == quote:
                quote = None
        elif ch in (0x22, 0x27):  # " or '
            quote = ch
        elif ch == 0x3E:  # >
            return j + 1
        j += 1
    raise ValueError("unterminated tag")


def write_sheet(src: str | Path, sheet_name: str, model: SummaryModel, dst: str | Path | None = None,
                style_names=()) -> Path:
    """Replace the cells of ``sheet_name`` (created if missing) and save atomically to ``dst`` (default: in place).

    The sheet's part must be proven remanxl's own first (:func:`prove_own_sheet`); a damaged or
    unexpected file raises :class:`~remanxl.workbook.safety.UnsafeWorkbookError` and nothing is written.
    """
    return SheetWrite(src, sheet_name, dst, style_names).write(model)


class SheetWrite:
    """:func:`write_sheet` in two steps: everything that does not depend on the new cells (the sheet's
    part proven remanxl's own, the workbook's sheets and styles, what the calc chain needs), then
    :meth:`write`.  ``remanxl evaluate`` takes the first step while the file is being read.

    Nothing is read from the file until :func:`~remanxl.workbook.safety.check_workbook` has passed,
    unless ``checked`` says the caller has run the hostile-file checks (the checksums may still be
    under way: then a damaged part makes this step fail, and :meth:`write`, after the checks, starts
    again).  :meth:`write` takes the first step again if the file changed in between.  A write can be
    prepared in one process and written in another (it pickles: a product workbook's reader prepares it).
    """

    def __init__(self, src: str | Path, sheet_name: str, dst: str | Path | None = None, style_names=(),
                 checked: bool = False):
        self.src = Path(src)
        # Through a link, update the file it points to (and keep the link); permissions of a new file
        # follow the umask as for any file the user saves.
        self.dst = Path(os.path.realpath(dst if dst else self.src))
        self.sheet_name, self.style_names = sheet_name, tuple(style_names)
        self._prepared = None
        if not checked:
            check_workbook(self.src, scan_cells=False)  # no sheet but the Summary is parsed here
        self._prepared = self._guarded(self._prepare)

    def write(self, model: SummaryModel) -> Path:
        """Write the sheet's new cells and save atomically; raises
        :class:`~remanxl.workbook.safety.UnsafeWorkbookError` for a damaged or unexpected file."""
        identity = file_identity(self.src)
        if not was_checked(identity):
            check_workbook(self.src, scan_cells=False)
        prepared = self._prepared
        if prepared is None or prepared.identity is None or prepared.identity != identity:
            prepared = self._guarded(self._prepare)
        return self._guarded(lambda: prepared.write(model))

    def _prepare(self) -> "_Prepared":
        return _Prepared(self.src, self.sheet_name, self.dst, self.style_names)

    def _guarded(self, step):
        try:
            return step()
        except (KeyError, RuntimeError, zlib.error, zipfile.BadZipFile, EOFError, UnicodeError,
                ExpatError) as exc:  # a part missing, encrypted, not inflating or not XML
            raise UnsafeWorkbookError(Msg("files.damaged", name=self.src.name, why=_why(exc))) from None


def _why(exc: BaseException) -> str:
    text = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
    return f"{type(exc).__name__}: {str(text)[:160]}"


class _Prepared:
    """What :class:`SheetWrite` gathers from the source before it has the cells to write."""

    def __init__(self, src: Path, sheet_name: str, dst: Path, style_names):
        self.src, self.dst = src, dst
        self.identity = file_identity(src)
        with zipfile.ZipFile(src) as zf:
            parts = sheet_parts(zf)
            self.comment = zf.comment
            self.infos = zf.infolist()
            names = {i.filename for i in self.infos}
            self.styles = style_indices(zf.read("xl/styles.xml"), style_names) if "xl/styles.xml" in names else {}
            self.replaced: dict[str, bytes] = {}
            self.added: dict[str, bytes] = {}
            existing = {name.casefold(): name for name in parts}.get(sheet_name.casefold())  # Excel ignores case
            if existing is not None:
                self.part, sheet_id = parts[existing]
                self.old = _top_level(prove_own_sheet(zf, src.name, existing, parts))
            else:
                self.part, sheet_id, extra = _add_sheet(zf, sheet_name, names)
                self.replaced.update(extra)
                self.old = _top_level(_EMPTY_SHEET)
            self.drop = set()
            if CALC_CHAIN in names and _chain_mentions(zf.read(CALC_CHAIN), sheet_id):
                # Excel repairs a calc chain that lists cells which are no longer formulas; without one it
                # simply rebuilds it.  Only the chain and its two references change.
                self.drop.add(CALC_CHAIN)
                self.replaced["[Content_Types].xml"] = _without(self.replaced.get("[Content_Types].xml")
                                                                or zf.read("[Content_Types].xml"), "calcChain")
                self.replaced["xl/_rels/workbook.xml.rels"] = _without(
                    self.replaced.get("xl/_rels/workbook.xml.rels") or zf.read("xl/_rels/workbook.xml.rels"),
                    "calcChain")
            self.new_part = existing is None

    def write(self, model: SummaryModel) -> Path:
        from remanxl.workbook import files

        sheet = rebuild_sheet(self.old, model, self.styles)
        replaced, added = dict(self.replaced), dict(self.added)
        (added if self.new_part else replaced)[self.part] = sheet
        dst = self.dst
        files.remove_stale_temporaries(dst.parent)
        tmp = files.temporary_name(dst.parent, dst.suffix or ".xlsx")
        try:
            with zipfile.ZipFile(tmp, "w") as out, open(self.src, "rb") as raw, contextlib.ExitStack() as opened:
                out.comment = self.comment  # the archive's comment, and each member's, are kept
                zf = None  # opened for a part that cannot be copied as it is (then inflated and deflated again)
                for info in self.infos:
                    if info.filename in self.drop:
                        continue
                    data = replaced.get(info.filename)
                    if data is None and _copy_raw(raw, info, out):
                        continue
                    if data is None:
                        zf = zf or opened.enter_context(zipfile.ZipFile(self.src))
                        data = zf.read(info)
                    out.writestr(_copy_info(info), data)
                for name, data in added.items():
                    out.writestr(_new_info(name), data)
            files.replace(tmp, dst)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return dst


#: What remanxl writes in A1 of its Summary (today's title, and earlier ones): the sheet's signature.
_SIGNATURES = ("remanxl", "GB/T 41350")
_TABLE_REL_TYPE = "/table"


def prove_own_sheet(zf: zipfile.ZipFile, book: str, sheet: str, parts: dict[str, tuple[str, str]]) -> bytes:
    """The XML of ``sheet``'s part, once proven to be remanxl's own sheet; else raise
    :class:`~remanxl.workbook.safety.UnsafeWorkbookError` (nothing is written).

    Proven means: the part exists; no other sheet of the workbook points at it; it holds no Excel
    table (every input sheet does); and its first cell A1 is empty or carries remanxl's title.  A
    relationship edited to point at an input sheet, or a user's own sheet of that name, is refused.
    """
    part = parts[sheet][0]
    names = set(zf.namelist())
    if part not in names:
        raise UnsafeWorkbookError(Msg("files.sheet_missing", name=book, sheet=sheet, part=part))
    shared = sorted(other for other, (p, _) in parts.items() if other != sheet and p.casefold() == part.casefold())
    if shared:
        raise UnsafeWorkbookError(Msg("files.sheet_shared", name=book, sheet=sheet, other=shared[0]))
    xml = _utf8(zf.read(part))
    rels = posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels")
    facts = _SheetFacts(xml)
    has_table = facts.has_table_parts
    if not has_table and rels in names:
        has_table = any(parent == "Relationships" and name == "Relationship"
                        and (a.get("Type") or "").endswith(_TABLE_REL_TYPE) for parent, name, a in _elements(zf.read(rels)))
    first = facts.a1_text
    if facts.a1_kind == "s" and first is not None and "xl/sharedStrings.xml" in names and first.strip().isdigit():
        first = _shared_string(zf, int(first))
    if has_table or (first is not None and not any(s.casefold() in first.casefold() for s in _SIGNATURES)):
        raise UnsafeWorkbookError(Msg("files.not_own_sheet", name=book, sheet=sheet,
                                      found=("an Excel table" if has_table else f"A1 = {first[:40]!r}")))
    return xml


def _utf8(xml: bytes) -> bytes:
    """The part as UTF-8 (a UTF-16 part, which the standard allows, is converted; its declaration too)."""
    import re

    if xml[:2] in (b"\xff\xfe", b"\xfe\xff"):
        text = xml.decode("utf-16")
        return re.sub(r"""(<\?xml[^>]*encoding=)["'][^"']*["']""", r'\1"UTF-8"', text, count=1).encode("utf-8")
    return xml


_MAIN = NS + "}"  # how expat names an element of the main namespace (namespace_separator "}", as in _elements)


class _SheetFacts:
    """What proving a sheet remanxl's own needs, from one streaming parse (expat, no DTD allowed):
    whether its ``tableParts`` lists a table, and its cell A1 (in the first row written, if anywhere):
    the cell's type ``t`` and its text (an inline string's ``t`` texts, else its ``v``)."""

    def __init__(self, xml: bytes):
        from xml.parsers import expat

        self.has_table_parts, self.a1_kind, self.a1_text = False, None, None
        self._stack: list[str] = []
        self._rows_seen = 0
        self._cell_depth = None  # depth of A1's element while inside it
        self._texts: list[str] | None = None
        self._v_done = False
        parser = expat.ParserCreate(namespace_separator="}")
        parser.StartDoctypeDeclHandler = _no_dtd
        parser.StartElementHandler, parser.EndElementHandler = self._start, self._end
        parser.CharacterDataHandler = self._text
        parser.Parse(xml, True)

    def _start(self, name, attrs):
        stack, depth = self._stack, len(self._stack)
        if depth == 2 and stack[1] == _MAIN + "tableParts":
            self.has_table_parts = True
        elif depth == 2 and stack[1] == _MAIN + "sheetData":
            self._rows_seen += 1
        elif (depth == 3 and stack[1] == _MAIN + "sheetData" and self._rows_seen == 1 and self.a1_kind is None
              and self._cell_depth is None and self._texts is None and (attrs.get("r") or "").upper() == "A1"):
            self.a1_kind = attrs.get("t") or ""
            self._cell_depth = depth
        elif self._cell_depth is not None:
            inline = self.a1_kind == "inlineStr"
            if (inline and name == _MAIN + "t") or (not inline and depth == self._cell_depth + 1
                                                    and name == _MAIN + "v" and not self._v_done):
                self._texts = self._texts if self._texts is not None else []
                self._collect = depth
        stack.append(name)

    def _end(self, name):
        self._stack.pop()
        depth = len(self._stack)
        if getattr(self, "_collect", None) == depth:
            self._collect = None
            self._v_done = self.a1_kind != "inlineStr"
        if self._cell_depth == depth:
            self._cell_depth = None
            self.a1_text = "".join(self._texts) if self._texts is not None else None
            if self.a1_text == "" and self.a1_kind != "inlineStr":
                self.a1_text = None  # an empty <v/> reads as no value, as a tree's .text does

    def _text(self, data):
        if getattr(self, "_collect", None) is not None:
            self._texts.append(data)


class _Found(Exception):
    """Internal: the shared string sought was read; the rest of the part is not parsed."""


def _shared_string(zf: zipfile.ZipFile, index: int) -> str:
    """One shared string (the text of its ``t`` elements), read up to its place (a plant workbook's
    table of strings can be large)."""
    from xml.parsers import expat

    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartDoctypeDeclHandler = _no_dtd
    depth, seen, texts, inside = [0], [-1], [], [None]

    def start(name, attrs):
        if depth[0] == 1 and name == _MAIN + "si":
            seen[0] += 1
        elif seen[0] == index and depth[0] >= 2 and name == _MAIN + "t":
            inside[0] = depth[0]
        depth[0] += 1

    def end(name):
        depth[0] -= 1
        if inside[0] == depth[0]:
            inside[0] = None
        if depth[0] == 1 and seen[0] == index:
            raise _Found

    def text(data):
        if inside[0] is not None:
            texts.append(data)

    parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = start, end, text
    try:
        with zf.open("xl/sharedStrings.xml") as fh:
            parser.ParseFile(fh)
    except _Found:
        return "".join(texts)
    return ""


def _copy_info(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    z = zipfile.ZipInfo(info.filename, date_time=info.date_time)
    z.compress_type = zipfile.ZIP_DEFLATED if info.compress_type != zipfile.ZIP_STORED else zipfile.ZIP_STORED
    z.external_attr = info.external_attr
    z.comment = info.comment
    return z


def _copy_raw(src, info: zipfile.ZipInfo, out: zipfile.ZipFile) -> bool:
    """Append ``info``'s part to ``out`` as its compressed bytes; False if it cannot be (then recompress).

    zipfile has no public way to add an already-compressed member, so this writes the local
    header and data where zipfile would and registers the member as ``ZipFile._open_to_write``
    and ``_ZipWriteFile.close`` do.  Anything unexpected (encryption, zip64 sizes, a Python whose
    zipfile differs) falls back to the ordinary, slower path.
    """
    if info.flag_bits & 0x01 or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) or max(
            info.file_size, info.compress_size, info.header_offset) >= zipfile.ZIP64_LIMIT:
        return False
    src.seek(info.header_offset)
    head = src.read(_LOCAL_HEADER.size)
    if len(head) != _LOCAL_HEADER.size or head[:4] != b"PK\x03\x04":
        return False
    name_len, extra_len = _LOCAL_HEADER.unpack(head)[-2:]
    src.seek(info.header_offset + _LOCAL_HEADER.size + name_len + extra_len)
    z = _copy_info(info)
    z.compress_type = info.compress_type
    z.flag_bits = info.flag_bits & 0x06  # deflate options; no data descriptor, sizes go in the header
    z.CRC, z.compress_size, z.file_size = info.CRC, info.compress_size, info.file_size
    try:  # every internal is looked up before anything is written
        lock, fp, filelist, by_name, writecheck = out._lock, out.fp, out.filelist, out.NameToInfo, out._writecheck
        if out._writing:
            return False
        start = out.start_dir
    except AttributeError:  # a zipfile whose internals differ: use the ordinary path
        return False
    with lock:
        fp.seek(start)
        z.header_offset = fp.tell()
        writecheck(z)
        out._didModify = True
        fp.write(z.FileHeader(False))
        left = info.compress_size
        while left:
            chunk = src.read(min(left, 1 << 20))
            if not chunk:
                raise zipfile.BadZipFile(f"{info.filename}: truncated")
            fp.write(chunk)
            left -= len(chunk)
        out.start_dir = fp.tell()
        filelist.append(z)
        by_name[z.filename] = z
    return True


def _new_info(name: str) -> zipfile.ZipInfo:
    z = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    z.compress_type = zipfile.ZIP_DEFLATED
    return z


def _chain_mentions(chain: bytes, sheet_id: str) -> bool:
    current = None
    for parent, name, c in _elements(chain):
        if parent != "calcChain":
            continue
        current = c.get("i", current)
        if (current or "1") == str(sheet_id):
            return True
    return False


def _without(xml: bytes, needle: str) -> bytes:
    """Drop the one self-closing element (Override or Relationship) that mentions ``needle``."""
    import re

    return re.sub(rb"<(Override|Relationship)\b[^>]*" + needle.encode() + rb"[^>]*/>", b"", xml)


def _add_sheet(zf: zipfile.ZipFile, name: str, names: set[str]):
    """Register a new worksheet part: workbook.xml, its rels and the content types."""
    import re

    n = 1
    while f"xl/worksheets/sheet{n}.xml" in names:
        n += 1
    part = f"xl/worksheets/sheet{n}.xml"
    wb = zf.read("xl/workbook.xml").decode("utf-8")
    rels = zf.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    ct = zf.read("[Content_Types].xml").decode("utf-8")
    ids = [int(x) for x in re.findall(r'sheetId="(\d+)"', wb)]
    sheet_id = str(max(ids, default=0) + 1)
    rids = [int(x) for x in re.findall(r'Id="rId(\d+)"', rels)]
    rid = f"rId{max(rids, default=0) + 1}"
    prefix = re.search(r"<(\w+:)?sheets\b", wb).group(1) or ""
    # The relationships namespace is declared on the new element itself: the root may use another
    # prefix for it, or none.
    wb = wb.replace(f"</{prefix}sheets>",
                    f'<{prefix}sheet xmlns:r="{R_NS}" name="{escape(name, {chr(34): "&quot;"})}" '
                    f'sheetId="{sheet_id}" r:id="{rid}"/></{prefix}sheets>')
    rels = rels.replace("</Relationships>",
                        f'<Relationship Id="{rid}" Type="{SHEET_REL}" Target="worksheets/sheet{n}.xml"/></Relationships>')
    ct = ct.replace("</Types>", f'<Override PartName="/{part}" ContentType="{SHEET_CT}"/></Types>')
    edited = {"xl/workbook.xml": wb.encode(), "xl/_rels/workbook.xml.rels": rels.encode(),
              "[Content_Types].xml": ct.encode()}
    for data in edited.values():
        _elements(data)  # never write a part that is not well-formed
    return part, sheet_id, edited
