"""Nothing lost: remanxl never writes a workbook another program holds open, never replaces a file it did
not write unless told to, proves the sheet it rewrites is its own, leaves nothing behind, keeps owner,
mode, attributes and comments, and says in one line what went wrong (disk full, Ctrl+C, a read-only
folder), leaving every file byte-identical."""
import errno
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from remanxl.cli import EXIT_FAILED, EXIT_INPUT, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, main
from remanxl.sheet.layout import SUMMARY_SHEET
from remanxl.workbook import files
from remanxl.workbook.xlsxpatch import sheet_parts
from spec_vectors import t4_input
from workbook_fixtures import rewrite_zip, vector_workbook


@pytest.fixture(scope="module")
def original(tmp_path_factory):
    return vector_workbook(tmp_path_factory.mktemp("orig") / "book.xlsx", t4_input())


@pytest.fixture
def book(tmp_path, original):
    d = tmp_path / "work"
    d.mkdir()
    return Path(shutil.copy(original, d / "book.xlsx"))


def run(*args):
    """``main(args)`` as a user runs it: its exit code, and what it said on standard error."""
    import contextlib
    import io

    err, out = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        code = main([str(a) for a in args])
    return code, err.getvalue()


def leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.startswith(files.TEMP_PREFIX)]


def summary_part(path: Path) -> str:
    with zipfile.ZipFile(path) as zf:
        return sheet_parts(zf)[SUMMARY_SHEET][0]


# ---------------------------------------------------------------- 1. lock files

@pytest.mark.parametrize("lock", ["~$book.xlsx", ".~lock.book.xlsx#", "~$ok.xlsx"])
def test_a_workbook_open_in_another_program_is_not_written(book, lock):
    (book.parent / lock).write_bytes(b"\x05user")
    before = book.read_bytes()
    code, err = run("evaluate", book)
    assert code == EXIT_INPUT
    assert lock in err and "-o OUT.xlsx" in err and "--ignore-lock" in err and "Traceback" not in err
    assert book.read_bytes() == before
    out = book.parent / "copy.xlsx"
    assert run("evaluate", book, "-o", out)[0] == EXIT_OK  # a copy may be written: the open file is untouched
    assert book.read_bytes() == before
    assert run("evaluate", book, "--ignore-lock")[0] == EXIT_OK  # the explicit override
    assert book.read_bytes() != before


def test_a_locked_output_is_not_written(book):
    out = book.parent / "out.xlsx"
    (book.parent / ".~lock.out.xlsx#").write_text("user,host")
    code, err = run("evaluate", book, "-o", out)
    assert code == EXIT_INPUT and "LibreOffice" in err and not out.exists()


def test_a_batch_skips_only_the_locked_workbook(book, original):
    other = Path(shutil.copy(original, book.parent / "other.xlsx"))
    (book.parent / "~$book.xlsx").write_bytes(b"x")
    before, other_before = book.read_bytes(), other.read_bytes()
    code, err = run("evaluate", book.parent, "--no-progress")
    assert code == EXIT_INPUT and "~$book.xlsx" in err
    assert book.read_bytes() == before and other.read_bytes() != other_before


# ---------------------------------------------------------------- 2. the part written is remanxl's own

def test_a_summary_pointing_at_an_input_sheet_is_refused(book, tmp_path):
    def point_at_energy(e):
        rels = e["xl/_rels/workbook.xml.rels"].decode()
        wb = e["xl/workbook.xml"].decode()
        rid = {n: r for n, r in re.findall(r'<sheet [^>]*name="([^"]+)"[^>]*r:id="(rId\d+)"', wb)}
        targets = dict(re.findall(r'<Relationship [^>]*Target="([^"]+)"[^>]*Id="(rId\d+)"', rels))
        energy = next(t for t, r in targets.items() if r == rid["Energy 能源"])
        summary = next(t for t, r in targets.items() if r == rid[SUMMARY_SHEET])
        e["xl/_rels/workbook.xml.rels"] = rels.replace(f'Target="{summary}"', f'Target="{energy}"').encode()
    bad = rewrite_zip(book, tmp_path / "pointed.xlsx", point_at_energy)
    before = bad.read_bytes()
    code, err = run("evaluate", bad)
    assert code == EXIT_INPUT and "Energy 能源" in err and "Traceback" not in err
    assert bad.read_bytes() == before


