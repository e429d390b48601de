"""Refuse hostile or broken files before any parser sees them, in bounded time and memory.

An .xlsx is a zip of XML parts.  Before reading one, remanxl checks that it is a
zip at all (and not, say, an old .xls), that it is complete, that it would not
inflate beyond sane limits (zip bomb), that no XML part declares a DTD or
entities (billion laughs, external entities), and that no worksheet claims an
absurd size in its ``<dimension>`` (a reader would allocate for it).

:func:`check_structure` does all of that from the archive's directory and the
first bytes of each XML part; :func:`verify_checksums` inflates every part to
compare its CRC, which on a plant workbook means ~180 MB of XML.  A file that
passed both is remembered (by inode, size, times and archive directory) so the
summary writer does not check the very same file a second time.
"""
from __future__ import annotations

import re
import threading
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from remanxl.i18n import Msg
from remanxl.method.errors import RemanxlError
from remanxl.sheet.block import column_number

MAX_ENTRIES = 10_000
MAX_TOTAL_BYTES = 1 << 30  # 1 GiB uncompressed
MAX_RATIO = 400  # uncompressed / compressed, per part (real sheets stay well under 100)
#: The largest sheet or table a reader lays out.  The largest realistic plant workbook's largest sheet
#: (its 100,000-row parts ledger) is 23 columns x 100,024 rows, 2.3 million cells: this is 2.6 times that.
MAX_DIMENSION_CELLS = 6_000_000
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?\"")
_DTD = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)
#: A cell or row reference beyond column ZZ (3 letters) or row 999,999 (7 digits).
#: Fires on the start of a reference, in any quoting or case a parser accepts, so a 24-byte carry
#: between chunks cannot split it.  (Where the reader runs in a capped child process, see
#: remanxl.workbook.isolation, this scan is a second line of defence; on Windows it is the first.)
_FAR_REF = re.compile(rb'\sr\s*=\s*["\'](?:[A-Za-z]{3}|[A-Za-z]{0,2}0|[A-Za-z]{0,2}[1-9][0-9]{6})')
_ROOT = re.compile(rb"<[A-Za-z_]")  # the first element: no DOCTYPE may follow it
_TABLE_REF = re.compile(rb'\bref="([A-Z]+)([0-9]+):([A-Z]+)([0-9]+)"')
MAX_PROLOG = 1 << 20  # comments and processing instructions before the root element


class UnsafeWorkbookError(RemanxlError, ValueError):
    """The file is not a workbook remanxl will read."""


@dataclass(frozen=True)
class Checked:
    path: Path
    parts: tuple[str, ...]


def _identity(path: Path) -> tuple | None:
    """What changes whenever the file does: its inode, size and times, and each part's CRC and sizes.

    File times tick in milliseconds, so the archive's directory is part of the identity too.
    """
    try:
        st = path.stat()
        with zipfile.ZipFile(path) as zf:
            directory = tuple((i.filename, i.CRC, i.compress_size, i.file_size, i.header_offset)
                              for i in zf.infolist())
    except (OSError, zipfile.BadZipFile, EOFError):
        return None
    return (str(path.resolve()), st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns, directory)


_CHECKED: dict[tuple, Checked] = {}  # files that passed every check in this process, newest last


def _remember(checked: Checked, identity: tuple | None) -> Checked:
    """Note that the file with ``identity`` (taken before checking it) passed every check."""
    if identity is not None and identity == _identity(checked.path):  # unchanged while it was checked
        _CHECKED.pop(identity, None)
        _CHECKED[identity] = checked
        while len(_CHECKED) > 16:
            _CHECKED.pop(next(iter(_CHECKED)))
    return checked


def check_workbook(path: str | Path, scan_cells: bool = True) -> Checked:
    """Raise :class:`UnsafeWorkbookError` with a plain explanation, or return the part names.

    Runs :func:`check_structure`, then :func:`verify_checksums` unless this very file (same inode,
    size, times and archive directory) already passed both in this process; without ``scan_cells``,
    such a file is not checked again at all.
    """
    path = Path(path)
    if not scan_cells:  # the very same file passed both (remembered files were checked without the scan)
        identity = _identity(path)  # (reads the archive's directory only, as check_structure does first)
        if identity is not None and identity in _CHECKED:
            return _CHECKED[identity]
    checked = check_structure(path, scan_cells)  # first, so a hostile file is refused before anything reads it
    identity = _identity(path)
    if identity is not None and identity in _CHECKED:
        return _CHECKED[identity]
    verify_checksums(path)
    return _remember(checked, identity)


