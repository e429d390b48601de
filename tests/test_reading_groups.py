"""A workbook file is read by two capped children, each reading a group of its tables, balanced by the
sheets' XML (remanxl.workbook.io.plan_groups): a plant's parts ledger in one, summed there; an
inventory-heavy workbook's inventory sheets spread over both.  However the tables are grouped, the
evaluation, its fingerprint and every problem are those of one reading of the whole workbook."""
import os
import pickle
import shutil
import sys
import zipfile
from pathlib import Path

import pytest

import remanxl.workbook.io as io
from remanxl.sheet.engine import assess
from remanxl.sheet.layout import READ_TABLES
from remanxl.workbook.io import evaluate_workbook, plan_groups, read_blocks, start_assessing
from workbook_fixtures import FAR_ROW, child_processes, replaced, table_sheet_parts

EXAMPLE = Path(__file__).resolve().parents[1] / "templates" / "remanxl_example.xlsx"


@pytest.fixture
def inventory_groups(monkeypatch):
    """Split every workbook's tables over two readers as an inventory-heavy one is (the ledger too small
    to be summed apart)."""
    monkeypatch.setattr(io, "GROUP_BYTES", 0)
    monkeypatch.setattr(io, "SPLIT_BYTES", 1 << 62)
    monkeypatch.setattr(io, "ROWS_BACK_BYTES", 0)  # (the example is a product workbook)


@pytest.fixture
def ledger_group(monkeypatch):
    """Sum every workbook's ledger in its own reader, as a plant's is."""
    monkeypatch.setattr(io, "SPLIT_BYTES", 0)
    monkeypatch.setattr(io, "ROWS_BACK_BYTES", 0)  # (the example is a product workbook)


def _example_with(path: Path, change) -> Path:
    """The bundled example's input, changed by ``change(inp)``, in a fresh template at ``path``."""
    from remanxl import load_example
    from remanxl.workbook.template import build_template

    inp = load_example()
    change(inp)
    return build_template(path, inp)


def _cover_every_table_once(groups, path):
    tables = [t for g in groups for t in g.tables]
    assert len(tables) == len(set(tables)) and set(tables) == set(READ_TABLES.values())
    where = table_sheet_parts(path)
    sheet_of = {READ_TABLES[name]: part for name, part in where.items() if name in READ_TABLES}
    with zipfile.ZipFile(path) as zf:
        for g in groups:  # a sheet is parsed by one reader only; a group's size is its sheets' XML
            sheets = {sheet_of[t] for t in g.tables if t in sheet_of}
            others = {sheet_of[t] for h in groups if h is not g for t in h.tables if t in sheet_of}
            assert sheets and not sheets & others and g.largest in sheets
            assert g.size == sum(zf.getinfo(part).file_size for part in sheets)
            assert zf.getinfo(g.largest).file_size == max(zf.getinfo(part).file_size for part in sheets)


def test_the_groups_cover_every_table_exactly_once(inventory_groups):
    groups = plan_groups(EXAMPLE)
    assert len(groups) == 2 and not any(g.sums_ledger for g in groups)
    _cover_every_table_once(groups, EXAMPLE)
    # the heavier group first: its child starts first, and its largest sheet is verified after the parse
    assert groups[0].size >= groups[1].size


def test_a_plant_ledger_is_summed_in_a_group_of_its_own_reading(ledger_group):
    groups = plan_groups(EXAMPLE)
    assert len(groups) == 2 and sum(g.sums_ledger for g in groups) == 1
    _cover_every_table_once(groups, EXAMPLE)
    ledger = next(g for g in groups if g.sums_ledger)
    assert "Parts" in ledger.tables and {"Parts", "Settings", "Aliases"} <= ledger.reads


def test_a_summed_ledger_weighs_more_than_its_xml(ledger_group, monkeypatch):
    """Its reader also validates and sums: weighed heavily enough, the ledger's sheet is a group alone
    (the other tables go to the other reader), and it starts first."""
    monkeypatch.setattr(io, "LEDGER_WEIGHT", 1e6)
    groups = plan_groups(EXAMPLE)
    assert groups[0].sums_ledger and groups[0].tables == {"Parts"}
    _cover_every_table_once(groups, EXAMPLE)


