"""Workbook files on disk: the file implementation of the engine's workbook interface.

``remanxl evaluate`` spends most of its time in python-calamine parsing sheet
XML, and calamine keeps the GIL while it parses, so threads do not help.
Processes do: where the operating system can fork, the tables are read in a
child with capped memory (:mod:`remanxl.workbook.isolation`), and a plant-size
parts ledger (which can be most of a workbook) is read and summed in a child of
its own while another reads and sums everything else; only their sums come
back to be joined.  The file's checksums are verified meanwhile in a thread
(zlib does release the GIL).  See :func:`start_assessing`.
"""
from __future__ import annotations

import gc
import os
import threading
from contextlib import contextmanager
from pathlib import Path

import python_calamine as pc

from remanxl.i18n import Msg
from remanxl.sheet.layout import (ALIASES_TABLE, INPUT_SHEETS, READ_TABLES, SETTINGS_TABLE, STYLE_NAMES,
                                  SUMMARY_SHEET)
from remanxl.workbook.safety import UnsafeWorkbookError, check_cell_extents, check_in_background, table_sheet_parts

# The reader (and through it the method core) is imported where it is used: a product workbook's reader
# process is forked before the core loads, and reads while this process loads it (see start_assessing).

#: The table that grows with a plant: read and summed in a process of its own …
INPUT_TABLES = frozenset(s.excel_table for s in INPUT_SHEETS)
_LARGE_TABLE = "Parts"
#: … once its sheet holds this much XML (several thousand rows); below it, one child reads
#: everything: a second fork and zip opening would cost about what the overlap saves.
SPLIT_BYTES = 16 << 20
#: Below this much XML in the sheets to read (a product workbook has about 1 MB), the reader only reads,
#: and this process validates and sums the rows it sends back; the core loads here meanwhile.  Above it,
#: the reader also validates and sums, and only the sums come back (pickling many rows costs more).
ROWS_BACK_BYTES = 4 << 20


class _Task(threading.Thread):
    """``fn(*args)`` in a thread; :meth:`result` waits, then returns its value or raises its error."""

    def __init__(self, fn, *args):
        super().__init__(name=f"remanxl-{fn.__name__}", daemon=True)
        self.fn, self.args = fn, args
        self.value, self.error = None, None
        self.start()

    def run(self) -> None:
        try:
            self.value = self.fn(*self.args)
        except BaseException as exc:  # noqa: BLE001 - raised again in the calling thread
            self.error = exc

    def result(self):
        self.join()
        if self.error is not None:
            raise self.error
        return self.value


def assess_file(path: Path, name: str, scan: bool = True, half: str | None = None, parsed_fd: int | None = None):
    """:func:`~remanxl.sheet.engine.assess` on the tables of a workbook file (the caller has run the
    hostile-file checks; ``scan`` as in :func:`read_blocks`).

    With ``half`` (``"inventory"`` or ``"parts"``), only that half is read and summed: a
    :class:`~remanxl.sheet.engine.Half` for :func:`~remanxl.sheet.engine.finish`.  A byte is
    written to ``parsed_fd`` (then closed) once the file has been read.
    """
    from remanxl.sheet import engine

    if half != "parts":  # the parts half needs little of the core, and loads it after its long parse
        engine.prepare()
    with _no_cyclic_gc():
        blocks = read_blocks(path, scan, half)
        if parsed_fd is not None:
            try:
                os.write(parsed_fd, b".")
            except OSError:  # the parent stopped listening (it had nothing to verify after all)
                pass
            os.close(parsed_fd)
        if half is None:
            return engine.assess(blocks, name)
        return engine.assess_inventory(blocks, name) if half == "inventory" else engine.assess_parts(blocks)