def file_identity(path: str | Path) -> tuple | None:
    """What changes whenever the file does (see :func:`check_workbook`); None for a file that cannot be read."""
    return _identity(Path(path))


def was_checked(identity: tuple | None) -> bool:
    """Whether the file of this :func:`file_identity` passed every check in this process."""
    return identity is not None and identity in _CHECKED


class PendingCheck:
    """:func:`check_workbook` split in two: the hostile-file checks now, the checksums in a thread.

    Made by :func:`check_in_background`.  A reader may start once it exists (the file is not
    hostile); :meth:`wait` then raises :class:`UnsafeWorkbookError` for a damaged part, so a
    damaged file is still refused before anything is computed from it.  zlib releases the GIL
    while it inflates, so on two cores the checksum test costs no wall time.
    """

    def __init__(self, path: Path):
        self.path = path
        # Raises before any parser sees a hostile file.  Far cells are left to the reader: a child process
        # with capped memory where there is fork, else a cell-reference scan before calamine opens a
        # sheet (see remanxl.workbook.io).
        self.checked = check_structure(path, scan_cells=False)
        self._identity = _identity(path)
        self._failure: BaseException | None = None
        self._thread = None
        self._by_reader = False

    def start(self, last: str | None = None, wait=None) -> None:
        """Start the checksum test (once; not at all for a file already verified unchanged); ``last`` and
        ``wait`` as in :func:`verify_checksums`."""
        if self._thread is None and (self._identity is None or self._identity not in _CHECKED):
            self._thread = threading.Thread(target=self._verify, args=(last, wait), name="remanxl-checksums",
                                            daemon=True)
            self._thread.start()

    def done_by_reader(self) -> None:
        """The reader verifies the checksums itself (and raises for a damaged part): no thread here; a
        successful :meth:`wait` remembers the file as checked."""
        self._by_reader = True

    def _verify(self, last, wait) -> None:
        try:
            verify_checksums(self.path, last, wait)
        except BaseException as exc:  # noqa: BLE001 - raised again by wait()
            self._failure = exc

    def stop(self) -> None:
        """Wait for the checksum test to end, its verdict unused (the work it guarded was abandoned)."""
        if self._thread is not None:
            self._thread.join()

    def wait(self, remember: bool = True) -> Checked:
        """Join the checksum test; ``remember`` the file as checked only when its reading succeeded too."""
        if self._thread is not None:
            self._thread.join()
            if self._failure is not None:
                raise self._failure
            if remember:
                _remember(self.checked, self._identity)
        elif self._by_reader and remember:
            _remember(self.checked, self._identity)
        return self.checked


def check_in_background(path: str | Path) -> PendingCheck:
    """Run the hostile-file checks now (raising :class:`UnsafeWorkbookError`); the checksum test is
    started by :meth:`PendingCheck.start`, once the reader has been started."""
    return PendingCheck(Path(path))


