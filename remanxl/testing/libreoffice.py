"""Recalculate workbooks in LibreOffice headless, with remanxl's functions available.

::

    from remanxl.testing.libreoffice import LibreOffice, soffice_available

    with LibreOffice() as lo:                       # builds a profile, starts soffice once
        cells = lo.recalculate("book.xlsx")         # {"Sheet1": {"B7": 0.8153846153846154, ...}}
        lo.recalculate_and_save("book.xlsx", "out/book-lo.xlsx")

Every formula cell comes back: numbers as full doubles (booleans as 1.0/0.0),
text as ``str``, errors as Excel's spelling (``"#DIV/0!"``, ``"#NAME?"``;
codes without one as ``"Err:502"``).  ``REMAN_*`` functions run the Python of
:data:`remanxl.functions.REGISTRY` through Basic shims (see
:mod:`remanxl.testing.lo_profile`), so their own error texts such as
``"#VALUE! cwr: …"`` come back as text, not as error cells.

Two processes are involved: ``soffice`` and a helper run by a Python that has
``uno`` (:mod:`remanxl.testing.lo_uno`, JSON lines over stdin/stdout), so the
test process itself needs neither LibreOffice's Python nor ``uno``.
"""
from __future__ import annotations

import atexit
import json
import os
import selectors
import shutil
import subprocess
import tempfile
import time
import uuid
from functools import lru_cache
from pathlib import Path

import remanxl
from remanxl.testing import proc
from remanxl.testing.lo_profile import build_profile

#: Where Debian's python3-uno lives; override with REMANXL_UNO_PYTHON.
UNO_PYTHON = "/usr/bin/python3"
REPO_ROOT = Path(remanxl.__file__).resolve().parent.parent
HELPER = Path(__file__).with_name("lo_uno.py")


class LibreOfficeError(RuntimeError):
    """LibreOffice is missing, failed to start, or failed on a workbook."""


def find_soffice() -> str | None:
    """The soffice executable: $REMANXL_SOFFICE, else ``soffice`` or ``libreoffice`` on PATH."""
    if os.environ.get("REMANXL_SOFFICE"):
        return shutil.which(os.environ["REMANXL_SOFFICE"])
    return shutil.which("soffice") or shutil.which("libreoffice")


def uno_python() -> str:
    return os.environ.get("REMANXL_UNO_PYTHON", UNO_PYTHON)