def test_a_users_own_sheet_named_summary_is_refused(book, tmp_path):
    part = summary_part(book)

    def users_sheet(e):
        e[part] = re.sub(rb"<sheetData>.*</sheetData>", b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>My '
                         b'own notes</t></is></c></row></sheetData>', e[part], flags=re.S)
    bad = rewrite_zip(book, tmp_path / "mine.xlsx", users_sheet)
    before = bad.read_bytes()
    code, err = run("evaluate", bad)
    assert code == EXIT_INPUT and "not remanxl's Summary" in err and "My own notes" in err
    assert bad.read_bytes() == before


def test_a_summary_saved_by_excel_with_shared_strings_is_recognised(book, tmp_path):
    """Excel turns inline strings into shared ones when it saves: the title is still found."""
    part = summary_part(book)

    def shared(e):
        title = re.search(rb'<c r="A1"([^>]*) t="inlineStr"><is><t>([^<]*)</t></is></c>', e[part])
        e["xl/sharedStrings.xml"] = (b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                                     b'count="2" uniqueCount="2"><si><t>other</t></si><si><t>' + title.group(2)
                                     + b"</t></si></sst>")
        e[part] = e[part].replace(title.group(0), b'<c r="A1"' + title.group(1) + b' t="s"><v>1</v></c>')
    saved = rewrite_zip(book, tmp_path / "saved.xlsx", shared)
    assert run("evaluate", saved)[0] == EXIT_OK


# ---------------------------------------------------------------- 3. one overwrite rule

def test_o_never_replaces_a_file_remanxl_did_not_write(book):
    out = book.parent / "report.xlsx"
    out.write_bytes(b"someone's file")
    code, err = run("evaluate", book, "-o", out)
    assert code == EXIT_USAGE and "--force" in err and out.read_bytes() == b"someone's file"
    assert run("evaluate", book, "-o", out, "--force")[0] == EXIT_OK
    assert zipfile.is_zipfile(out)


def test_o_through_a_link_is_refused_too(book):
    target = book.parent / "target.xlsx"
    target.write_bytes(b"precious")
    link = book.parent / "link.xlsx"
    link.symlink_to(target)
    code, err = run("evaluate", book, "-o", link)
    assert code == EXIT_USAGE and target.read_bytes() == b"precious" and link.is_symlink()


def test_the_rollup_never_replaces_a_product_workbook(book, original):
    engine = Path(shutil.copy(original, book.parent / "engine.xlsx"))
    before = engine.read_bytes()
    code, err = run("evaluate", book.parent, "--rollup", book.parent / "engine", "--no-progress")
    assert code == EXIT_USAGE and "engine.xlsx" in err and engine.read_bytes() == before
    assert not (book.parent / "engine.csv").exists()


def test_a_product_named_like_the_rollup_is_evaluated_not_replaced(book, original):
    named = Path(shutil.copy(original, book.parent / "remanxl_rollup.xlsx"))
    dated = Path(shutil.copy(original, book.parent / "remanxl_rollup_2024.xlsx"))
    before = named.read_bytes()
    code, err = run("evaluate", book.parent, "--no-progress")
    assert code == EXIT_USAGE and "remanxl_rollup.xlsx" in err and named.read_bytes() == before
    named.unlink()
    dated_before = dated.read_bytes()
    code, err = run("evaluate", book.parent, "--no-progress")
    assert code == EXIT_OK, err
    assert dated.read_bytes() != dated_before  # a product workbook, evaluated like any other
    assert "remanxl_rollup_2024.xlsx" in (book.parent / "remanxl_rollup.csv").read_text(encoding="utf-8-sig")
    assert run("evaluate", book.parent, "--no-progress")[0] == EXIT_OK  # its own roll-up it replaces


# ---------------------------------------------------------------- 4. left-overs, owner, mode, comments

def test_stale_temporary_files_of_dead_runs_are_removed(book):
    folder = book.parent
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()
    stale = [folder / f".~remanxl-{dead}-abc123_x.xlsx", folder / ".~remanxl-oldname1.xlsx"]
    for p in stale:
        p.write_bytes(b"half a workbook")
    old = time.time() - 2 * files.STALE_AFTER_SECONDS
    os.utime(stale[1], (old, old))
    young_unknown = folder / ".~remanxl-youngone.xlsx"  # no process to ask, and recent: left alone
    live = folder / f".~remanxl-{os.getppid()}-running.xlsx"  # a run in progress
    lookalike = folder / ".~remanxl-notes.txt"
    for p in (young_unknown, live, lookalike):
        p.write_bytes(b"x")
    assert run("evaluate", book)[0] == EXIT_OK
    assert not any(p.exists() for p in stale)
    assert young_unknown.exists() and live.exists() and lookalike.exists()


