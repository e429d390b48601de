"""Read a workbook in a child process whose address space is capped.

A spreadsheet reader lays each sheet out as a dense block from its first to its last cell, so a
single cell written far away (``XFD1048576``, or a cell without a reference in a very long row)
asks for hundreds of gigabytes; python-calamine then aborts the whole process.  Pattern checks can
refuse the obvious spellings of such a file, but not every variant a parser accepts.  So, where the
operating system can fork, the tables are read in a child with ``RLIMIT_AS`` set: a hostile file
kills only the child, and the user gets a plain refusal.  The child hands back, pickled through a
pipe, what it made of the tables (for ``remanxl evaluate``, their sums and not their rows: see
:mod:`remanxl.workbook.io`).
Where there is no fork (Windows), the reading happens in-process after
:func:`~remanxl.workbook.safety.check_cell_extents`.
"""
from __future__ import annotations

import faulthandler
import gc
import os
import pickle
import signal
import sys
import threading
from pathlib import Path

#: Address space a reader may add to what the process had mapped when it was forked.  Measured: reading
#: the largest realistic plant workbook (100,000 parts-ledger rows and 20,000 inventory rows, 664 MiB
#: of sheet XML) in one child grows it by under 200 MiB (peak resident 187 MiB); 1 GiB is five times
#: that.  A file that needs more is refused (see benchmarks/README.md for the figures).
READER_MEMORY = 1 << 30
#: Processor time a reader may take: the same workbook takes 2.8 s of it; a slow office PC a few times
#: that.  A file that takes longer is refused.
READER_CPU_SECONDS = 60

CAN_FORK = hasattr(os, "fork")

_IN_CHILD = False  # true in a child started by start_capped
_ANSWER_FD: int | None = None  # in such a child: the pipe its answer goes to (see Beside)
_ENDS_WITH_WORK = False  # true in a process that ends when its one piece of work does: see keep_all_until_exit
_KEPT: list = []


def keep_until_exit(*objects) -> None:
    """In a child started by :func:`start_capped`, or after :func:`keep_all_until_exit`, hold ``objects``
    until the process exits; elsewhere, nothing.

    The process's memory goes with it: freeing a plant ledger's million cells one by one (about 20 ms)
    before answering would only delay the answer.
    """
    if _IN_CHILD or _ENDS_WITH_WORK:
        _KEPT.extend(objects)


def ends_with_work() -> bool:
    """Whether this process ends when its one piece of work does (see :func:`keep_all_until_exit`)."""
    return _ENDS_WITH_WORK


def keep_all_until_exit() -> None:
    """Declare that this process ends when its one piece of work does (``remanxl evaluate`` on one
    workbook, which then leaves without tearing the interpreter down: see :func:`remanxl.cli.run`).

    From then on :func:`keep_until_exit` holds what it is given, and the cyclic garbage collector stays
    off: once a workbook has been evaluated, the collector's first pass would walk every object the
    evaluation left alive, and freeing them would visit each again (about 50 ms for 60,000 inventory
    rows, measured), all for memory the operating system takes back at once.  Not for a process that
    goes on to other work (a batch, Excel's function server, a test runner).
    """
    global _ENDS_WITH_WORK
    _ENDS_WITH_WORK = True
    gc.disable()


def memory_limit(path: Path | None = None) -> int:
    """The reader's address-space cap: what this process maps now, plus :data:`READER_MEMORY`.

    Counting from what is mapped (not from zero) keeps the cap the same for a small command-line
    process and a large host (a test runner, a batch parent) that forks the reader.
    """
    return _mapped_now() + READER_MEMORY


def _mapped_now() -> int:
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):  # no /proc (macOS): a generous estimate of an interpreter
        return 1 << 30


