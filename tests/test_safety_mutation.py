"""A seeded mutation test of the workbook: hundreds of damaged or hostile variants of a real workbook,
byte by byte and cell by cell.  For each: no traceback and no internal error in any output, only a
documented exit code, a failed run leaves the file byte-identical, a successful run changes only the
parts remanxl owns (the Summary sheet, and the calculation chain it may drop)."""
import contextlib
import io
import random
import re
import zipfile
import zlib
from pathlib import Path

import pytest

from remanxl.cli import EXIT_INPUT, EXIT_INVALID, EXIT_OK, main
from remanxl.sheet.layout import SUMMARY_SHEET
from remanxl.workbook.xlsxpatch import CALC_CHAIN, sheet_parts
from spec_vectors import t4_input
from workbook_fixtures import vector_workbook

SEED = 41350
BYTE_MUTANTS = 120
CELL_MUTANTS = 110
#: What a cell may be changed to: numbers at the edges, text, formulas, errors, markup.
CELL_VALUES = [b"<v>1e308</v>", b"<v>-1</v>", b"<v>NaN</v>", b"<v>INF</v>", b"<v></v>", b"<v>1e-320</v>",
               b'<v>99999999999999999999999</v>', b"<f>1/0</f><v>#DIV/0!</v>", b"<v>#REF!</v>",
               b"<is><t>=cmd|' /C calc'!A0</t></is>", b"<is><t>\xef\xbc\x91\xef\xbc\x92</t></is>",
               b"<is><t>" + b"x" * 40_000 + b"</t></is>", b"<is><t>&lt;script&gt;</t></is>", b"<is><t></t></is>",
               b"<v>TRUE</v>", b"<is><t>1,5</t></is>", b"<v>0</v>"]


@pytest.fixture(scope="module")
def seed_book(tmp_path_factory):
    return vector_workbook(tmp_path_factory.mktemp("seed") / "seed.xlsx", t4_input())


def _entries(path):
    with zipfile.ZipFile(path) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def byte_mutant(src: bytes, rng: random.Random) -> bytes:
    data = bytearray(src)
    kind = rng.randrange(5)
    if kind == 0:  # flip bits anywhere
        for _ in range(rng.randint(1, 4)):
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    elif kind == 1:  # truncate
        del data[rng.randrange(len(data)):]
    elif kind == 2:  # zero a run
        i = rng.randrange(len(data))
        data[i:i + rng.randint(1, 64)] = bytes(min(len(data) - i, rng.randint(1, 64)))
    elif kind == 3:  # duplicate a chunk in place
        i = rng.randrange(len(data))
        data[i:i] = data[i:i + rng.randint(1, 512)]
    else:  # damage a header field of the central directory (sizes, offsets, flags)
        starts = [m.start() for m in re.finditer(b"PK\x01\x02", bytes(data))]
        at = rng.choice(starts) + rng.choice((8, 10, 16, 20, 24, 28, 42))
        data[at:at + 2] = rng.randbytes(2)
    return bytes(data)


def cell_mutant(seed_path: Path, dst: Path, rng: random.Random) -> Path:
    entries = _entries(seed_path)
    sheets = [n for n in entries if n.startswith("xl/worksheets/sheet")]
    for _ in range(rng.randint(1, 3)):
        part = rng.choice(sheets)
        xml = entries[part]
        cells = list(re.finditer(rb'<c r="([A-Z]+[0-9]+)"([^>]*?)(?:/>|>(.*?)</c>)', xml, re.S))
        if not cells:
            continue
        kind = rng.choices(range(4), weights=(6, 2, 2, 1))[0]  # far cells cost a capped reader's seconds
        m = rng.choice(cells)
        if kind == 0:  # a new value (numbers, text, formulas, errors)
            value = rng.choice(CELL_VALUES)
            t = b' t="inlineStr"' if value.startswith(b"<is>") else b' t="e"' if b"#" in value else b""
            new = b'<c r="' + m.group(1) + b'"' + t + b">" + value + b"</c>"
        elif kind == 1:  # the cell removed
            new = b""
        elif kind == 2:  # a header renamed (row 4 holds the tables' headers)
            new = b'<c r="' + m.group(1) + b'" t="inlineStr"><is><t>Renamed</t></is></c>'
        else:  # a reference moved far away, within or beyond every limit
            new = b'<c r="' + rng.choice([b"ZZ99999", b"XFD1048576", b"A1000000"]) + b'"><v>1</v></c>'
        entries[part] = xml[:m.start()] + new + xml[m.end():]
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return dst