def test_a_killed_write_leaves_a_temporary_file_the_next_run_removes(book, tmp_path):
    """kill -9 during the write (the temporary file is half written): the workbook is intact, and the
    next run removes the left-over."""
    script = ("import sys, os, signal; from remanxl.workbook import files\n"
              "real = files.replace\n"
              "def die(tmp, dst):\n    os.kill(os.getpid(), signal.SIGKILL)\n"
              "files.replace = die\nfrom remanxl.cli import main\nmain(['evaluate', sys.argv[1]])\n")
    before = book.read_bytes()
    proc = subprocess.run([sys.executable, "-c", script, str(book)], capture_output=True)
    assert proc.returncode == -9
    assert book.read_bytes() == before and len(leftovers(book.parent)) == 1
    assert run("evaluate", book)[0] == EXIT_OK
    assert leftovers(book.parent) == []


def test_owner_mode_attributes_and_comments_are_kept(book, tmp_path):
    def commented(e):
        return e
    with zipfile.ZipFile(book) as zf:
        entries = [(i, zf.read(i)) for i in zf.infolist()]
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.comment = b"archive comment"
        for info, data in entries:
            if info.filename == "xl/styles.xml":
                info.comment = b"member comment"
            zf.writestr(info, data)
    os.chmod(book, 0o640)
    root = hasattr(os, "geteuid") and os.geteuid() == 0
    if root:
        os.chown(book, 4321, 4321)
    xattr = hasattr(os, "setxattr")
    if xattr:
        try:
            os.setxattr(book, "user.remanxl.test", b"kept")
        except OSError:
            xattr = False
    link = book.parent / "hardlink.xlsx"
    os.link(book, link)
    assert run("evaluate", book)[0] == EXIT_OK
    st = book.stat()
    assert oct(st.st_mode & 0o7777) == oct(0o640)
    if root:
        assert (st.st_uid, st.st_gid) == (4321, 4321)
    if xattr:
        assert os.getxattr(book, "user.remanxl.test") == b"kept"
    with zipfile.ZipFile(book) as zf:
        assert zf.comment == b"archive comment"
        assert zf.getinfo("xl/styles.xml").comment == b"member comment"
    assert link.read_bytes() != book.read_bytes()  # documented: a hard link keeps the old file


# ---------------------------------------------------------------- 5. damaged parts, JSON

def _flip_first_bytes(book: Path, dst: Path, part: str) -> Path:
    """``book`` with the first compressed bytes of ``part`` damaged so that inflating fails outright."""
    data = bytearray(book.read_bytes())
    with zipfile.ZipFile(book) as zf:
        info = zf.getinfo(part)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start] = 0xFF  # an invalid deflate block type
    dst.write_bytes(bytes(data))
    return dst


@pytest.mark.parametrize("part", ["xl/styles.xml", "xl/workbook.xml", "SUMMARY"])
def test_a_part_that_does_not_inflate_is_one_line(book, tmp_path, part):
    bad = _flip_first_bytes(book, tmp_path / "flip.xlsx", summary_part(book) if part == "SUMMARY" else part)
    before = bad.read_bytes()
    code, err = run("evaluate", bad)
    assert code == EXIT_INPUT and "damaged" in err and "Traceback" not in err and "internal error" not in err
    assert bad.read_bytes() == before


def test_an_encrypted_member_is_one_line(book, tmp_path):
    data = bytearray(book.read_bytes())
    part = summary_part(book).encode()
    for sig, flags_at, name_at in ((b"PK\x03\x04", 6, 30), (b"PK\x01\x02", 8, 46)):
        for m in re.finditer(re.escape(sig), bytes(data)):
            if data[m.start() + name_at:m.start() + name_at + len(part)] == part:
                data[m.start() + flags_at] |= 1
    bad = tmp_path / "enc.xlsx"
    bad.write_bytes(bytes(data))
    code, err = run("evaluate", bad)
    assert code == EXIT_INPUT and "encrypted" in err and "Traceback" not in err


