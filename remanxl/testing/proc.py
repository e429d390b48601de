"""Start and stop process groups with bounded time.

``soffice`` is a shell script that execs ``oosplash``, which starts
``soffice.bin``: killing the first process alone can leave the real office
running.  Each one is therefore started in a session of its own and stopped
by its process-group id.
"""
from __future__ import annotations

import os
import signal
import subprocess
import time


def start_group(cmd: list[str], **kw) -> subprocess.Popen:
    """``Popen`` in a new session, so the whole tree can be stopped by group id."""
    return subprocess.Popen(cmd, start_new_session=True, **kw)


def _exited(p: subprocess.Popen, timeout: float) -> bool:
    """Wait up to ``timeout`` s for the leader to exit, *without* reaping it.

    An unreaped leader keeps its pid, so the group id cannot have been reused
    by an unrelated process when the group is signalled afterwards.
    """
    deadline = time.monotonic() + timeout
    while True:
        try:
            if os.waitid(os.P_PID, p.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None:
                return True
        except ChildProcessError:  # already reaped by Popen
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)


def stop_group(p: subprocess.Popen | None, grace: float = 10) -> None:
    """Give ``p`` ``grace`` s to end, then SIGTERM its group, then SIGKILL what is left."""
    if p is None or p.returncode is not None:
        return
    if not _exited(p, grace):
        os.killpg(p.pid, signal.SIGTERM)
        _exited(p, 5)
    if p.returncode is None:
        try:
            os.killpg(p.pid, signal.SIGKILL)  # children (soffice.bin) may outlive the leader
        except ProcessLookupError:
            pass
    p.wait(timeout=10)


def run_group(cmd: list[str], timeout: float, what: str, **kw) -> None:
    """Run ``cmd`` to the end within ``timeout`` s; raise with its output if it fails."""
    p = start_group(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, **kw)
    try:
        out, _ = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        stop_group(p, grace=0)
        raise TimeoutError(f"{what}: {cmd[0]} did not finish within {timeout:g} s") from None
    if p.returncode:
        text = out.decode(errors="replace")[-2000:]
        raise RuntimeError(f"{what}: {cmd[0]} exited with {p.returncode}: {text}")