def start_assessing(path: Path, name: str, split: bool = True, summary: tuple | None = None):
    """Start :func:`assess_file` where a hostile file cannot take the process down.

    Returns ``(task, hold)``: the task's ``result()`` is the :class:`~remanxl.sheet.engine.Assessment`;
    ``hold`` is None or ``(part, wait)`` for :meth:`~remanxl.workbook.safety.PendingCheck.start`: the
    checksum of the ledger's sheet is best verified once its reader has parsed it.

    Where there is fork, the reading happens in a child with capped memory (see
    :mod:`remanxl.workbook.isolation`).  With ``split``, a workbook whose ledger sheet holds
    :data:`SPLIT_BYTES` of XML or more is read in two such children, one per core: one parses and
    sums the parts ledger while the other reads and sums everything else; this process joins them.
    Where there is no fork, the reading happens in a thread, after the cell-reference scan.

    A product workbook's reader is forked before the method core loads; it only reads, verifies the
    checksums and, given ``summary`` (``(sheet, output, style names)``), takes the first step of the
    summary's write (:class:`~remanxl.workbook.xlsxpatch.SheetWrite`); this process loads the core
    meanwhile and assesses the rows it sends back.

    Call it before starting other threads (see :func:`~remanxl.workbook.isolation.start_capped`).
    """
    from remanxl.workbook.isolation import CAN_FORK, start_capped

    if not CAN_FORK:
        return _Task(assess_file, path, name, True), None
    sizes = _sheet_sizes(path)
    if sum(size for _, size in set(sizes.values())) < ROWS_BACK_BYTES:  # a product workbook: read there, assessed here
        task = _AssessHere(start_capped(read_file, path, False, True, summary), name, summary)
        try:
            from remanxl.sheet import engine

            engine.prepare()  # while the child reads
        except BaseException:
            task.discard()
            raise
        return task, None
    from remanxl.sheet import engine

    ledger = _ledger_sheet(path, sizes) if split else None
    if ledger is None:  # a second process would cost more than it saves
        engine.prepare()
        return start_capped(assess_file, path, name, False), None
    # The long parse starts first.  Then the core loads, once, for this process (which joins the halves)
    # and the other child; loading it in a thread beside a parse would hold that parse back, since
    # calamine keeps the GIL while it parses.  The other child must not inherit the "parsed" pipe.
    parsed_r, parsed_w = os.pipe()
    try:
        parts = start_capped(assess_file, path, name, False, "parts", parsed_w)
    except BaseException:
        os.close(parsed_r)
        raise
    finally:
        os.close(parsed_w)
    try:
        engine.prepare()
        task = _Halves(start_capped(assess_file, path, name, False, "inventory"), parts)
    except BaseException:
        parts.discard()
        os.close(parsed_r)
        raise
    return task, (ledger, _Parsed(parsed_r))


def _sheet_sizes(path: Path) -> dict[str, tuple[str, int]]:
    """Excel table name (case-folded) → (its worksheet part, that part's XML size)."""
    import zipfile

    where = table_sheet_parts(path)
    with zipfile.ZipFile(path) as zf:  # (table_sheet_parts names only sheets the file holds)
        return {table: (part, zf.getinfo(part).file_size) for table, part in where.items()}


def _ledger_sheet(path: Path, sizes: dict | None = None) -> str | None:
    """The worksheet part of the parts ledger, if it holds :data:`SPLIT_BYTES` of XML or more."""
    part, size = (sizes if sizes is not None else _sheet_sizes(path)).get(_LARGE_TABLE.casefold(), (None, 0))
    return part if part is not None and size >= SPLIT_BYTES else None


def read_file(path: Path, scan: bool = True, verify: bool = False, summary: tuple | None = None):
    """:func:`read_blocks`, without the cyclic garbage collector (a reader child's task); with ``verify``,
    the file's checksums are then verified here too (a damaged part is what a reading failure is
    reported as, if the file has one).  With ``summary`` (see :func:`start_assessing`), returns
    ``(blocks, the summary's write prepared, or None)``."""
    from remanxl.sheet.located import WorkbookReadError
    from remanxl.workbook.safety import verify_checksums

    with _no_cyclic_gc():
        try:
            blocks = read_blocks(path, scan)
        except WorkbookReadError:
            if verify:
                verify_checksums(path)  # raises for a damaged part, which explains the failure best
            raise
    if verify:
        verify_checksums(path)
    if summary is None:
        return blocks
    return blocks, _prepared_write(path, *summary)


