"""How remanxl treats the files it writes: never one another program holds open, never one it did not
write unless told to, nothing of its own left behind, and the owner, mode and attributes kept.

* **Lock files.**  Excel and WPS mark an open workbook with ``~$NAME`` beside it, LibreOffice with
  ``.~lock.NAME#``.  Writing a workbook that is open loses one side's work the moment the program
  saves, so :func:`lock_file` finds the mark and the caller refuses (``--ignore-lock`` overrides,
  for a mark left by a crash).
* **Temporary files.**  A rewrite goes to ``.~remanxl-PID-XXXX.xlsx`` beside the workbook, then
  replaces it.  A run that was killed leaves one; the next run removes those whose process is gone
  (:func:`remove_stale_temporaries`).
* **What a rewrite keeps** (:func:`carry_over`): permissions, owner and group (when the process may
  set them: as root, or the group for a member of it), extended attributes (Linux; Python offers
  no portable way elsewhere).  A
  rewrite is a new file moved over the old one, so hard links to the old file keep the old content,
  and a file owned by another user becomes the writer's own when the writer is not root.
"""
from __future__ import annotations

import os
import re
import stat
import time
from pathlib import Path

from remanxl.i18n import Msg

TEMP_PREFIX = ".~remanxl-"
_TEMP = re.compile(r"^\.~remanxl-(?:(\d+)-)?[A-Za-z0-9_]+\.(?:xlsx|xlsm|csv)$")
#: A temporary file of a process that cannot be checked (Windows; a reused process number) is stale
#: after this long: writing even a plant workbook takes seconds.
STALE_AFTER_SECONDS = 3600


class FileRefused(Exception):
    """remanxl will not write ``path``; ``msg`` says why and what to do (a :class:`~remanxl.i18n.Msg`)."""

    def __init__(self, msg: Msg):
        super().__init__(msg)
        self.msg = msg


def lock_file(path: str | Path) -> tuple[Path, str] | None:
    """``(lock file, program)`` when a spreadsheet program has ``path`` open, else None.

    Excel keeps the whole name after ``~$`` (Word drops one or two leading characters of a long one:
    both are looked for); WPS does as Excel; LibreOffice writes ``.~lock.NAME#``.
    """
    path = Path(path)
    name = path.name
    candidates = [(f"~${name}", "Excel / WPS"), (f"~${name[1:]}", "Excel / WPS"), (f"~${name[2:]}", "Excel / WPS"),
                  (f".~lock.{name}#", "LibreOffice")]
    for lock, program in candidates:
        if len(lock) > 2 and (path.parent / lock).is_file():
            return path.parent / lock, program
    return None


def refuse_if_open(path: str | Path, output: str | Path | None = None) -> None:
    """Raise :class:`FileRefused` when ``path`` is held open by another program (only the file that is
    written matters: with ``output``, that one)."""
    target = Path(output) if output else Path(path)
    held = lock_file(target)
    if held is not None:
        lock, program = held
        raise FileRefused(Msg("files.locked", path=target, program=program, lock=lock.name))


def temporary_name(folder: Path, suffix: str) -> Path:
    """A new, empty temporary file beside the file it will replace, named for this process."""
    import tempfile

    fd, tmp = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-", suffix=suffix, dir=str(folder))
    os.close(fd)
    return Path(tmp)


def remove_stale_temporaries(folder: str | Path, now: float | None = None) -> list[Path]:
    """Remove the temporary files remanxl left in ``folder`` when a run was killed; return them.

    Only files named as remanxl names them, owned by this user, that are not links, whose process has
    ended (or, where that cannot be asked, older than :data:`STALE_AFTER_SECONDS`).  Never raises.
    """
    removed = []
    now = time.time() if now is None else now
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        m = _TEMP.match(entry.name)
        if not m:
            continue
        try:
            st = entry.stat(follow_symlinks=False)
            if not stat.S_ISREG(st.st_mode) or (hasattr(os, "geteuid") and st.st_uid != os.geteuid()):
                continue
            pid = int(m.group(1)) if m.group(1) else None
            if pid == os.getpid() or not _stale(pid, now - st.st_mtime):
                continue
            os.unlink(entry.path)
            removed.append(Path(entry.path))
        except OSError:
            continue
    return removed


def _stale(pid: int | None, age: float) -> bool:
    if age > STALE_AFTER_SECONDS:
        return True
    if pid is None or os.name == "nt":  # on Windows, os.kill(pid, 0) would stop the process
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # the process exists (another user's): not ours to judge
        return False
    return False


def carry_over(original: Path, new: Path) -> None:
    """Give ``new`` (about to replace ``original``) the original's owner, group, mode and extended
    attributes, as far as this process may set them."""
    st = original.stat()
    if hasattr(os, "chown"):
        try:
            new_st = new.stat()
            if (new_st.st_uid, new_st.st_gid) != (st.st_uid, st.st_gid):
                os.chown(new, st.st_uid, st.st_gid)  # root may; the file stays the real owner's
        except PermissionError:
            try:  # not root: the group at least, if this user belongs to it
                os.chown(new, -1, st.st_gid)
            except OSError:
                pass
    os.chmod(new, stat.S_IMODE(st.st_mode))  # after chown, which may clear set-id bits
    _copy_xattrs(original, new)


def _copy_xattrs(src: Path, dst: Path) -> None:
    if not hasattr(os, "listxattr"):
        return
    try:
        names = os.listxattr(src)
    except OSError:
        return
    for name in names:
        try:
            os.setxattr(dst, name, os.getxattr(src, name))
        except OSError:  # e.g. security.* set by policy, not by the user
            continue


def new_file_mode(path: Path) -> None:
    """A new file gets the permissions any file the user saves gets (0666 less the umask)."""
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(path, 0o666 & ~mask)


#: Called, when set, just before :func:`replace` moves a file into place: the command line stops taking
#: Ctrl+C there (see ``remanxl.cli``), so that an interrupt never lands between a file replaced and the
#: report that says so.
before_replace = None


def replace(tmp: Path, dst: Path) -> None:
    """Move ``tmp`` over ``dst`` after writing it to disk, with ``dst``'s owner, mode and attributes."""
    with open(tmp, "rb+") as fh:
        os.fsync(fh.fileno())
    if dst.exists():
        carry_over(dst, tmp)
    else:
        new_file_mode(tmp)
    if before_replace is not None:
        before_replace()
    os.replace(tmp, dst)


def write_atomically(dst: Path, write) -> None:
    """Call ``write(tmp_path)`` on a temporary file beside ``dst``, then move it over ``dst``; on any
    failure, ``dst`` is as it was and the temporary file is gone."""
    dst = Path(os.path.realpath(dst))
    remove_stale_temporaries(dst.parent)
    tmp = temporary_name(dst.parent, dst.suffix)
    try:
        write(tmp)
        replace(tmp, dst)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
