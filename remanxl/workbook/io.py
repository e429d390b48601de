"""Workbook files on disk: the file implementation of the engine's workbook interface.

``remanxl evaluate`` spends most of its time in python-calamine parsing sheet
XML, and calamine keeps the GIL while it parses, so threads do not help.
Processes do: where the operating system can fork, the tables are read in
children with capped memory (:mod:`remanxl.workbook.isolation`).  A workbook
with enough sheet XML is read by two of them, each reading a group of tables
balanced by their sheets' XML (:func:`plan_groups`): a plant-size parts ledger
is read, validated and summed in a child of its own, which sends back its sums
and not its rows, while this process assesses what the other child read; an
inventory-heavy workbook's sheets are shared between the two children.  The
file's checksums are verified meanwhile in a thread (zlib does release the
GIL).  A product workbook (well under :data:`ROWS_BACK_BYTES` of sheet XML) is
read by one child forked before the method core loads: it reads, verifies the
checksums and prepares the summary's write while this process loads the core,
which then assesses the rows it sends back.  See :func:`start_assessing`.
"""
from __future__ import annotations

import gc
import os
import threading
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import python_calamine as pc

from remanxl.i18n import Msg
from remanxl.sheet.layout import (ALIASES_TABLE, INPUT_SHEETS, READ_TABLES, SETTINGS_TABLE, STYLE_NAMES,
                                  SUMMARY_SHEET)
from remanxl.workbook.safety import UnsafeWorkbookError, check_cell_extents, check_in_background, table_parts

# The reader (and through it the method core) is imported where it is used: a product workbook's reader
# process is forked before the core loads, and reads while this process loads it (see start_assessing).
INPUT_TABLES = frozenset(s.excel_table for s in INPUT_SHEETS)
#: The table that grows with a plant: read and summed in a process of its own …
_LARGE_TABLE = "Parts"
_LEDGER_READS = frozenset((_LARGE_TABLE, SETTINGS_TABLE, ALIASES_TABLE))  # what its sums need
#: … once its sheet holds this much XML (several thousand rows).
SPLIT_BYTES = 16 << 20
#: Reading and summing a ledger costs its process about this many times the parse alone (measured on the
#: 50,000-row plant workbook: 505 ms to read, 237 ms to validate and sum), when groups are balanced.
LEDGER_WEIGHT = 1.5
#: Otherwise the tables are read in two groups when the lighter would hold this much sheet XML (an
#: inventory-heavy workbook); below it, one child reads everything: a second fork and zip opening
#: would cost about what the overlap saves.
GROUP_BYTES = 8 << 20
#: Below this much XML in the sheets to read (a product workbook has about 1 MB), the reader only reads
#: (and verifies the checksums and prepares the summary's write), and this process, which loads the core
#: meanwhile, validates and sums the rows it sends back.
ROWS_BACK_BYTES = 4 << 20
#: How far the work beside a plant ledger's reader steps back for it (an ``os.nice`` increment): the other
#: reader, and this process where it ends with its workbook.  The ledger's reader is the critical path;
#: on two cores, three processes at one priority share them and slow it down.  Measured in turn on the
#: 50,000-row plant workbook (41 runs each, two virtual cores): 44–75 ms off the median.
YIELD_NICENESS = 10


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


def assess_file(path: Path, name: str, scan: bool = True, group: "Group | None" = None, parsed_fd: int | None = None):
    """:func:`~remanxl.sheet.engine.assess` on the tables of a workbook file (the caller has run the
    hostile-file checks; ``scan`` as in :func:`read_blocks`).

    With ``group``, only its tables are read (see :func:`plan_groups`), and what comes back is
    ``(half, blocks, fingerprint)`` for :class:`_Groups` to join: the blocks read and their fingerprints
    (the parts ledger's left out when this process sums it: then ``half`` is its
    :class:`~remanxl.sheet.engine.Half`, its rows left behind).
    A byte is written to ``parsed_fd`` (then closed) once the file has been read.
    """
    from remanxl.sheet import engine
    from remanxl.sheet.fingerprint import of_blocks
    from remanxl.workbook.isolation import Beside, keep_until_exit

    if group is None:
        engine.prepare()
    elif group.yields:
        _step_back()
    with _no_cyclic_gc():
        blocks = read_blocks(path, scan, group.reads if group is not None else None)
        keep_until_exit(blocks)  # (in a reading child: its rows are never freed one by one)
        if parsed_fd is not None:
            try:
                os.write(parsed_fd, b".")
            except OSError:  # the parent stopped listening (it had nothing to verify after all)
                pass
            os.close(parsed_fd)
        if group is None:
            return engine.assess(blocks, name)
        if not group.sums_ledger:
            return None, blocks, of_blocks(blocks)
        # The ledger's fingerprint is taken beside its validation and sums, in a process of its own.
        ledger = {_LARGE_TABLE: blocks[_LARGE_TABLE]} if _LARGE_TABLE in blocks else {}
        with Beside(of_blocks, ledger) as beside:  # (stopped, should the validation fail)
            half = engine.assess_parts({k: b for k, b in blocks.items() if k in _LEDGER_READS}, fingerprint={})
            printed = beside.result()
        half.fingerprint.update(printed if printed is not None else of_blocks(ledger))
        keep_until_exit(half)
        sent = {k: b for k, b in blocks.items() if k in group.tables and k != _LARGE_TABLE}
        return engine.portable(half), sent, of_blocks(sent)


