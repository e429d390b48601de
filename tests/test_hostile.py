"""Files that are not what they claim are refused with a clear message, in bounded time and memory,
and nothing is written."""
import time
import tracemalloc
import zipfile

import pytest

from remanxl.cli import main
from remanxl.workbook.io import evaluate_workbook
from spec_vectors import t4_input
from workbook_fixtures import vector_workbook


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    return vector_workbook(tmp_path_factory.mktemp("good") / "good.xlsx", t4_input())


def rewrite(src, dst, change):
    with zipfile.ZipFile(src) as zf:
        entries = {i.filename: zf.read(i) for i in zf.infolist()}
    entries = change(entries) or entries
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in entries.items():
            out.writestr(name, data)
    return dst


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
    return rewrite(good, tmp / "bomb.xlsx", change), "zip bomb"


def entities(tmp, good):
    def change(e):
        body = e["xl/workbook.xml"]
        body = body.split(b"?>", 1)[1] if body.startswith(b"<?xml") else body
        e["xl/workbook.xml"] = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>' + body
    return rewrite(good, tmp / "xxe.xlsx", change), "DTD or entities"


def million_rows(tmp, good):
    def change(e):
        part = sheet_of(e, "Energy 能源")
        import re
        e[part] = re.sub(rb'<dimension ref="[^"]+"/>', b'<dimension ref="A1:XFD1048576"/>', e[part])
    return rewrite(good, tmp / "huge.xlsx", change), "1,048,576 rows"


def renamed_header(tmp, good):
    def change(e):
        part = sheet_of(e, "Water 水")
        e[part] = e[part].replace("Quantity 数量".encode(), b"Amount")
        for name in e:
            if name.startswith("xl/tables/"):
                e[name] = e[name].replace("Quantity 数量".encode(), b"Amount") if b'name="Water"' in e[name] else e[name]
    return rewrite(good, tmp / "renamed.xlsx", change), "header(s) renamed or removed: Quantity 数量"


def removed_table(tmp, good):
    def change(e):
        import re
        for name in list(e):
            if name.startswith("xl/tables/") and b'displayName="Energy"' in e[name]:
                del e[name]
                for rel in [n for n in e if n.endswith(".rels") and "worksheets/_rels" in n]:
                    e[rel] = re.sub(rb'<Relationship[^>]*' + name.split("/")[-1].encode() + rb'"[^>]*/>', b"", e[rel])
    return rewrite(good, tmp / "notable.xlsx", change), "no Excel table named Energy"


def not_a_workbook_zip(tmp, good):
    p = tmp / "archive.xlsx"
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("readme.txt", "hello")
    return p, "not an Excel workbook"


CASES = [not_a_zip, old_xls, truncated, zip_bomb, entities, million_rows, renamed_header, removed_table,
         not_a_workbook_zip]


@pytest.mark.parametrize("make", CASES, ids=lambda f: f.__name__)
def test_hostile_file_is_refused_and_untouched(tmp_path, good, make, capsys):
    path, message = make(tmp_path, good)
    before = path.read_bytes()
    tracemalloc.start()
    t0 = time.perf_counter()
    outcome = evaluate_workbook(path)
    elapsed = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert not outcome.ok
    assert any(message in str(p) for p in outcome.problems), outcome.problems
    assert path.read_bytes() == before
    assert elapsed < 10, f"took {elapsed:.1f} s"
    assert peak < 200 * 2**20, f"peak Python allocation {peak / 2**20:.0f} MiB"
    assert main(["evaluate", str(path)]) == 1
    assert message.split(":")[0] in capsys.readouterr().err
    assert path.read_bytes() == before