def check_structure(path: str | Path, scan_cells: bool = True) -> Checked:
    """Every check but the checksums: format, completeness, zip bombs, DTDs and entities, dimensions,
    table extents and (unless ``scan_cells`` is false: then call :func:`check_cell_extents` before
    reading) every cell reference of every worksheet."""
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise UnsafeWorkbookError(f"{path}: cannot read: {exc.strerror}") from None
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnsafeWorkbookError(f"{path.name}: an old-format .xls (or an encrypted workbook); "
                                  "save it as .xlsx in Excel first")
    if not head.startswith(b"PK"):
        raise UnsafeWorkbookError(f"{path.name}: not an .xlsx workbook (not a zip archive)")
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise UnsafeWorkbookError(f"{path.name}: damaged or truncated .xlsx ({exc})") from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_ENTRIES:
            raise UnsafeWorkbookError(f"{path.name}: {len(infos)} parts in the archive (limit {MAX_ENTRIES})")
        total = sum(i.file_size for i in infos)
        if total > MAX_TOTAL_BYTES:
            raise UnsafeWorkbookError(f"{path.name}: would inflate to {total / 2**20:.0f} MiB "
                                      f"(limit {MAX_TOTAL_BYTES / 2**20:.0f} MiB); refusing (zip bomb?)")
        for i in infos:
            if i.file_size > 1_000_000 and i.file_size > MAX_RATIO * max(i.compress_size, 1):
                raise UnsafeWorkbookError(f"{path.name}: part {i.filename} compresses {i.file_size // max(i.compress_size, 1)}"
                                          f":1 (limit {MAX_RATIO}:1); refusing (zip bomb?)")
        encrypted = next((i.filename for i in infos if i.flag_bits & 0x01), None)
        if encrypted is not None:  # zipfile would ask for a password (RuntimeError) on opening it
            raise UnsafeWorkbookError(Msg("files.encrypted", name=path.name, part=encrypted))
        names = {i.filename for i in infos}
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            raise UnsafeWorkbookError(f"{path.name}: a zip file, but not an Excel workbook (no xl/workbook.xml)")
        for i in infos:
            if not i.filename.endswith((".xml", ".rels", ".vml")):
                continue
            try:
                with zf.open(i) as part:
                    start = _prolog_and_head(part)
                if scan_cells and i.filename.startswith("xl/worksheets/") and i.filename.endswith(".xml"):
                    _check_cell_extent(zf, i, path.name)
                elif i.filename.startswith("xl/tables/"):
                    _check_table_ref(zf.read(i), i.filename, path.name)
            except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError, zlib.error, RuntimeError) as exc:
                raise UnsafeWorkbookError(f"{path.name}: damaged part {i.filename} ({exc})") from None
            if _DTD.search(start):
                raise UnsafeWorkbookError(f"{path.name}: part {i.filename} declares a DTD or entities, which a "
                                          "workbook never needs; refusing (XML entity attack?)")
            if i.filename.startswith("xl/worksheets/"):
                m = _DIMENSION.search(start)
                if m and m.group(3):
                    rows = int(m.group(4)) - int(m.group(2)) + 1
                    cols = column_number(m.group(3)) - column_number(m.group(1)) + 1
                    if rows * cols > MAX_DIMENSION_CELLS:
                        raise UnsafeWorkbookError(
                            f"{path.name}: worksheet part {i.filename} claims {rows:,} rows x {cols:,} columns "
                            f"(dimension {m.group(0).decode(errors='replace')[16:-1]}); refusing to read "
                            f"more than {MAX_DIMENSION_CELLS:,} cells")
        return Checked(path, tuple(i.filename for i in infos))


def _prolog_and_head(part) -> bytes:
    """Everything before the root element, plus the first 4 KiB after it.

    A DTD can only stand before the root element, so this is where an entity declaration can hide
    (behind a long comment, say).  A prolog longer than :data:`MAX_PROLOG` is itself refused.
    """
    data = part.read(4096)
    while not _ROOT.search(data):
        more = part.read(65536)
        if not more:
            return data
        data += more
        if len(data) > MAX_PROLOG:
            return data + b"<!DOCTYPE"  # no workbook has a megabyte of prolog: treat it as hostile
    root = _ROOT.search(data).start()
    return data[: root + 4096]