def _prepared_write(path: Path, sheet: str, output, style_names):
    """The first step of the summary's write (the file has passed every check), or None: a file whose
    summary cannot be written is told so by the write itself, in the process that writes."""
    from remanxl.workbook.xlsxpatch import SheetWrite

    try:
        return SheetWrite(path, sheet, output, style_names, checked=True)._prepared
    except Exception:  # noqa: BLE001 - see above
        return None


class _AssessHere:
    """The blocks a child reads, assessed in this process when collected.  The child also verifies the
    file's checksums (once it has read it): for a small file that is quicker there than in a thread
    here, where it would compete with loading the core for the interpreter's lock."""

    verifies_checksums = True

    def __init__(self, reader, name: str, summary: tuple | None = None):
        self.reader, self.name, self.summary = reader, name, summary
        self.write = None  # the summary's write, its first step taken by the reader

    def discard(self) -> None:
        self.reader.discard()

    def result(self):
        from remanxl.sheet import engine

        blocks = self.reader.result()
        if self.summary is not None:
            from remanxl.workbook.xlsxpatch import SheetWrite

            blocks, prepared = blocks
            if prepared is not None:
                self.write = SheetWrite.prepared(prepared, self.summary[0], self.summary[2])
        with _no_cyclic_gc():
            return engine.assess(blocks, self.name)


def _abandon(task, hold, check) -> None:
    """Stop what :func:`start_assessing` started and release what it holds: the children first (their
    end ends the checksum test's wait on the parse), then the test, then the pipe."""
    for child in (task.inventory, task.parts) if isinstance(task, _Halves) else (task,):
        if hasattr(child, "discard"):
            child.discard()
        else:
            child.join()
    check.stop()
    if hold:
        hold[1].close()


class _Parsed:
    """Called, waits until the ledger's child says it has parsed the file (or has ended: the pipe then
    reads empty)."""

    def __init__(self, fd: int):
        self.fd = fd

    def __call__(self) -> None:
        try:
            os.read(self.fd, 1)
        finally:
            self.close()

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


class _Halves:
    def __init__(self, inventory, parts):
        self.inventory, self.parts = inventory, parts

    def result(self):
        from remanxl.sheet.engine import finish

        try:
            inventory = self.inventory.result()
        except BaseException:
            self.parts.discard()
            raise
        return finish(inventory, self.parts.result())


def read_blocks(path: Path, scan: bool = True, half: str | None = None) -> dict:
    """Every remanxl table of a workbook file, each read in one call by python-calamine; with ``half``,
    the tables that half of an assessment reads (``"parts"``: the ledger and the settings;
    ``"inventory"``: all but the ledger).

    With ``scan``, the cell references of the sheets about to be read are scanned first
    (:func:`~remanxl.workbook.safety.check_cell_extents`): calamine lays a sheet out densely, so one
    cell at XFD1048576 must be refused before it does.
    """
    try:
        wb = pc.CalamineWorkbook.from_path(str(path), load_tables=True)
    except Exception as exc:  # calamine raises its own error types for damaged files
        raise _unreadable(f"{path.name}: cannot read the workbook: {exc}") from None
    try:
        names = [(name, READ_TABLES[name.casefold()]) for name in wb.table_names
                 if name.casefold() in READ_TABLES and _in_half(READ_TABLES[name.casefold()], half)]
        where = table_sheet_parts(path)
        if scan:
            check_cell_extents(path, _parts_of(names, where, path))
        tables = {canonical: _table(wb, name, path) for name, canonical in names}
        blocks = {canonical: _block(t) for canonical, t in tables.items()}
        _add_outside_values(path, wb, tables, blocks, where)
        return blocks
    except pc.CalamineError as exc:  # a part calamine cannot parse (the checksum test names damage)
        raise _unreadable(f"{path.name}: cannot read the workbook: {exc}") from None
    finally:
        wb.close()