def test_a_small_workbook_is_read_by_one_child():
    assert plan_groups(EXAMPLE) is None  # the example's sheets are far below the thresholds


def test_groups_balance_by_sheet_xml(tmp_path, monkeypatch):
    """An inventory-heavy workbook: its two largest sheets go to different readers, and neither reader
    holds more than half the XML plus the largest sheet (a greedy split's bound)."""
    monkeypatch.setattr(io, "GROUP_BYTES", 0)

    def more_energy_and_ghg(inp):
        inp.tables["energy"] = [dict(r) for r in inp.tables["energy"] for _ in range(60)]
        inp.tables["ghg"] = [dict(r) for r in inp.tables["ghg"] for _ in range(100)]

    path = _example_with(tmp_path / "inventory_heavy.xlsx", more_energy_and_ghg)
    groups = plan_groups(path)
    assert groups is not None and not any(g.sums_ledger for g in groups)
    where = table_sheet_parts(path)
    with zipfile.ZipFile(path) as zf:
        sizes = {p: zf.getinfo(p).file_size for p in set(where.values())}
    total, largest = sum(sizes.values()), max(sizes.values())
    assert sum(g.size for g in groups) == total
    assert max(g.size for g in groups) <= total / 2 + largest
    two = sorted(sizes, key=sizes.get)[-2:]
    assert {g.largest for g in groups} == set(two)


@pytest.mark.parametrize("grouping", ["inventory_groups", "ledger_group"])
def test_the_groups_join_to_the_one_pass_assessment(tmp_path, request, grouping):
    """Evaluation and fingerprint (what the Summary records) equal one reading of the whole workbook,
    and equal one child's reading of it; no pipe or child is left behind."""
    import os

    request.getfixturevalue(grouping)
    path = shutil.copy(EXAMPLE, tmp_path / "example.xlsx")
    before, fds = child_processes(), len(os.listdir("/proc/self/fd"))
    task, hold = start_assessing(path, path.name)
    assert isinstance(task, io._Groups) and len(task.children) == 2
    hold[1]()  # the first group's reader has parsed its sheets
    grouped = task.result()
    single, _ = start_assessing(path, path.name, split=False)
    single = single.result()
    one = assess(read_blocks(path), path.name)
    assert not grouped.problems and not one.problems
    assert grouped.fingerprint == single.fingerprint == one.fingerprint  # computed in the children …
    assert list(grouped.fingerprint) == list(one.fingerprint)  # … and listed in the same order
    a, b, c = grouped.evaluation.to_dict(), single.evaluation.to_dict(), one.evaluation.to_dict()
    for d in (a, b, c):
        d.pop("computed_at")
    assert a == b == c
    assert evaluate_workbook(path, write=False).ok
    assert len(os.listdir("/proc/self/fd")) == fds
    assert child_processes() <= before


def test_the_ledger_reader_sends_its_sums_not_its_rows(tmp_path, ledger_group):
    path = shutil.copy(EXAMPLE, tmp_path / "example.xlsx")
    ledger = next(g for g in plan_groups(path) if g.sums_ledger)
    half, blocks, fingerprint = io.assess_file(path, path.name, False, ledger)
    assert "Parts" not in blocks and set(blocks) <= ledger.tables and set(fingerprint) <= set(blocks)
    assert set(half.fingerprint) == {"Parts"}
    assert half.sums.ledger.rows > 0 and half.reading.inputs.tables == {}
    rows = read_blocks(path, False, {"Parts"})["Parts"].rows
    assert len(pickle.dumps(half)) < len(pickle.dumps(rows))


def _faults(inp):
    """A fault in every input table, so that each reader has some to report whatever the grouping: a water
    volume in kWh (found by the sums), a negative ledger quantity and a quantity in words in each other
    table (found by the parser)."""
    inp.tables["water"][0]["unit"] = "kWh"
    inp.tables["parts"][1]["quantity"] = -1
    for table in ("energy", "materials", "ghg", "air", "water_pollutants", "solid_waste"):
        inp.tables[table][0]["quantity"] = "lots"