def start_capped(fn, path: Path, *args) -> "CappedChild":
    """Fork now a child that runs ``fn(path, *args)`` with its memory capped; :meth:`CappedChild.result`
    collects its value.

    Call it from a thread that is importing nothing, before starting other threads: a lock another
    thread holds at the fork (a module half imported) stays held for ever in the child.  (The threads
    that reap earlier children hold none: they wait in ``waitpid`` with the GIL released.)
    """
    limit = memory_limit()  # as the child will count it (for the message)
    r, w = os.pipe()
    try:
        pid = os.fork()
    except BaseException:
        os.close(r)
        os.close(w)
        raise
    if pid == 0:  # the child: compute, send, and leave without running the parent's exit handlers
        global _IN_CHILD, _ANSWER_FD
        _IN_CHILD, _ANSWER_FD = True, w
        code = 0
        try:
            # Ctrl+C is the parent's to handle (it stops this child); an interrupt here would unwind
            # through the parent's stack, copied into this process, and speak for it.
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            os.close(r)
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 2)  # a reader that aborts prints to stderr; the parent says what happened
            faulthandler.disable()  # … and so would a fault handler a host (pytest) enabled on its own stream
            _cap(memory_limit(), READER_CPU_SECONDS)  # counted in the child: what it inherited, plus the budget
            # The child's memory goes with it: a full collection of a million read cells (45 ms) is waste.
            gc.disable()
            _answer(w, _outcome(fn, path, args))
        except BaseException:  # noqa: BLE001
            code = 1
        finally:
            os._exit(code)
    os.close(w)
    return CappedChild(pid, r, path, limit)


class Beside:
    """In a reading child (see :func:`start_capped`), ``fn(*args)`` computed in a process forked from it
    while it goes on with other work; :meth:`result` gives its value, or None where it could not be had
    (elsewhere, or the process failed): the caller then computes it itself.

    For work that only reads what the child holds: the forked process shares its memory, copying only
    the pages it writes.  Only a reading child forks for it: no other thread runs there, so none can
    hold a lock the forked process would need.  The forked process does not hold the reading child's
    answer pipe (the parent hears the child's answer when the child ends, whatever this process does),
    and dies with the reading child where the system can say so (Linux): a reader stopped or failed
    leaves nothing behind.  Use it as a context manager, or call :meth:`discard` when its value is not
    wanted.
    """

    def __init__(self, fn, *args):
        self.pid = self.fd = None
        if not (CAN_FORK and _IN_CHILD):
            return
        r, w = os.pipe()
        reader = os.getpid()
        try:
            pid = os.fork()
        except OSError:  # (no process to spare: the caller computes it)
            os.close(r)
            os.close(w)
            return
        if pid == 0:
            code = 0
            try:
                os.close(r)
                if _ANSWER_FD is not None:
                    os.close(_ANSWER_FD)
                _die_with(reader)
                _answer(w, fn(*args))
            except BaseException:  # noqa: BLE001 - the caller computes it instead
                code = 1
            finally:
                os._exit(code)
        os.close(w)
        self.pid, self.fd = pid, r

    def result(self):
        if self.pid is None:
            return None
        fd, self.fd = self.fd, None
        try:
            with os.fdopen(fd, "rb") as pipe:
                data = pipe.read()
        finally:
            _, status = os.waitpid(self.pid, 0)
            self.pid = None
        if not data or status != 0:
            return None
        return pickle.loads(data)

    def discard(self) -> None:
        """Stop the process (if it still runs) and reap it; its value is not wanted."""
        if self.pid is None:
            return
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.close(self.fd)
        os.waitpid(self.pid, 0)
        self.pid = self.fd = None

    def __enter__(self) -> "Beside":
        return self

    def __exit__(self, *exc) -> None:
        self.discard()


def _answer(fd: int, value) -> None:
    """Send ``value``, pickled, down the pipe ``fd`` and close it (a forked process's answer)."""
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    with os.fdopen(fd, "wb") as pipe:
        pipe.write(data)