def test_a_summary_part_listed_but_missing_is_one_line(book, tmp_path):
    part = summary_part(book)
    bad = rewrite_zip(book, tmp_path / "missing.xlsx", lambda e: e.pop(part) and None)
    before = bad.read_bytes()
    code, err = run("evaluate", bad)
    assert code == EXIT_INPUT and f"part {part} is missing" in err and bad.read_bytes() == before


def test_a_utf16_summary_part_is_rewritten_as_utf8(book, tmp_path):
    part = summary_part(book)

    def utf16(e):
        text = e[part].decode("utf-8")
        text = re.sub(r"^<\?xml[^>]*\?>", "", text)
        e[part] = ('<?xml version="1.0" encoding="UTF-16"?>' + text).encode("utf-16")
    bad = rewrite_zip(book, tmp_path / "utf16.xlsx", utf16)
    assert run("evaluate", bad)[0] == EXIT_OK
    with zipfile.ZipFile(bad) as zf:
        xml = zf.read(part)
    assert xml.startswith(b"<") and b"remanxl" in xml


@pytest.mark.parametrize("text, expected", [
    ('{"settings": {"product": "x"}, "factors": {"units": "x"}}', "factors"),
    ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ('{"settings": ' + '{"a": ' * 100_000 + "1" + "}" * 100_001, "nested too deeply"),
])
def test_hostile_json_is_one_line(tmp_path, text, expected):
    p = tmp_path / "e.json"
    p.write_text(text)
    code, err = run("evaluate", p)
    assert code == EXIT_INPUT and expected in err and "Traceback" not in err


# ---------------------------------------------------------------- 6. numbers and tables a reader chokes on

def test_a_huge_functional_unit_names_its_cell(tmp_path):
    inp = t4_input()
    inp["settings"]["functional_unit_quantity"] = 1e308
    p = vector_workbook(tmp_path / "n.xlsx", inp)
    code, err = run("evaluate", p)
    assert code == EXIT_INPUT and "Settings" in err and "functional_unit_quantity" in err and "too large" in err
    assert "Overflow" not in err


def test_huge_quantities_name_their_cells(tmp_path):
    inp = t4_input()
    inp["water"][0]["quantity"] = 1.5e308
    inp["water"][1]["quantity"] = 1.5e308
    p = vector_workbook(tmp_path / "q.xlsx", inp)
    code, err = run("evaluate", p)
    assert code == EXIT_INPUT and err.count("too large") == 2 and "Water" in err and "Overflow" not in err


def test_a_table_of_its_header_row_alone_is_named(book, tmp_path):
    def header_only(e):
        for name in e:
            if name.startswith("xl/tables/") and b'displayName="Water"' in e[name]:
                m = re.search(rb'ref="([A-Z]+)(\d+):([A-Z]+)\d+"', e[name])
                e[name] = re.sub(rb'ref="[A-Z]+\d+:[A-Z]+\d+"', b'ref="' + m.group(1) + m.group(2) + b":"
                                 + m.group(3) + m.group(2) + b'"', e[name])
    bad = rewrite_zip(book, tmp_path / "hdr.xlsx", header_only)
    code, err = run("evaluate", bad)
    assert code == EXIT_INPUT and "table Water" in err and "GiB" not in err and "Traceback" not in err


# ---------------------------------------------------------------- 5. disk full, Ctrl+C, 7. read-only folder

def _enospc(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


def test_a_full_disk_is_one_line_and_changes_nothing(book, monkeypatch):
    before = book.read_bytes()
    monkeypatch.setattr(zipfile.ZipFile, "writestr", _enospc)
    code, err = run("evaluate", book)
    assert code == EXIT_FAILED and "disk is full" in err and "Traceback" not in err
    assert book.read_bytes() == before and leftovers(book.parent) == []


@pytest.mark.skipif(not (sys.platform.startswith("linux") and hasattr(os, "geteuid") and os.geteuid() == 0),
                    reason="mounting a small tmpfs needs root on Linux")
def test_a_full_disk_on_a_real_small_filesystem(original, tmp_path):
    mnt = tmp_path / "small"
    mnt.mkdir()
    size = original.stat().st_size + 64 * 1024  # the workbook fits; a second copy does not
    if subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mnt)]).returncode:
        pytest.skip("this machine does not allow mounting a tmpfs")
    try:
        book = Path(shutil.copy(original, mnt / "book.xlsx"))
        before = book.read_bytes()
        proc = subprocess.run([sys.executable, "-m", "remanxl", "evaluate", str(book)], capture_output=True, text=True)
        assert proc.returncode == EXIT_FAILED, proc.stderr
        assert "disk is full" in proc.stderr and "Traceback" not in proc.stderr
        assert book.read_bytes() == before and leftovers(mnt) == []
    finally:
        subprocess.run(["umount", str(mnt)])