def _check_cell_extent(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> None:
    """Refuse a worksheet with a cell or row beyond column ZZ or row 999,999.

    A reader lays a sheet out as a dense block from its first to its last cell; one cell at XFD1048576
    would ask for half a terabyte.  The ``<dimension>`` element is optional and may lie, so the
    references themselves are scanned (streamed, a chunk at a time).
    """
    tail = b""
    with zf.open(info) as part:
        while True:
            chunk = part.read(1 << 20)
            if not chunk:
                return
            m = _FAR_REF.search(tail + chunk)
            if m:
                ref = m.group(0).split(b"=", 1)[1].strip(b" \t\r\n\"'").decode(errors="replace")
                raise UnsafeWorkbookError(f"{name}: worksheet part {info.filename} has a cell or row at {ref}…, "
                                          "beyond column ZZ or row 999,999; refusing to read it")
            tail = chunk[-24:]


def check_cell_extents(path: str | Path, parts=None) -> None:
    """The cell-reference scan of :func:`check_structure` on its own, for ``parts`` (default: every
    worksheet).  About 0.3 s for the 180 MB of sheets of a 50,000-row workbook."""
    path = Path(path)
    try:
        with zipfile.ZipFile(path) as zf:
            for i in zf.infolist():
                if (parts is None and i.filename.startswith("xl/worksheets/") and i.filename.endswith(".xml")
                        or parts is not None and i.filename in parts):
                    _check_cell_extent(zf, i, path.name)
    except (zipfile.BadZipFile, EOFError, OSError, zlib.error, RuntimeError) as exc:
        raise UnsafeWorkbookError(f"{path.name}: damaged or truncated .xlsx ({exc})") from None


_TABLE_NAME = re.compile(rb'\bdisplayName="([^"]+)"')
_TABLE_REL = re.compile(rb'<Relationship\b[^>]*/table"[^>]*/>|<Relationship\b[^>]*Target="[^"]*tables/[^"]+"[^>]*/>')
_TARGET = re.compile(rb'Target="([^"]+)"')


def table_parts(zf: zipfile.ZipFile) -> dict[str, tuple[str, str]]:
    """Excel table name (case-folded) → (the worksheet part that holds it, the table's own part), from the
    sheets' relationships.

    Lets a reader scan exactly the sheet it is about to lay out, and no other.
    """
    import posixpath

    out = {}
    names = set(zf.namelist())
    for rels in (n for n in names if n.startswith("xl/worksheets/_rels/") and n.endswith(".xml.rels")):
        sheet = "xl/worksheets/" + posixpath.basename(rels)[: -len(".rels")]
        if sheet not in names:  # relationships of a sheet the file does not hold
            continue
        for rel in _TABLE_REL.findall(zf.read(rels)):
            found = _TARGET.search(rel)
            if found is None:
                continue
            target = found.group(1).decode()
            part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                posixpath.join("xl/worksheets", target))
            if part in names:
                m = _TABLE_NAME.search(zf.read(part)[:4096])
                if m:
                    out[m.group(1).decode().casefold()] = (sheet, part)
    return out


def _check_table_ref(xml: bytes, part: str, name: str) -> None:
    m = _TABLE_REF.search(xml)
    if not m:
        return
    rows = int(m.group(4)) - int(m.group(2)) + 1
    cols = column_number(m.group(3)) - column_number(m.group(1)) + 1
    if rows * cols > MAX_DIMENSION_CELLS or cols > 702:
        ref = b":".join((m.group(1) + m.group(2), m.group(3) + m.group(4))).decode()
        raise UnsafeWorkbookError(f"{name}: table part {part} spans {ref} ({rows:,} rows x {cols:,} columns); "
                                  f"refusing to read more than {MAX_DIMENSION_CELLS:,} cells")


def verify_checksums(path: str | Path, last: str | None = None, wait=None) -> None:
    """Inflate every part and compare its CRC (in files under 64 MiB, bounding the time it takes).

    zlib releases the GIL while it inflates, so this can run in a thread beside the reader.  With
    ``last`` (a part name) and ``wait`` (a callable), that part is verified after the others, once
    ``wait()`` returns: a reader parsing that very part runs faster without a second inflation of it
    beside (the two compete for the same memory bandwidth).
    """
    path = Path(path)
    try:
        with zipfile.ZipFile(path) as zf:
            if path.stat().st_size >= 64 * 2**20:
                return
            infos = zf.infolist()
            held = [i for i in infos if i.filename == last]
            for info in [i for i in infos if i.filename != last] + held:
                if info in held and wait is not None:
                    wait()
                if not _crc_ok(zf, info):
                    raise UnsafeWorkbookError(f"{path.name}: damaged part {info.filename} (checksum mismatch)")
    except (zipfile.BadZipFile, EOFError, OSError, zlib.error) as exc:
        raise UnsafeWorkbookError(f"{path.name}: damaged or truncated .xlsx ({exc})") from None


def _crc_ok(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """Read a part to its end; zipfile compares the CRC there (as ``ZipFile.testzip`` does)."""
    try:
        with zf.open(info) as fh:
            while fh.read(1 << 20):
                pass
    except zipfile.BadZipFile:
        return False
    return True
