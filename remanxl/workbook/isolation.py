"""Read a workbook in a child process whose address space is capped.

A spreadsheet reader lays each sheet out as a dense block from its first to its last cell, so a
single cell written far away (``XFD1048576``, or a cell without a reference in a very long row)
asks for hundreds of gigabytes; python-calamine then aborts the whole process.  Pattern checks can
refuse the obvious spellings of such a file, but not every variant a parser accepts.  So, where the
operating system can fork, the tables are read in a child with ``RLIMIT_AS`` set: a hostile file
kills only the child, and the user gets a plain refusal.  The child hands its tables back pickled
through a pipe (about 0.1 s for a 50,000-row ledger).  Where there is no fork (Windows), the
reading happens in-process after :func:`~remanxl.workbook.safety.check_cell_extents`.
"""
from __future__ import annotations

import os
import pickle
from pathlib import Path

MIN_LIMIT = 2 << 30  # 2 GiB of address space: far above what a legitimate workbook needs to be read
PER_XML_BYTE = 16  # … or 16 bytes per byte of sheet XML, for very large legitimate workbooks

CAN_FORK = hasattr(os, "fork")


def memory_limit(path: Path) -> int:
    import zipfile

    with zipfile.ZipFile(path) as zf:
        xml = sum(i.file_size for i in zf.infolist() if i.filename.endswith(".xml"))
    return max(MIN_LIMIT, PER_XML_BYTE * xml)


def run_capped(fn, path: Path, *args):
    """``fn(path, *args)`` in a forked child limited to :func:`memory_limit`; its value, or its error.

    Errors come back as ``("located", [(sheet, cell, row, column, message), …])`` for a
    :class:`~remanxl.workbook.reader.WorkbookReadError` or ``("error", text)``; a child that dies
    (the reader aborted) raises :class:`~remanxl.workbook.safety.UnsafeWorkbookError`.
    """
    from remanxl.workbook.reader import Located, WorkbookReadError
    from remanxl.workbook.safety import UnsafeWorkbookError

    limit = memory_limit(path)
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: read, send, and leave without running the parent's exit handlers
        code = 0
        try:
            os.close(r)
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 2)  # a reader that aborts prints to stderr; the parent says what happened
            _cap(limit)
            try:
                result = ("ok", fn(path, *args))
            except WorkbookReadError as exc:
                result = ("located", [(x.sheet, x.cell, x.row, x.column, x.message) for x in exc.located])
            except UnsafeWorkbookError as exc:
                result = ("unsafe", str(exc))
            except Exception as exc:  # noqa: BLE001 - reported by the parent
                result = ("error", f"{type(exc).__name__}: {exc}")
            data = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(w, "wb") as pipe:
                pipe.write(data)
        except BaseException:  # noqa: BLE001
            code = 1
        finally:
            os._exit(code)
    os.close(w)
    with os.fdopen(r, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(pid, 0)
    if not data:
        how = f"signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status) else f"exit {os.WEXITSTATUS(status)}"
        raise UnsafeWorkbookError(
            f"{path.name}: reading it needed more than {limit / 2**30:.1f} GiB of memory (reader stopped: {how}); "
            "a cell or table far outside the data? refusing")
    kind, value = pickle.loads(data)
    if kind == "ok":
        return value
    if kind == "located":
        raise WorkbookReadError([Located(*v) for v in value])
    if kind == "unsafe":
        raise UnsafeWorkbookError(value)
    raise WorkbookReadError([Located("", None, None, None, f"{path.name}: cannot read the workbook: {value}")])


def _cap(limit: int) -> None:
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    if soft == resource.RLIM_INFINITY or soft > limit:
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
