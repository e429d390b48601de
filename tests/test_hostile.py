"""Files that are not what they claim are refused with a clear message, in bounded time and memory,
and nothing is written."""
import time
import tracemalloc
import zipfile

import pytest

from remanxl.workbook.io import evaluate_workbook
from spec_vectors import t4_input
from workbook_fixtures import rewrite_zip, vector_workbook


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    return vector_workbook(tmp_path_factory.mktemp("good") / "good.xlsx", t4_input())


def sheet_of(entries, title):
    import re

    wb = entries["xl/workbook.xml"].decode()
    rels = entries["xl/_rels/workbook.xml.rels"].decode()
    rid = re.search(rf'name="{title}"[^>]*r:id="(rId\d+)"', wb).group(1)
    target = re.search(rf'<Relationship[^>]*Id="{rid}"[^>]*/>', rels).group(0)
    return "xl/" + re.search(r'Target="/?(?:xl/)?([^"]+)"', target).group(1)


def not_a_zip(tmp, good):
    p = tmp / "plain.xlsx"
    p.write_text("Product,SE\nengine,0.8\n")
    return p, "not a zip archive"


def old_xls(tmp, good):
    p = tmp / "old.xlsx"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    return p, "old-format .xls"


def truncated(tmp, good):
    p = tmp / "truncated.xlsx"
    p.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    return p, "damaged or truncated"


def zip_bomb(tmp, good):
    def change(e):
        e["xl/worksheets/padding.xml"] = b"<a>" + b"0" * (300 * 2**20) + b"</a>"
    return rewrite_zip(good, tmp / "bomb.xlsx", change), "zip bomb"


def entities(tmp, good):
    def change(e):
        body = e["xl/workbook.xml"]
        body = body.split(b"?>", 1)[1] if body.startswith(b"<?xml") else body
        e["xl/workbook.xml"] = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>' + body
    return rewrite_zip(good, tmp / "xxe.xlsx", change), "DTD or entities"


def million_rows(tmp, good):
    def change(e):
        import re

        part = sheet_of(e, "Energy 能源")
        # openpyxl writes <dimension ref="…"/> or <dimension ref="…" /> (with or without lxml).
        e[part], n = re.subn(rb'<dimension ref="[^"]+"\s*/>', b'<dimension ref="A1:XFD1048576"/>', e[part])
        assert n == 1, "the fixture did not find the sheet's dimension to edit"
    return rewrite_zip(good, tmp / "huge.xlsx", change), "1,048,576 rows"


def renamed_header(tmp, good):
    def change(e):
        part = sheet_of(e, "Water 水")
        e[part] = e[part].replace("Quantity 数量".encode(), b"Amount")
        for name in e:
            if name.startswith("xl/tables/"):
                e[name] = e[name].replace("Quantity 数量".encode(), b"Amount") if b'name="Water"' in e[name] else e[name]
    return rewrite_zip(good, tmp / "renamed.xlsx", change), "header(s) renamed or removed: Quantity 数量"


def removed_table(tmp, good):
    def change(e):
        import re
        for name in list(e):
            if name.startswith("xl/tables/") and b'displayName="Energy"' in e[name]:
                del e[name]
                for rel in [n for n in e if n.endswith(".rels") and "worksheets/_rels" in n]:
                    e[rel] = re.sub(rb'<Relationship[^>]*' + name.split("/")[-1].encode() + rb'"[^>]*/>', b"", e[rel])
    return rewrite_zip(good, tmp / "notable.xlsx", change), "no Excel table named Energy"


def not_a_workbook_zip(tmp, good):
    p = tmp / "archive.xlsx"
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("readme.txt", "hello")
    return p, "not an Excel workbook"


#: How a far cell is refused: the capped reader gives up (POSIX), or the reference scan finds it.
FAR = "needed more than" if hasattr(__import__("os"), "fork") else "beyond column ZZ or row 999,999"