@pytest.mark.parametrize("grouping", ["inventory_groups", "ledger_group"])
def test_problems_of_both_groups_come_together_in_one_readings_order(tmp_path, request, grouping):
    request.getfixturevalue(grouping)
    path = _example_with(tmp_path / "faults.xlsx", _faults)
    assert len(plan_groups(path)) == 2
    before = path.read_bytes()
    outcome = evaluate_workbook(path)
    grouped = [str(p) for p in outcome.problems]
    assert grouped == [str(p) for p in assess(read_blocks(path), path.name).problems]
    sheets = ("Energy", "Materials", "Water", "GHG", "Air", "Water pollutants", "Solid waste", "Parts")
    assert len(grouped) == 8 and all(any(f"sheet '{sheet}" in p for p in grouped) for sheet in sheets), grouped
    assert path.read_bytes() == before


def test_a_far_cell_in_either_group_kills_only_its_reader(tmp_path, inventory_groups):
    """A cell at XFD1048576 on a sheet of either group: that reader dies, the other is joined or stopped,
    the file is refused and left as it was, and no child process is left behind."""
    for group in plan_groups(EXAMPLE):
        path = replaced(EXAMPLE, tmp_path / f"far_{Path(group.largest).stem}.xlsx",
                        {group.largest: [(b"</sheetData>", FAR_ROW + b"</sheetData>")]})
        before, children = path.read_bytes(), child_processes()
        outcome = evaluate_workbook(path)
        assert not outcome.ok and "refusing" in str(outcome.problems[0])
        assert path.read_bytes() == before
        assert child_processes() <= children


def test_a_table_whose_sheet_is_not_found_is_read_by_the_heavier_group(tmp_path, monkeypatch, inventory_groups):
    """A table the sheets' relationships do not place (here: the energy table's) is still read, exactly
    once, by the heavier group; the evaluation is unchanged."""
    real = io.table_parts
    monkeypatch.setattr(io, "table_parts", lambda zf: {k: v for k, v in real(zf).items() if k != "energy"})
    path = shutil.copy(EXAMPLE, tmp_path / "example.xlsx")
    groups = plan_groups(path)
    assert "Energy" in groups[0].tables and all("Energy" not in g.tables for g in groups[1:])
    assert sorted(t for g in groups for t in g.tables) == sorted(READ_TABLES.values())
    grouped = evaluate_workbook(path, write=False)
    one = assess(read_blocks(path), path.name)
    assert grouped.ok and grouped.evaluation["SE"].value == one.evaluation["SE"].value


def test_tables_all_on_one_sheet_are_read_by_one_child(tmp_path, monkeypatch, inventory_groups):
    """Nothing to share between two readers: one child reads every table."""
    real = io.table_parts
    monkeypatch.setattr(io, "table_parts", lambda zf: {k: (real(zf)["energy"][0], table)
                                                       for k, (_, table) in real(zf).items()})
    path = shutil.copy(EXAMPLE, tmp_path / "example.xlsx")
    assert plan_groups(path) is None
    task, hold = start_assessing(path, path.name)
    assert hold is None and not isinstance(task, io._Groups) and task.result().evaluation is not None


def test_a_damaged_part_in_either_group_is_refused_before_anything_is_written(tmp_path, inventory_groups):
    """The checksum test runs beside the two readers (the first group's largest sheet after its parse); a
    mismatch in a sheet of either group, or in a part no reader reads, refuses the file."""
    from test_workbook import _with_bad_crc

    groups = plan_groups(EXAMPLE)
    for part in [g.largest for g in groups] + ["xl/theme/theme1.xml"]:
        path = _with_bad_crc(EXAMPLE, tmp_path / f"bad_{Path(part).stem}.xlsx", part)
        before, children = path.read_bytes(), child_processes()
        outcome = evaluate_workbook(path)
        assert not outcome.ok and f"damaged part {part}" in str(outcome.problems[0])
        assert path.read_bytes() == before
        assert child_processes() <= children