@dataclass(frozen=True)
class Group:
    """Tables one reading process reads (canonical names), each table in exactly one group.

    ``sums_ledger``: this group holds a plant-size parts ledger, which its process validates and sums
    itself (it then also reads the settings and aliases the sums need; another group reads them for
    everything else).  ``size``: its sheets' XML, in bytes; ``largest``: its largest sheet part.
    ``yields``: another group sums a ledger, whose process is the critical path: this one's steps back
    for it (see :data:`YIELD_NICENESS`).
    """

    tables: frozenset
    sums_ledger: bool = False
    size: int = 0
    largest: str | None = None
    yields: bool = False

    @property
    def reads(self) -> frozenset:
        return self.tables | _LEDGER_READS if self.sums_ledger else self.tables


def plan_groups(path: Path) -> list[Group] | None:
    """Two groups of tables for two reading processes, balanced by their sheets' XML, or None when one
    process should read everything (a product workbook: a second fork and zip opening would cost about
    what the overlap saves).

    A parts ledger of :data:`SPLIT_BYTES` of XML or more is summed where it is read (its rows stay in
    that process); it weighs :data:`LEDGER_WEIGHT` times its bytes.  Otherwise the tables are split
    when the lighter group would hold :data:`GROUP_BYTES` or more (an inventory-heavy workbook), and
    this process assesses the blocks both groups read.  Tables on one sheet stay together (the sheet
    is parsed once); a table whose sheet cannot be found goes to the heavier group.
    """
    with zipfile.ZipFile(path) as zf:  # (table_parts names only sheets the file holds)
        where = {name: sheet for name, (sheet, _) in table_parts(zf).items()}
        sizes = {part: zf.getinfo(part).file_size for part in set(where.values())}
    sheets: dict[str | None, set] = {}
    for folded, canonical in READ_TABLES.items():
        sheets.setdefault(where.get(folded), set()).add(canonical)
    ledger = where.get(_LARGE_TABLE.casefold())
    sums_ledger = ledger is not None and sizes[ledger] >= SPLIT_BYTES

    def weight(part):
        return sizes[part] * (LEDGER_WEIGHT if sums_ledger and part == ledger else 1)

    bins = [[0.0, 0, set(), []], [0.0, 0, set(), []]]  # weight, bytes, tables, parts (heaviest first)
    for part in sorted((p for p in sheets if p is not None), key=lambda p: (-weight(p), p)):
        lighter = min(bins, key=lambda b: b[0])
        lighter[0] += weight(part)
        lighter[1] += sizes[part]
        lighter[2] |= sheets[part]
        lighter[3].append(part)
    bins.sort(key=lambda b: -b[0])
    bins[0][2] |= sheets.get(None, set())
    if not bins[1][2] or not sums_ledger and bins[1][1] < GROUP_BYTES:
        return None
    return [Group(frozenset(tables), sums_ledger and _LARGE_TABLE in tables, size, parts[0],
                  yields=sums_ledger and _LARGE_TABLE not in tables)
            for _, size, tables, parts in bins]