def far_cell_without_dimension(tmp, good):
    def change(e):
        import re
        part = sheet_of(e, "Energy 能源")
        xml = re.sub(rb'<dimension ref="[^"]+"/>', b"", e[part])
        e[part] = xml.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>')
    return rewrite_zip(good, tmp / "farcell.xlsx", change), FAR


def huge_table_ref(tmp, good):
    def change(e):
        import re
        for name in e:
            if name.startswith("xl/tables/") and b'displayName="Energy"' in e[name]:
                e[name] = re.sub(rb'ref="[^"]+"', b'ref="A4:XFD1048576"', e[name], count=1)
    return rewrite_zip(good, tmp / "hugetable.xlsx", change), "A4:XFD1048576"


def entities_after_a_long_comment(tmp, good):
    def change(e):
        body = e["xl/styles.xml"]
        body = body.split(b"?>", 1)[1] if body.startswith(b"<?xml") else body
        e["xl/styles.xml"] = (b'<?xml version="1.0"?><!--' + b"x" * 6000 + b'-->'
                              b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>' + body)
    return rewrite_zip(good, tmp / "late-dtd.xlsx", change), "DTD or entities"


def _far_variant(name, snippet, sheet="Energy 能源"):
    """A sheet with ``snippet`` added to its data: spellings of far cells a pattern check can miss."""
    def make(tmp, good):
        def change(e):
            part = sheet_of(e, sheet)
            e[part] = e[part].replace(b"</sheetData>", snippet + b"</sheetData>")
        return rewrite_zip(good, tmp / f"{name}.xlsx", change), FAR
    make.__name__ = name
    return make


FAR_VARIANTS = [
    _far_variant("block_within_each_limit", b'<row r="999999"><c r="ZZ999999"><v>1</v></c></row>'),
    _far_variant("single_quoted_reference", b"<row r='1048576'><c r='XFD1048576'><v>1</v></c></row>"),
    _far_variant("lower_case_reference", b'<row r="999999"><c r="xfd999999"><v>1</v></c></row>'),
    _far_variant("cells_without_references", b'<row r="999999">' + b'<c t="n"><v>1</v></c>' * 3000 + b"</row>"),
    # a plant-size ledger is read by a process of its own (tests/test_workbook.py splits small files too)
    _far_variant("far_cell_in_the_parts_ledger", b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>',
                 "Parts 零件清单"),
]

CASES = [not_a_zip, old_xls, truncated, zip_bomb, entities, million_rows, renamed_header, removed_table,
         not_a_workbook_zip, far_cell_without_dimension, huge_table_ref, entities_after_a_long_comment,
         *FAR_VARIANTS]


MEMORY_LIMIT = 1 << 30  # address space of the refusing process: a reader that tried to allocate would fail


def _limits():
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


@pytest.mark.parametrize("make", CASES, ids=lambda f: f.__name__)
def test_hostile_file_is_refused_and_untouched(tmp_path, good, make):
    """The command line refuses the file within 1 GiB of address space and 60 s, names the problem, writes
    nothing; then the same refusal in-process (safe once the subprocess showed no reader runs away)."""
    import subprocess
    import sys

    path, message = make(tmp_path, good)
    before = path.read_bytes()
    t0 = time.perf_counter()
    run = subprocess.run([sys.executable, "-m", "remanxl", "evaluate", str(path)], capture_output=True, text=True,
                         timeout=60, preexec_fn=_limits)
    elapsed = time.perf_counter() - t0
    assert run.returncode == 1, (run.returncode, run.stderr[-2000:])
    assert message in run.stderr, run.stderr
    assert "Traceback" not in run.stderr
    assert path.read_bytes() == before
    assert elapsed < 30, f"took {elapsed:.1f} s"
    tracemalloc.start()
    outcome = evaluate_workbook(path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert not outcome.ok
    assert any(message in str(p) for p in outcome.problems), outcome.problems
    assert peak < 200 * 2**20, f"peak Python allocation {peak / 2**20:.0f} MiB"
    assert path.read_bytes() == before