def _die_with(parent: int) -> None:
    """Have the kernel stop this process when ``parent`` ends (Linux's PR_SET_PDEATHSIG); elsewhere nothing."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1: PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # it ended before the request took effect
        os._exit(1)


def _outcome(fn, path, args):
    from remanxl.sheet.located import WorkbookReadError
    from remanxl.workbook.safety import UnsafeWorkbookError

    try:
        return ("ok", fn(path, *args))
    except WorkbookReadError as exc:
        return ("located", [(x.sheet, x.cell, x.row, x.column, x.message) for x in exc.located])
    except UnsafeWorkbookError as exc:
        return ("unsafe", str(exc))
    except MemoryError:  # Python's own allocation failed under the cap (a Rust reader's aborts the child)
        return ("unsafe", _too_much_memory(path, "MemoryError"))
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # noqa: BLE001 - reported by the parent (a reader's panic too: not a memory cap)
        return ("error", f"{type(exc).__name__}: {exc}")


class CappedChild:
    """A child started by :func:`start_capped`."""

    def __init__(self, pid: int, fd: int, path: Path, limit: int):
        self.pid, self.fd, self.path, self.limit = pid, fd, path, limit

    def discard(self) -> None:
        """Stop the child and forget its result."""
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None
        os.waitpid(self.pid, 0)

    def result(self):
        """The child's value; its error raised again here.

        Errors come back as ``("located", [(sheet, cell, row, column, message), …])`` for a
        :class:`~remanxl.sheet.reader.WorkbookReadError` or ``("error", text)``; a child that dies
        (the reader aborted) raises :class:`~remanxl.workbook.safety.UnsafeWorkbookError`.
        """
        from remanxl.sheet.located import Located, WorkbookReadError
        from remanxl.workbook.safety import UnsafeWorkbookError

        fd, self.fd = self.fd, None
        try:
            with os.fdopen(fd, "rb") as pipe:
                data = pipe.read()
        except BaseException:  # interrupted (Ctrl+C): the child is stopped and reaped, not left behind
            self.discard()
            raise
        if not data:
            _, status = os.waitpid(self.pid, 0)
            how = f"signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status) else f"exit {os.WEXITSTATUS(status)}"
            if os.WIFSIGNALED(status) and os.WTERMSIG(status) in (signal.SIGXCPU, signal.SIGKILL):
                raise UnsafeWorkbookError(
                    f"{self.path.name}: reading it took more than {READER_CPU_SECONDS} s of processor time "
                    f"(reader stopped: {how}); a real workbook of 100,000 rows takes a few seconds; refusing")
            raise UnsafeWorkbookError(_too_much_memory(self.path, how))
        # The child has sent all; it is reaped while its result is used (unmapping a big read takes a while).
        threading.Thread(target=os.waitpid, args=(self.pid, 0), name="remanxl-reap", daemon=True).start()
        kind, value = pickle.loads(data)
        if kind == "ok":
            return value
        if kind == "located":
            raise WorkbookReadError([Located(*v) for v in value])
        if kind == "unsafe":
            raise UnsafeWorkbookError(value)
        raise WorkbookReadError([Located.whole_file(f"{self.path.name}: cannot read the workbook: {value}")])


def _too_much_memory(path: Path, how: str) -> str:
    return (f"{path.name}: reading it needed more than {READER_MEMORY / 2**30:.1f} GiB of memory "
            f"(reader stopped: {how}); a cell or table far outside the data? refusing")


def _cap(limit: int, cpu_seconds: int | None = None) -> None:
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    if soft == resource.RLIM_INFINITY or soft > limit:
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    if cpu_seconds is not None:  # SIGXCPU at the soft limit ends the child; the parent says why
        soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
        if hard != resource.RLIM_INFINITY:
            cpu_seconds = min(cpu_seconds, hard)
        if soft == resource.RLIM_INFINITY or soft > cpu_seconds:
            resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, hard))