def _raise(message):
    raise ValueError(message)


def test_work_beside_a_reading_child_is_done_in_a_process_of_its_own(monkeypatch):
    """In a reading child, :class:`~remanxl.workbook.isolation.Beside` computes in a process forked from it
    and hands the value back; a failure there gives None (the caller computes it), and the process is
    reaped either way.  Anywhere else nothing is forked."""
    from remanxl.workbook import isolation

    before = child_processes()
    assert isolation.Beside(os.getpid).result() is None  # not a reading child: the caller computes it
    assert child_processes() == before
    monkeypatch.setattr(isolation, "_IN_CHILD", True)
    pid = isolation.Beside(os.getpid).result()
    assert isinstance(pid, int) and pid != os.getpid()
    assert isolation.Beside(sorted, [3, 1, 2]).result() == [1, 2, 3]
    assert isolation.Beside(_raise, "no").result() is None
    assert child_processes() == before


def _beside_then_fail(path, pidfile):
    """A reader that starts work beside it and then fails, without stopping that work."""
    import time

    from remanxl.workbook import isolation

    beside = isolation.Beside(time.sleep, 30)
    Path(pidfile).write_text(str(beside.pid))
    raise RuntimeError("the reader failed")


def _ended(pid: int) -> bool:
    """Whether process ``pid`` has ended (gone, or a zombie its new parent has not reaped yet)."""
    try:
        with open(f"/proc/{pid}/status") as status:
            return any(line.startswith("State:") and "Z" in line.split()[1] for line in status)
    except FileNotFoundError:
        return True


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the kernel stops it with its reader on Linux")
def test_work_beside_a_reader_neither_delays_nor_outlives_it(tmp_path):
    """A reader that fails while work runs beside it answers at once (the work does not hold its answer
    pipe), and the work ends with it rather than running on as an orphan."""
    import time

    from remanxl.sheet.located import WorkbookReadError
    from remanxl.workbook import isolation

    pidfile = tmp_path / "beside.pid"
    started = time.monotonic()
    with pytest.raises(WorkbookReadError, match="the reader failed"):
        isolation.start_capped(_beside_then_fail, tmp_path / "book.xlsx", str(pidfile)).result()
    assert time.monotonic() - started < 10  # not the 30 s the work beside it would take
    pid = int(pidfile.read_text())
    deadline = time.monotonic() + 5
    while not _ended(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _ended(pid)


def test_work_beside_a_reader_does_not_hold_its_answer(tmp_path, monkeypatch):
    """Where the kernel cannot stop it with its reader (not Linux), the work beside a failed reader runs
    on for a while, but the reader's answer does not wait for it."""
    import signal
    import time

    from remanxl.sheet.located import WorkbookReadError
    from remanxl.workbook import isolation

    monkeypatch.setattr(isolation, "_die_with", lambda parent: None)
    pidfile = tmp_path / "beside.pid"
    started = time.monotonic()
    try:
        with pytest.raises(WorkbookReadError, match="the reader failed"):
            isolation.start_capped(_beside_then_fail, tmp_path / "book.xlsx", str(pidfile)).result()
        assert time.monotonic() - started < 10  # not the 30 s the work beside it would take
    finally:
        if pidfile.exists():
            try:
                os.kill(int(pidfile.read_text()), signal.SIGKILL)
            except ProcessLookupError:
                pass


def test_work_beside_is_stopped_when_not_wanted(monkeypatch):
    import time

    from remanxl.workbook import isolation

    monkeypatch.setattr(isolation, "_IN_CHILD", True)
    before = child_processes()
    with isolation.Beside(time.sleep, 30) as beside:
        pid = beside.pid
        assert pid in child_processes()
    assert child_processes() == before and beside.result() is None


def test_the_ledger_reader_takes_its_fingerprint_beside_its_sums(tmp_path, ledger_group, monkeypatch):
    """The ledger's reader takes its fingerprint in a process forked from it, and that fingerprint is the
    one its own reading gives."""
    from remanxl.workbook import isolation

    path = shutil.copy(EXAMPLE, tmp_path / "example.xlsx")
    ledger = next(g for g in plan_groups(path) if g.sums_ledger)
    calls = []
    real = isolation.Beside.result
    monkeypatch.setattr(isolation.Beside, "result", lambda self: calls.append(self.pid) or real(self))
    monkeypatch.setattr(isolation, "_IN_CHILD", True)  # as in the reading child that runs it
    half, _, _ = io.assess_file(path, path.name, False, ledger)
    assert len(calls) == 1 and calls[0] is not None  # a process was forked for it
    one = assess(read_blocks(path), path.name)
    assert half.fingerprint == {"Parts": one.fingerprint["Parts"]}


def test_the_ledger_half_loads_no_factor_table(tmp_path, ledger_group):
    """The ledger's reader validates, sums and fingerprints its ledger without loading the coefficient
    tables (a reader that holds the ledger alone need not learn their columns): a fresh process shows it."""
    path = shutil.copy(EXAMPLE, tmp_path / "example.xlsx")
    code = (
        "import sys\n"
        "from remanxl.workbook import io\n"
        "from remanxl.sheet import engine\n"
        "from remanxl.sheet.fingerprint import of_blocks\n"
        "from remanxl.method.factors import default_factors\n"
        f"blocks = io.read_blocks(io.Path({str(path)!r}), False, io._LEDGER_READS)\n"
        "half = engine.assess_parts(blocks, fingerprint={})\n"
        "printed = of_blocks({'Parts': blocks['Parts']})\n"
        "assert half.sums.ledger.rows > 0 and half.fingerprint == {} and list(printed) == ['Parts']\n"
        "sys.exit(default_factors.cache_info().currsize)\n")
    import subprocess
    import sys

    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr


def test_the_parts_of_some_tables_are_those_of_all_in_their_order():
    from remanxl.sheet.fingerprint import input_parts

    every = input_parts()
    for names in ({"Parts"}, {"Settings", "Energy"}, {"GWP", "Aliases", "Parts"}, set(), {p.name for p in every}):
        assert input_parts(names) == [p for p in every if p.name in names]


@pytest.mark.parametrize("grouping", ["inventory_groups", "ledger_group"])
def test_only_the_work_beside_a_ledger_reader_steps_back(tmp_path, request, grouping, monkeypatch):
    """Beside a ledger's reader (the critical path) the other reader steps back, and this process too
    where it ends with its workbook (the remanxl command); a process that goes on keeps its priority.
    Readers that share an inventory-heavy workbook are both on the critical path: neither steps back."""
    from remanxl.workbook import isolation

    request.getfixturevalue(grouping)
    path = shutil.copy(EXAMPLE, tmp_path / "example.xlsx")
    marks = tmp_path / "stepped back"
    monkeypatch.setattr(io, "_step_back", lambda: open(marks, "a").write(f"{os.getpid()}\n"))
    groups = plan_groups(path)
    assert [g.yields for g in groups] == [grouping == "ledger_group" and not g.sums_ledger for g in groups]
    assert any(g.sums_ledger for g in groups) == (grouping == "ledger_group")
    for ends_with_work in (False, True):
        monkeypatch.setattr(isolation, "_ENDS_WITH_WORK", ends_with_work)
        marks.unlink(missing_ok=True)
        task, hold = start_assessing(path, path.name)
        hold[1]()
        assert not task.result().problems
        pids = marks.read_text().split() if marks.exists() else []
        if grouping == "inventory_groups":
            assert pids == []
        else:  # the other reader; and this process where it ends with its workbook
            assert len([p for p in pids if p != str(os.getpid())]) == 1
            assert (str(os.getpid()) in pids) == ends_with_work


def test_stepping_back_lowers_the_priority_by_its_niceness():
    code = ("import os\nfrom remanxl.workbook import io\n"
            "before = os.nice(0)\nio._step_back()\nprint(os.nice(0) - before)")
    import subprocess
    import sys

    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and int(r.stdout) == io.YIELD_NICENESS