def _add_outside_values(path: Path, wb, tables: dict, blocks: dict, where: dict) -> None:
    """Give each input table's block the values typed beside or below it (see :mod:`.outside`)."""
    import zipfile

    from remanxl.workbook.outside import with_outside

    inputs = [c for c in tables if c in INPUT_TABLES]
    if not inputs:
        return
    with zipfile.ZipFile(path) as zf:
        for canonical in inputs:
            blocks[canonical] = with_outside(blocks[canonical], zf, where.get(canonical.casefold()), wb,
                                             tables[canonical])
def _table(wb, name: str, path: Path):
    """calamine's table ``name``; a table it cannot lay out (a range of its header row alone makes the
    reader panic, an exception outside ``Exception``) is told as the user's problem, with its name."""
    try:
        return wb.get_table_by_name(name)
    except (KeyboardInterrupt, SystemExit):
        raise
    except pc.CalamineError:
        raise
    except BaseException as exc:  # noqa: BLE001 - pyo3's PanicException derives from BaseException
        raise _unreadable(Msg("files.table_unreadable", name=path.name, table=name,
                              why=f"{type(exc).__name__}: {str(exc)[:80]}")) from None


def _unreadable(message):
    """The :class:`~remanxl.sheet.reader.WorkbookReadError` of a file that cannot be read as a whole."""
    from remanxl.sheet.located import Located, WorkbookReadError

    return WorkbookReadError([Located.whole_file(message)])


def _in_half(canonical: str, half: str | None) -> bool:
    if half == "parts":
        return canonical in (_LARGE_TABLE, SETTINGS_TABLE, ALIASES_TABLE)
    return half is None or canonical != _LARGE_TABLE


def _parts_of(tables, where: dict[str, str], path: Path) -> set[str]:
    missing = [name for name, _ in tables if name.casefold() not in where]
    if missing:  # a table whose sheet could not be found: scan every sheet rather than guess
        return {n for n in _worksheet_parts(path)}
    return {where[name.casefold()] for name, _ in tables}


