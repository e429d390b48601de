"""Bounded cost for hostile files: a reader gets the memory and processor time the largest realistic plant
workbook needs, times a small factor, and a sheet or table may not lay out more cells than that workbook's
largest sheet, times a small factor.  Beyond, one line and nothing written.  (The figures behind the
limits are in benchmarks/README.md; they are measured by benchmarks/bench_evaluate.py.)"""
import os
import re
import time

import pytest

from remanxl.cli import EXIT_INPUT, main
from remanxl.workbook import isolation
from remanxl.workbook.safety import MAX_DIMENSION_CELLS, UnsafeWorkbookError
from spec_vectors import t4_input
from workbook_fixtures import rewrite_zip, vector_workbook

needs_fork = pytest.mark.skipif(not isolation.CAN_FORK, reason="the reader is capped in a forked child")


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    return vector_workbook(tmp_path_factory.mktemp("limits") / "good.xlsx", t4_input())


def test_a_table_within_the_old_limit_but_far_beyond_a_plant_is_refused_at_once(good, tmp_path, capsys):
    """The kind of 3 MB file that used to take half a minute and gigabytes: a table of 19.6 million cells."""
    def huge(e):
        for name in e:
            if name.startswith("xl/tables/") and b'displayName="Energy"' in e[name]:
                e[name] = re.sub(rb'ref="[^"]+"', b'ref="A4:ZZ28000"', e[name], count=1)
    bad = rewrite_zip(good, tmp_path / "huge-table.xlsx", huge)
    before = bad.read_bytes()
    t0 = time.perf_counter()
    code = main(["evaluate", str(bad)])
    elapsed = time.perf_counter() - t0
    err = capsys.readouterr().err
    assert code == EXIT_INPUT and f"{MAX_DIMENSION_CELLS:,} cells" in err and bad.read_bytes() == before
    assert elapsed < 10, elapsed  # refused from the archive's directory, before any reader starts


def _spin(path):
    while True:
        pass


def _hog(path):
    blocks = []
    while True:
        blocks.append(bytearray(64 << 20))


@needs_fork
def test_a_reader_that_takes_too_long_is_stopped(good, monkeypatch):
    monkeypatch.setattr(isolation, "READER_CPU_SECONDS", 1)
    child = isolation.start_capped(_spin, good)
    with pytest.raises(UnsafeWorkbookError, match="more than 1 s of processor time"):
        child.result()


@needs_fork
def test_a_reader_that_needs_too_much_memory_is_stopped(good):
    child = isolation.start_capped(_hog, good)
    with pytest.raises(UnsafeWorkbookError, match="needed more than 1.0 GiB of memory"):
        child.result()


@needs_fork
def test_the_memory_budget_counts_from_what_the_host_has_mapped():
    """A large host (a test runner, a batch) forks the reader: the budget is on top of what it maps."""
    ballast = bytearray(256 << 20)  # noqa: F841 - mapped while the limit is taken
    assert isolation.memory_limit() >= (256 << 20) + isolation.READER_MEMORY
    assert os.path.exists("/proc/self/statm") or isolation.memory_limit() == (1 << 30) + isolation.READER_MEMORY