@lru_cache(maxsize=None)
def _has_uno(python: str) -> bool:
    try:
        return subprocess.run([python, "-c", "import uno"], capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def missing_reason() -> str | None:
    """Why :class:`LibreOffice` cannot run here, or None if it can."""
    if not find_soffice():
        where = f"REMANXL_SOFFICE={os.environ['REMANXL_SOFFICE']} is not executable" if os.environ.get(
            "REMANXL_SOFFICE") else "soffice is not on PATH"
        return f"LibreOffice is not installed ({where}): apt-get install libreoffice-calc-nogui"
    program = Path(os.path.realpath(find_soffice())).parent
    if not (program / "pythonscript.py").is_file():
        return (f"LibreOffice's Python script provider is missing ({program / 'pythonscript.py'}): "
                "apt-get install libreoffice-script-provider-python")
    if not _has_uno(uno_python()):
        return (f"{uno_python()} cannot import uno: apt-get install python3-uno "
                "libreoffice-script-provider-python (or set REMANXL_UNO_PYTHON)")
    return None


def soffice_available() -> bool:
    """True if soffice and a Python with ``uno`` are installed."""
    return missing_reason() is None


def soffice_env() -> dict:
    """The environment soffice runs in, so that its embedded Python finds uno and remanxl."""
    env = dict(os.environ)
    # The shims import remanxl from this checkout, as the tests do.
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH")) if p)
    # The embedded Python locates its standard library through the first python3 on PATH: under
    # pyenv or a venv that is the wrong one, uno fails to import and every shim fails.
    env["PATH"] = os.pathsep.join((os.path.dirname(uno_python()), env.get("PATH", "")))
    env.pop("PYTHONHOME", None)
    return env


class LibreOffice:
    """One headless soffice with a throw-away profile; use it as a context manager.

    ``timeout`` bounds each workbook (seconds), ``start_timeout`` the profile
    build and the start.  POSIX only; one request at a time.
    """

    def __init__(self, timeout: float = 120, start_timeout: float = 120):
        self.timeout, self.start_timeout = timeout, start_timeout
        self.version: str | None = None
        self.timings: dict[str, float] = {}  # profile build and start, seconds
        self.last_timings: dict[str, float] = {}  # load, calculate, read, save of the last workbook
        self._tmp: str | None = None
        self._soffice: subprocess.Popen | None = None
        self._helper: subprocess.Popen | None = None
        self._buffer = b""
        self._log = None
        self._pipe = None

    # ------------------------------------------------------------------ lifecycle

    def __enter__(self) -> "LibreOffice":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def start(self) -> None:
        """Build the profile, start soffice and the UNO helper, and check the shims reach Python."""
        reason = missing_reason()
        if reason:
            raise LibreOfficeError(reason)
        from remanxl.functions import REGISTRY

        soffice, env = find_soffice(), soffice_env()
        self._buffer = b""
        self._tmp = tempfile.mkdtemp(prefix="remanxl-lo-")
        profile = Path(self._tmp) / "profile"
        self._log = open(Path(self._tmp) / "soffice.log", "wb")  # both processes' stderr, for error messages
        atexit.register(self.close)  # no orphaned soffice if the caller never closes
        try:
            t0 = time.perf_counter()
            build_profile(profile, soffice, REGISTRY, env=env, timeout=self.start_timeout)
            t1 = time.perf_counter()
            pipe = self._pipe = "remanxl_" + uuid.uuid4().hex[:12]
            self._soffice = proc.start_group(
                [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--invisible", "--nologo",
                 "--norestore", "--nodefault", "--nolockcheck",
                 f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self._log, env=env)
            self._helper = proc.start_group(
                [uno_python(), str(HELPER), pipe, str(self.start_timeout)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log, env=env)
            hello = self._read(self.start_timeout, "starting LibreOffice")
            if not hello.get("ready"):
                raise LibreOfficeError(f"LibreOffice did not start: {hello.get('error')}{self._log_tail()}")
            self.version = hello.get("version")
            if not str(hello.get("probe")).startswith("ok"):
                raise LibreOfficeError(f"LibreOffice {self.version} cannot run remanxl's functions "
                                       f"(Basic shim -> Python -> remanxl): {hello.get('probe')}{self._log_tail()}")
            self.timings = {"profile": t1 - t0, "start": time.perf_counter() - t1}
        except BaseException:
            self.close(grace=0)
            raise

    def close(self, grace: float = 15) -> None:
        """Ask LibreOffice to quit; after ``grace`` s, SIGTERM and then SIGKILL what is left."""
        if self._helper is not None and self._helper.poll() is None and grace:
            try:
                self._helper.stdin.write(b'{"op": "quit"}\n')
                self._helper.stdin.close()
            except OSError:
                pass
        proc.stop_group(self._helper, grace=grace)
        proc.stop_group(self._soffice, grace=grace)
        self._helper = self._soffice = None
        if self._pipe:
            # A killed soffice leaves its listening socket behind (a clean exit removes it).
            Path(f"/tmp/OSL_PIPE_{os.getuid()}_{self._pipe}").unlink(missing_ok=True)
            self._pipe = None
        if self._log is not None:
            self._log.close()
            self._log = None
        if self._tmp:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None
        atexit.unregister(self.close)

    # ------------------------------------------------------------------ requests

    def recalculate(self, path: str | os.PathLike) -> dict[str, dict[str, object]]:
        """Open ``path`` read-only, recalculate everything and return every formula cell's value."""
        return self._request(path, None)

    def recalculate_and_save(self, src: str | os.PathLike, dst: str | os.PathLike) -> dict[str, dict[str, object]]:
        """Like :meth:`recalculate`, and store LibreOffice's recalculated copy as xlsx at ``dst``.

        ``dst`` must differ from ``src``: LibreOffice rewrites what it saves
        (VBA, code names, styles), so a source file is never written back.
        """
        src_path, dst_path = Path(src).resolve(), Path(dst).resolve()
        if dst_path == src_path or (dst_path.exists() and dst_path.samefile(src_path)):
            raise ValueError(f"refusing to overwrite the input workbook {src}")
        dst_path.parent.mkdir(parents=True, exist_ok=True)
        return self._request(src_path, dst_path)

    def _request(self, path, save):
        if self._helper is None:
            raise LibreOfficeError("LibreOffice is not running: use `with LibreOffice() as lo:`")
        path = Path(path).resolve()
        if not path.is_file():
            raise FileNotFoundError(path)
        req = {"op": "recalculate", "path": str(path), "save": str(save) if save else None}
        try:
            self._helper.stdin.write((json.dumps(req) + "\n").encode())
            self._helper.stdin.flush()
            answer = self._read(self.timeout, f"recalculating {path.name}")
        except (OSError, LibreOfficeError, TimeoutError):
            self.close(grace=0)  # the helper's state is unknown: never reuse it
            raise
        if not answer.get("ok"):
            raise LibreOfficeError(f"{path.name}: {answer.get('error')}\n{answer.get('traceback', '')}")
        self.last_timings = answer.get("timings", {})
        return answer["sheets"]

    def _read(self, timeout: float, what: str) -> dict:
        """One JSON line from the helper, within ``timeout`` s."""
        deadline = time.monotonic() + timeout
        out = self._helper.stdout
        with selectors.DefaultSelector() as sel:
            sel.register(out, selectors.EVENT_READ)
            while b"\n" not in self._buffer:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"{what}: no answer from LibreOffice within {timeout:g} s")
                if sel.select(left):
                    chunk = os.read(out.fileno(), 1 << 20)
                    if not chunk:
                        raise LibreOfficeError(f"{what}: the UNO helper exited{self._log_tail()}")
                    self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        return json.loads(line)

    def _log_tail(self) -> str:
        try:
            text = (Path(self._tmp) / "soffice.log").read_text(errors="replace")[-1500:]
        except (OSError, TypeError):
            return ""
        return f"\nsoffice said: {text}" if text.strip() else ""