@pytest.mark.parametrize("where", ["reading", "writing", "batch"])
def test_ctrl_c_is_one_line_and_changes_nothing(book, original, monkeypatch, where):
    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    if where == "reading":
        from remanxl.workbook import io

        monkeypatch.setattr(io.FileWorkbook, "assess", interrupt)
    else:
        monkeypatch.setattr(files, "replace", interrupt)
    target = book.parent if where == "batch" else book
    if where == "batch":
        shutil.copy(original, book.parent / "second.xlsx")
    before = {p: p.read_bytes() for p in book.parent.iterdir()}
    code, err = run("evaluate", target, "--no-progress", "--jobs", "1") if where == "batch" else run("evaluate", target)
    assert code == EXIT_INTERRUPTED and "interrupted" in err and "Traceback" not in err
    assert {p: p.read_bytes() for p in book.parent.iterdir()} == before


def test_a_read_only_folder_is_named_not_the_temporary_file(book, monkeypatch):
    """Root may write anywhere, so the refusal of the operating system is simulated at the temporary file."""
    def refuse(folder, suffix):
        raise PermissionError(errno.EACCES, "Permission denied", str(folder / f"{files.TEMP_PREFIX}1-abc.xlsx"))

    monkeypatch.setattr(files, "temporary_name", refuse)
    before = book.read_bytes()
    code, err = run("evaluate", book)
    assert code == EXIT_FAILED
    assert f"the folder {book.parent} is read-only" in err and files.TEMP_PREFIX not in err
    assert "open in Excel" not in err and book.read_bytes() == before


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root writes to read-only folders")
def test_a_read_only_folder_is_refused_before_any_work(book):
    os.chmod(book.parent, 0o555)
    try:
        code, err = run("evaluate", book)
    finally:
        os.chmod(book.parent, 0o755)
    assert code == EXIT_USAGE and "read-only" in err and files.TEMP_PREFIX not in err


def test_build_addin_replaces_only_an_add_in_it_built(tmp_path):
    pytest.importorskip("pyopenvba")
    mine = tmp_path / "notes.xlam"
    mine.write_bytes(b"not an add-in")
    code, err = run("build-addin", "-o", mine)
    assert code == EXIT_USAGE and "--force" in err and mine.read_bytes() == b"not an add-in"
    from remanxl.excel import ADDIN_PATH

    earlier = Path(shutil.copy(ADDIN_PATH, tmp_path / "remanxl.xlam"))
    assert run("build-addin", "-o", earlier)[0] == EXIT_OK


def test_on_windows_a_refused_replace_says_the_file_may_be_open(monkeypatch, tmp_path):
    from remanxl.cli import _os_message
    from remanxl.i18n import tr

    monkeypatch.setattr(sys, "platform", "win32")
    msg = _os_message(PermissionError(errno.EACCES, "Access is denied", str(tmp_path / "book.xlsx")))
    assert "open in Excel, WPS" in tr(msg, "both") and "-o OUT.xlsx" in tr(msg, "both")


@pytest.mark.skipif(not hasattr(os, "fork"), reason="a signal sent to a process: POSIX")
def test_a_real_ctrl_c_at_any_moment(book):
    """SIGINT at moments from start-up to the write: never a traceback; the workbook is either as it was
    or completely evaluated; nothing left behind.  (A signal landing while Python itself starts or ends
    ends the process the way Python does, which a shell reports as 130 too.)"""
    import signal

    before = book.read_bytes()
    codes = set()
    for k in range(10):
        book.write_bytes(before)
        proc = subprocess.Popen([sys.executable, "-m", "remanxl", "evaluate", str(book)], stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE)
        time.sleep(0.05 + 0.06 * k)
        proc.send_signal(signal.SIGINT)
        err = proc.communicate(timeout=120)[1].decode()
        codes.add(proc.returncode)
        if "init_import_site" in err:  # Python's own start-up, before any of remanxl runs: not ours to word
            assert book.read_bytes() == before
            continue
        assert "Traceback" not in err, err
        assert proc.returncode in (EXIT_OK, EXIT_INTERRUPTED, -signal.SIGINT), (proc.returncode, err)
        after = book.read_bytes()
        assert after == before or (proc.returncode in (EXIT_OK, -signal.SIGINT) and zipfile.is_zipfile(book))
        assert leftovers(book.parent) == []
    assert EXIT_INTERRUPTED in codes  # the interrupt was caught at least once, not only missed