def start_assessing(path: Path, name: str, split: bool = True, summary: tuple | None = None):
    """Start :func:`assess_file` where a hostile file cannot take the process down.

    Returns ``(task, hold)``: the task's ``result()`` is the :class:`~remanxl.sheet.engine.Assessment`;
    ``hold`` is None or ``(part, wait)`` for :meth:`~remanxl.workbook.safety.PendingCheck.start`: the
    checksum of the largest sheet is best verified once its reader has parsed it.

    Where there is fork, the reading happens in a child with capped memory (see
    :mod:`remanxl.workbook.isolation`).  With ``split``, a workbook with enough sheet XML is read in
    two such children, one per core, each reading a group of its tables (see :func:`plan_groups`);
    they send back the blocks they read (a plant-size ledger: its sums), and this process assesses
    the blocks and joins the sums.  Where there is no fork, the reading happens in a thread, after the
    cell-reference scan.

    A product workbook's reader is forked before the method core loads; it only reads, verifies the
    checksums and, given ``summary`` (``(sheet, output, style names)``), takes the first step of the
    summary's write (:class:`~remanxl.workbook.xlsxpatch.SheetWrite`); this process loads the core
    meanwhile and assesses the rows it sends back.

    Call it before starting other threads (see :func:`~remanxl.workbook.isolation.start_capped`).
    """
    from remanxl.workbook.isolation import CAN_FORK, ends_with_work, start_capped

    if not CAN_FORK:
        return _Task(assess_file, path, name, True), None
    if _sheet_xml_bytes(path) < ROWS_BACK_BYTES:  # a product workbook: read there, assessed here
        task = _AssessHere(start_capped(read_file, path, False, True, summary), name, summary)
        try:
            from remanxl.sheet import engine

            engine.prepare()  # while the child reads
        except BaseException:
            task.discard()
            raise
        return task, None
    from remanxl.sheet import engine

    groups = plan_groups(path) if split else None
    if groups is None:  # a second process would cost more than it saves
        engine.prepare()
        return start_capped(assess_file, path, name, False), None
    # The heavier group starts first (plan_groups lists it first), then the other; the core loads in this
    # process (which assesses the blocks and joins the sums) once both run: the children need none of it
    # to read (a ledger's child loads what its sums need after its parse).  Only the first child gets the
    # "parsed" pipe.
    parsed_r, parsed_w = os.pipe()
    children = []
    try:
        try:
            children.append(start_capped(assess_file, path, name, False, groups[0], parsed_w))
        finally:
            os.close(parsed_w)
        for group in groups[1:]:
            children.append(start_capped(assess_file, path, name, False, group))
        if any(g.sums_ledger for g in groups) and ends_with_work():  # (a process that goes on keeps its priority)
            _step_back()
        engine.prepare()
    except BaseException:
        for child in children:
            child.discard()
        os.close(parsed_r)
        raise
    return _Groups(groups, children, name), (groups[0].largest, _Parsed(parsed_r))


def _step_back() -> None:
    """Lower this process's priority by :data:`YIELD_NICENESS` while a ledger's reader works beside it.
    For good: a process cannot raise it back, so only a reading child or a process that ends with its
    workbook does this."""
    try:
        os.nice(YIELD_NICENESS)
    except (AttributeError, OSError):  # no nice (Windows: no readers beside each other there either)
        pass


def _sheet_xml_bytes(path: Path) -> int:
    """The XML of the sheets that hold remanxl's tables, in bytes."""
    with zipfile.ZipFile(path) as zf:  # (table_parts names only sheets the file holds)
        return sum(zf.getinfo(part).file_size for part in {sheet for sheet, _ in table_parts(zf).values()})


def read_file(path: Path, scan: bool = True, verify: bool = False, summary: tuple | None = None):
    """:func:`read_blocks`, without the cyclic garbage collector (a reader child's task); with ``verify``,
    the file's checksums are then verified here too (a damaged part is what a reading failure is
    reported as, if the file has one).  With ``summary`` (see :func:`start_assessing`), returns
    ``(blocks, the summary's SheetWrite with its first step taken, or None)``."""
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
        return SheetWrite(path, sheet, output, style_names, checked=True)
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
            blocks, self.write = blocks
        with _no_cyclic_gc():
            return engine.assess(blocks, self.name)


def _abandon(task, hold, check) -> None:
    """Stop what :func:`start_assessing` started and release what it holds: the children first (their
    end ends the checksum test's wait on the parse), then the test, then the pipe."""
    for child in task.children if isinstance(task, _Groups) else (task,):
        if hasattr(child, "discard"):
            child.discard()
        else:
            child.join()
    check.stop()
    if hold:
        hold[1].close()


