"""The recompute engine, written against a small workbook interface.

Two implementations exist: :class:`remanxl.workbook.io.FileWorkbook` (a file on
disk, used by ``remanxl evaluate``) and
:class:`remanxl.excel.xlwings_book.XlwingsWorkbook` (the workbook open in Excel,
used by the ribbon).  The engine never knows which one it talks to, so the
ribbon and the command line validate, compute and write exactly alike.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # the core loads when first used: a file's reader starts before it (remanxl.workbook.io)
    from remanxl.method.evaluate import Evaluation
    from remanxl.sheet.grid import Block
    from remanxl.sheet.reader import Located, Locator, Reading
    from remanxl.sheet.summary import SummaryModel


class Workbook(Protocol):
    name: str

    def assess(self) -> "Assessment":
        """:func:`assess` on this workbook's tables: :class:`BlockWorkbook` reads them in one bulk call
        each; a file reads its halves in two processes."""

    def write_summary(self, model: SummaryModel) -> None:
        """Replace the summary sheet's content with ``model``; touch nothing else."""

    def show_problems(self, problems: list[Located]) -> None:
        """Tell the user what is wrong (may write only to a place remanxl owns)."""

    def clear_problems(self) -> None:
        """Remove a previous problem report, if any."""


@dataclass
class Assessment:
    """What a workbook's tables give: an evaluation and the fingerprint of the inputs it read (see
    :mod:`remanxl.sheet.fingerprint`), or the located problems."""

    evaluation: Evaluation | None
    problems: list[Located]
    fingerprint: dict | None = None


def assess(blocks: dict[str, Block], name: str, fingerprint: dict | None = None) -> Assessment:
    """Validate the tables read from workbook ``name``, compute, and lay out the summary.

    Two halves and a join: a file reader may run the halves side by side, in two processes.
    ``fingerprint``: the tables' fingerprints, by table, where they were computed already (by the
    processes that read them: see :mod:`remanxl.workbook.io`).
    """
    return finish(assess_inventory(blocks, name, fingerprint=fingerprint), assess_parts(blocks, fingerprint=fingerprint))


@dataclass
class Half:
    """What one half of a workbook gives: its sums (None if nothing could be summed), where its tables
    are, and what could not be read."""

    sums: object  # remanxl.method.evaluate.InventorySums or PartsSums
    reading: Reading
    fingerprint: dict  # of the tables this half read

    @property
    def problems(self) -> list[Located]:
        return self.reading.problems


def assess_inventory(blocks: dict[str, Block], name: str, whole_workbook: bool = True,
                     fingerprint: dict | None = None) -> Half:
    """Read everything but the parts ledger (settings, factor rows, the seven inventory tables) and sum it.

    Tables that cannot be read are reported and left out; the others are still summed, so that their
    own problems come out in the same pass."""
    from remanxl.method.evaluate import sum_inventory
    from remanxl.sheet.reader import read_tables

    reading = read_tables(blocks, "inventory", whole_workbook)
    reading.inputs.source = name
    return Half(sum_inventory(reading.inputs), reading, _fingerprint(blocks, "inventory", fingerprint))


def assess_parts(blocks: dict[str, Block], whole_workbook: bool = True, fingerprint: dict | None = None) -> Half:
    """Read the parts ledger (and the settings its sums need) and sum it.

    Needs only the reader and :mod:`remanxl.method.parts`, not the rest of the core: a file reader
    starts this half before the core has loaded.
    """
    from remanxl.method.parts import sum_parts
    from remanxl.method.settings import settings_of
    from remanxl.method.vocabulary import choice_words
    from remanxl.sheet.reader import read_tables

    reading = read_tables(blocks, "parts", whole_workbook)
    words = choice_words().with_aliases(reading.inputs.aliases)
    settings, _ = settings_of(reading.inputs.settings, words)  # faulty settings are reported by the other half
    fingerprint = _fingerprint(blocks, "parts", fingerprint)
    if "parts" not in reading.inputs.tables:
        return Half(None, reading, fingerprint)
    return Half(sum_parts(reading.inputs.tables["parts"], settings, words), reading, fingerprint)