def test_a_rollup_is_known_by_its_content(book, tmp_path):
    from openpyxl import Workbook

    from remanxl.workbook.batch import ROLLUP_SHEETS, is_rollup, write_rollup

    write_rollup([], tmp_path / "r.csv", tmp_path / "r.xlsx")
    assert is_rollup(tmp_path / "r.csv") and is_rollup(tmp_path / "r.xlsx")
    wb = Workbook()
    wb.active.title = ROLLUP_SHEETS[1]
    wb.create_sheet(ROLLUP_SHEETS[0])
    wb.save(tmp_path / "with-portfolio.xlsx")
    assert is_rollup(tmp_path / "with-portfolio.xlsx")  # a roll-up with its portfolio view
    assert not is_rollup(book)  # a product workbook, whatever its name
    (tmp_path / "notes.csv").write_text("file,product\n")
    assert not is_rollup(tmp_path / "notes.csv")


@pytest.mark.skipif(not hasattr(os, "kill"), reason="a signal sent to this process")
@pytest.mark.parametrize("when", ["just before the file is moved into place", "once it is in place"])
def test_ctrl_c_at_the_moment_of_the_write_is_either_nothing_written_or_a_finished_run(book, monkeypatch, capsys,
                                                                                       when):
    """A Ctrl+C just before the workbook is moved into place stops the run with the file as it was
    (130); one an instant later, the file being in place, is ignored: the run finishes and reports
    (0), never "every file is as it was" about a file just written.  How Ctrl+C is handled is put back
    afterwards."""
    import signal

    from remanxl.workbook import files

    before = book.read_bytes()
    handler = signal.getsignal(signal.SIGINT)
    real = files.os.replace
    if when == "just before the file is moved into place":
        real_mode = files.carry_over
        monkeypatch.setattr(files, "carry_over", lambda *a: (real_mode(*a), os.kill(os.getpid(), signal.SIGINT)))
    else:
        monkeypatch.setattr(files.os, "replace", lambda *a: (real(*a), os.kill(os.getpid(), signal.SIGINT)))
    code = main(["evaluate", str(book)])
    err = capsys.readouterr().err
    if when == "just before the file is moved into place":
        assert code == EXIT_INTERRUPTED and "every file is as it was" in err
        assert book.read_bytes() == before
    else:
        assert code == EXIT_OK, err
        assert book.read_bytes() != before and zipfile.is_zipfile(book)
    assert leftovers(book.parent) == []
    assert signal.getsignal(signal.SIGINT) is handler
    assert files.before_replace is None


def test_ctrl_c_during_a_batch_says_each_workbook_is_as_it_was_or_evaluated(book, original, monkeypatch):
    """A folder interrupted after its first workbook was written: 130, a line that does not say every
    file is as it was (the first one was evaluated), the second untouched, no roll-up."""
    from remanxl.workbook import batch

    other = Path(shutil.copy(original, book.parent / "other.xlsx"))
    before, other_before = book.read_bytes(), other.read_bytes()
    real = batch._one

    def first_then_ctrl_c(paths, *args, **kwargs):
        real(str(paths[0]), True, True)  # book.xlsx (the batch takes the folder in name order)
        raise KeyboardInterrupt

    monkeypatch.setattr(batch, "run_batch", first_then_ctrl_c)
    code, err = run("evaluate", book.parent, "--no-progress")
    assert code == EXIT_INTERRUPTED
    assert "each workbook is as it was or completely evaluated" in err and "every file is as it was" not in err
    assert book.read_bytes() != before and zipfile.is_zipfile(book) and other.read_bytes() == other_before
    assert not list(book.parent.glob("remanxl_rollup*")) and leftovers(book.parent) == []