def run(path: Path):
    err, out = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        code = main(["evaluate", str(path)])
    return code, err.getvalue() + out.getvalue()


def owned_parts(path: Path) -> set[str]:
    with zipfile.ZipFile(path) as zf:
        part = sheet_parts(zf).get(SUMMARY_SHEET, ("",))[0]
    return {part, CALC_CHAIN, "[Content_Types].xml", "xl/_rels/workbook.xml.rels"}


def check(path: Path, label: str, problems: list) -> str:
    before = path.read_bytes()
    try:
        parts_before = _entries(path)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, RuntimeError, NotImplementedError):
        parts_before = None
    code, said = run(path)
    if "Traceback" in said or "internal error" in said:
        problems.append(f"{label}: {said[-300:]}")
    if code not in (EXIT_OK, EXIT_INPUT, EXIT_INVALID):
        problems.append(f"{label}: exit {code}: {said[-200:]}")
    if code == EXIT_INPUT and path.read_bytes() != before:
        problems.append(f"{label}: failed, yet the file changed")
    if code in (EXIT_OK, EXIT_INVALID):
        after = _entries(path)
        owned = owned_parts(path)
        changed = {n for n in set(after) | set(parts_before or {}) if (parts_before or {}).get(n) != after.get(n)}
        if changed - owned:
            problems.append(f"{label}: changed parts remanxl does not own: {sorted(changed - owned)}")
    return "ok" if code in (EXIT_OK, EXIT_INVALID) else "refused"


def test_byte_and_cell_mutants(seed_book, tmp_path):
    rng = random.Random(SEED)
    seed_bytes = seed_book.read_bytes()
    problems, outcomes = [], {"ok": 0, "refused": 0}
    for k in range(BYTE_MUTANTS):
        p = tmp_path / f"byte{k}.xlsx"
        p.write_bytes(byte_mutant(seed_bytes, rng))
        outcomes[check(p, f"byte mutant {k}", problems)] += 1
    for k in range(CELL_MUTANTS):
        p = cell_mutant(seed_book, tmp_path / f"cell{k}.xlsx", rng)
        outcomes[check(p, f"cell mutant {k}", problems)] += 1
    assert not problems, "\n".join(problems[:10])
    assert sum(outcomes.values()) == BYTE_MUTANTS + CELL_MUTANTS >= 200
    assert outcomes["ok"] > 10 and outcomes["refused"] > 10, outcomes  # the mutants exercise both outcomes


@pytest.mark.parametrize("xml", [
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">'
    b'<c r="A1" t="inlineStr"><is><r><t>remanxl </t></r><r><t>Summary</t></r></is></c></row></sheetData></worksheet>',
    b'<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData><x:row r="1">'
    b'<x:c r="B1"><x:v>1</x:v></x:c><x:c r="a1" t="s"><x:v>7</x:v><x:v>8</x:v></x:c></x:row></x:sheetData>'
    b'<x:tableParts count="1"><x:tablePart/></x:tableParts></x:worksheet>',
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="2">'
    b'<c r="A2"><v>3</v></c></row><row r="1"><c r="A1"><v>not first</v></c></row></sheetData>'
    b'<tableParts count="0"/></worksheet>',
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">'
    b'<c r="A1"><v/></c></row></sheetData></worksheet>',
])
def test_the_own_sheet_facts_equal_a_tree_readers(xml):
    """What proves a Summary remanxl's own is read by one streaming parse; an element tree reads the same."""
    from xml.etree import ElementTree

    from remanxl.workbook.xlsxpatch import NS, _SheetFacts

    def q(tag):
        return f"{{{NS}}}{tag}"

    root = ElementTree.fromstring(xml)
    parts = root.find(q("tableParts"))
    data = root.find(q("sheetData"))
    row = next(iter(data), None) if data is not None else None
    cell = next((c for c in row if (c.get("r") or "").upper() == "A1"), None) if row is not None else None
    if cell is None:
        kind = text = None
    elif cell.get("t") == "inlineStr":
        kind, text = "inlineStr", "".join(t.text or "" for t in cell.iter(q("t")))
    else:
        kind, v = cell.get("t") or "", cell.find(q("v"))
        text = None if v is None else v.text
    facts = _SheetFacts(xml)
    assert (facts.has_table_parts, facts.a1_kind, facts.a1_text) == (parts is not None and len(parts) > 0, kind, text)