def _worksheet_parts(path: Path) -> list[str]:
    import zipfile

    with zipfile.ZipFile(path) as zf:
        return [n for n in zf.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")]


def _block(t):
    from remanxl.sheet.block import Block

    start_row, start_col = t.start  # calamine's start is the 0-based first data row: the header's 1-based row
    return Block(t.sheet, start_row, start_col, list(t.columns), t.to_python())


class FileWorkbook:
    """A workbook file; the summary is written in place or to ``output``, atomically."""

    def __init__(self, path: str | Path, output: str | Path | None = None, split: bool = True):
        self.path = Path(path)
        self.output = Path(output) if output else None
        self.name = self.path.name
        self.split = split  # a plant-size ledger may be read in a process of its own (see start_assessing)
        self._pending = None
        self._write = None  # the summary's write, prepared while the file is read

    def prefetch(self, summary: bool = False) -> None:
        """Check the file against hostile content now, then start assessing it in the background (and,
        with ``summary``, preparing the summary's write where that is quickest: see :meth:`prepare_summary`).

        Raises :class:`UnsafeWorkbookError` at once for a hostile file; :meth:`assess` collects
        the result (and raises for a damaged part).
        """
        if self._pending is None:
            check = check_in_background(self.path)
            task, hold = start_assessing(self.path, self.name, self.split,
                                         (SUMMARY_SHEET, self.output, STYLE_NAMES) if summary else None)
            self._pending = (check, task, hold)
            try:
                if getattr(task, "verifies_checksums", False):
                    check.done_by_reader()
                else:
                    check.start(*(hold or ()))
            except BaseException:  # a thread that could not start
                self.close()
                raise

    def close(self) -> None:
        """Abandon a prefetched assessment that will not be collected (stop its children, close pipes)."""
        if self._pending is not None:
            (check, task, hold), self._pending = self._pending, None
            _abandon(task, hold, check)

    def assess(self):
        """Read, validate and compute (in a capped child where there is fork), after the hostile-file
        checks passed; the checksums are verified meanwhile, and a damaged part is reported first."""
        self.prefetch()
        (check, task, hold), self._pending = self._pending, None
        try:
            try:
                result = task.result()
            except BaseException:
                check.wait(remember=False)  # a damaged part explains a reader's failure best: raised first
                raise
            check.wait()
        finally:
            if hold:
                hold[1].close()  # if the checksum test did not wait on it (a file verified before)
        if getattr(task, "write", None) is not None:
            self._write = task.write  # prepared by the reader
        return result

    def prepare_summary(self) -> None:
        """Gather, while the file is being read, what writing its summary needs
        (:class:`~remanxl.workbook.xlsxpatch.SheetWrite`); call it after :meth:`prefetch`."""
        from remanxl.workbook.xlsxpatch import SheetWrite

        if self._pending is not None and getattr(self._pending[1], "summary", None) is not None:
            return  # the reader prepares it
        try:
            self._write = SheetWrite(self.path, SUMMARY_SHEET, self.output, STYLE_NAMES, checked=True)
        except Exception:  # noqa: BLE001 - a damaged or foreign file: write_summary says so, after the checks
            self._write = None

    def write_summary(self, model) -> None:
        from remanxl.workbook.xlsxpatch import SheetWrite

        write = self._write or SheetWrite(self.path, SUMMARY_SHEET, self.output, STYLE_NAMES)
        write.write(model)

    def show_problems(self, problems) -> None:
        pass  # the command line prints them; a file with faulty input is left exactly as it was

    def clear_problems(self) -> None:
        pass


def write_summary(path: str | Path, ev, dst: str | Path | None = None, fingerprint: dict | None = None) -> Path:
    """Write the summary sheet of ``ev`` (an :class:`~remanxl.method.evaluate.Evaluation`) into the
    workbook (in place, or to ``dst``)."""
    from remanxl.sheet.summary import build_summary
    from remanxl.workbook.xlsxpatch import write_sheet

    return write_sheet(path, SUMMARY_SHEET, build_summary(ev, fingerprint), dst, STYLE_NAMES)


@contextmanager
def _no_cyclic_gc():
    """Pause the cyclic garbage collector while a workbook is turned into results.

    Reading a plant workbook allocates a few million small containers, none of them in
    reference cycles; every automatic collection would walk them all again (measured: a
    third of the time of reading and validating 70,000 rows).  Reference counting still
    frees everything; the collector resumes, as it was, afterwards.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def evaluate_workbook(path: str | Path, output: str | Path | None = None, write: bool = True, split: bool = True,
                      now: str | None = None, uncertainty=None, ignore_lock: bool = False):
    """Evaluate one workbook file; on any problem nothing is written and the problems are returned.

    ``split`` as in :func:`start_assessing` (a batch, which keeps every core busy with workbooks of its
    own, turns it off); ``uncertainty`` = (draws, seed) adds the Monte Carlo, written with the summary.
    A workbook to be written that another program holds open (its lock file is beside it) is refused
    unless ``ignore_lock``.  Returns a :class:`~remanxl.sheet.engine.Outcome`.
    """
    from remanxl.sheet.engine import Outcome, recompute  # light: the core loads in prefetch()
    from remanxl.workbook.files import FileRefused, refuse_if_open

    book = FileWorkbook(path, output, split)
    if write and not ignore_lock:
        try:
            refuse_if_open(book.path, book.output)
        except FileRefused as exc:
            from remanxl.sheet.located import Located

            return Outcome(book.name, None, [Located.whole_file(exc.msg)])
    try:
        book.prefetch(summary=write)
        if write:
            book.prepare_summary()  # while the file is read

        with _no_cyclic_gc():
            outcome = recompute(book, write, now, uncertainty)
    except UnsafeWorkbookError as exc:
        from remanxl.sheet.located import Located

        return Outcome(book.name, None, [Located.whole_file(exc.args[0] if exc.args else str(exc))])
    finally:
        book.close()  # nothing left to do once the assessment was collected
    outcome.path = book.path
    outcome.written = (book.output or book.path) if outcome.written else None
    return outcome