class _Parsed:
    """Called, waits until the first group's child says it has parsed the file (or has ended: the pipe
    then reads empty)."""

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


class _Groups:
    """The reading children of :func:`start_assessing`; :meth:`result` joins what they send.

    The blocks are assessed here as soon as every group that reads them has sent them: while a
    plant-size ledger is still being read and summed in its own process, the rest is assessed here.
    """

    def __init__(self, groups: list[Group], children: list, name: str):
        self.groups, self.children, self.name = groups, children, name

    def result(self):
        from remanxl.sheet.engine import assess_inventory, assess_parts, finish, portable
        from remanxl.workbook.isolation import keep_until_exit

        pending = sorted(zip(self.groups, self.children), key=lambda pair: pair[0].sums_ledger)  # the ledger's last
        blocks, prints, half, inventory = {}, {}, None, None
        try:
            while pending:
                group, child = pending[0]
                if group.sums_ledger and group.tables == {_LARGE_TABLE}:  # every other block is in: assessed
                    # beside the ledger's child, and the rows let go now rather than on the way out
                    inventory = portable(assess_inventory(blocks, self.name, fingerprint=prints))
                    blocks.clear()
                pending.pop(0)  # its result() reaps it, whatever it says (and stops it if interrupted)
                value, read, fingerprint = child.result()
                blocks.update(read)
                prints.update(fingerprint)
                half = value if value is not None else half
        except BaseException:
            for _, child in pending:  # (a child that has answered is gone)
                child.discard()
            raise
        if inventory is None:
            inventory = assess_inventory(blocks, self.name, fingerprint=prints)
        if half is None:
            half = assess_parts(blocks, fingerprint=prints)
        keep_until_exit(blocks, inventory, half)  # (where the process ends with this workbook: see there)
        return finish(inventory, half)


def read_blocks(path: Path, scan: bool = True, wanted: frozenset | set | None = None) -> dict:
    """Every remanxl table of a workbook file (with ``wanted``, those of these canonical names: a
    :class:`Group`'s), each sheet parsed once by python-calamine.

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
                 if name.casefold() in READ_TABLES and (wanted is None or READ_TABLES[name.casefold()] in wanted)]
        with zipfile.ZipFile(path) as zf:
            located = table_parts(zf)
            where = {name: sheet for name, (sheet, _) in located.items()}
            if scan:
                check_cell_extents(path, _parts_of(names, where, path))
            cut = _cut_tables(wb, zf, [name for name, _ in names], located)
            tables = {canonical: cut.get(name) or _table(wb, name, path) for name, canonical in names}
            blocks = {canonical: _block(t) for canonical, t in tables.items()}
            _add_outside_values(wb, tables, blocks, where, zf)
        return blocks
    except pc.CalamineError as exc:  # a part calamine cannot parse (the checksum test names damage)
        raise _unreadable(f"{path.name}: cannot read the workbook: {exc}") from None
    finally:
        wb.close()


def _cut_tables(wb, zf, names: list[str], located: dict) -> dict:
    """The tables that share a sheet, each sheet parsed once (see :mod:`.tables`)."""
    sheets = [located[name.casefold()][0] for name in names if name.casefold() in located]
    if len(set(sheets)) == len(sheets):  # no two on one sheet (a plant ledger's reader): nothing to cut
        return {}
    from remanxl.workbook.tables import cut_tables
    from remanxl.workbook.xlsxpatch import sheet_parts

    try:
        sheet_names = {part: name for name, (part, _) in sheet_parts(zf).items()}
    except (KeyError, ValueError):  # no sheet list calamine could have read either: calamine says why
        return {}
    return cut_tables(wb, zf, names, located, sheet_names)


def _add_outside_values(wb, tables: dict, blocks: dict, where: dict, zf) -> None:
    """Give each input table's block the values typed beside or below it (see :mod:`.outside`)."""
    from remanxl.workbook.outside import with_outside

    for canonical in (c for c in tables if c in INPUT_TABLES):
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


def _parts_of(tables, where: dict[str, str], path: Path) -> set[str]:
    missing = [name for name, _ in tables if name.casefold() not in where]
    if missing:  # a table whose sheet could not be found: scan every sheet rather than guess
        return {n for n in _worksheet_parts(path)}
    return {where[name.casefold()] for name, _ in tables}


def _worksheet_parts(path: Path) -> list[str]:
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