def portable(half: Half) -> Half:
    """``half`` without the rows it read, for another process to :func:`finish`: its sums, places,
    problems and fingerprint are all the join needs (a plant's ledger rows are megabytes to pickle)."""
    from dataclasses import replace

    from remanxl.method.inputs import EvaluationInput

    return replace(half, reading=replace(half.reading, inputs=EvaluationInput()))


def _fingerprint(blocks: dict[str, Block], half: str, known: dict | None = None) -> dict:
    """The fingerprint of the tables a half reads (the ledger's half: the ledger only); with ``known``
    (every table's, computed where the tables were read), those tables' taken from it, in the same order."""
    from remanxl.sheet.fingerprint import input_parts, of_blocks
    from remanxl.sheet.layout import BY_TABLE

    ledger = BY_TABLE["parts"].excel_table
    if known is not None:
        return {p.name: known[p.name] for p in input_parts(set(known)) if (p.name == ledger) == (half == "parts")}
    return of_blocks({k: b for k, b in blocks.items() if (k == ledger) == (half == "parts")})


def finish(inventory: Half, parts: Half) -> Assessment:
    """Join the halves: the evaluation and its summary, or every problem located in the workbook —
    what could not be read first (tables in their order, then the settings), then each cell's."""
    from remanxl.method.errors import InputError
    from remanxl.method.evaluate import combine
    from remanxl.method.parts import Ledger, PartsSums

    locator = inventory.reading.locator
    locator.places.update(parts.reading.locator.places)
    # what could not be read, as one reading lists it: the input tables in their order (the ledger is
    # the last), then the settings
    read = inventory.reading.table_problems + parts.reading.table_problems + inventory.reading.settings_problems
    sums = parts.sums if parts.sums is not None else PartsSums(Ledger(), [], [])
    try:
        ev = combine(inventory.sums, sums)
    except InputError as exc:
        return Assessment(None, read + [locator.locate(p) for p in exc.problems])
    if read:
        return Assessment(None, read)
    return Assessment(ev, [], {**inventory.fingerprint, **parts.fingerprint})


def prepare() -> None:
    """Load what :func:`assess` needs (the method core, its factor tables, the summary layout), so that
    a caller can do it while a file is being read."""
    from remanxl.method.evaluate import evaluate  # noqa: F401
    from remanxl.method.factors import default_factors
    from remanxl.sheet.reader import read_tables  # noqa: F401

    default_factors()


class BlockWorkbook:
    """The usual :meth:`Workbook.assess`: :meth:`read_blocks`, then :func:`assess` them here."""

    name: str

    def read_blocks(self) -> dict[str, Block]:
        """Every remanxl table (input, Settings, factor tables) by Excel table name."""
        raise NotImplementedError

    def assess(self) -> Assessment:
        return assess(self.read_blocks(), self.name)


@dataclass
class Outcome:
    name: str
    evaluation: Evaluation | None
    problems: list[Located]
    written: bool = False
    simulation: object = None  # the Monte Carlo run with the evaluation (recompute(uncertainty=…)), if any

    @property
    def ok(self) -> bool:
        return self.evaluation is not None and not self.problems


def recompute(book: Workbook, write: bool = True, now: str | None = None, uncertainty=None) -> Outcome:
    """Read → validate → compute → write the summary; on any problem write nothing but the report.

    ``now`` (ISO 8601) is the time the summary records (default: when the evaluation was computed).
    ``uncertainty`` = (draws, seed) also runs the Monte Carlo, whose bands the summary shows.
    """
    from remanxl.sheet.located import WorkbookReadError
    from remanxl.sheet.summary import build_summary

    try:
        result = book.assess()
    except WorkbookReadError as exc:  # the file as a whole could not be read (a damaged part, say)
        result = Assessment(None, exc.located)
    if result.problems:
        book.show_problems(result.problems)
        return Outcome(book.name, None, result.problems)
    book.clear_problems()
    if now:
        result.evaluation.computed_at = now
    simulation = None
    if uncertainty is not None:
        from remanxl.method.montecarlo import simulate

        simulation = simulate(result.evaluation, *uncertainty)
    if write:
        book.write_summary(build_summary(result.evaluation, result.fingerprint, simulation))
    return Outcome(book.name, result.evaluation, [], write, simulation)
