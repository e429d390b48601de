"""The PDF: the HTML report printed by a Chromium-family browser already on the machine.

Microsoft Edge ships with Windows, and Google Chrome or Chromium is on most other desktops, so the
PDF needs nothing installed: the same HTML is printed (one source for both), with the page size,
margins and the "page x / y" footer of its print CSS, and the Chinese set in the machine's own
Chinese font (Microsoft YaHei or SimSun on every Windows 10/11, PingFang on macOS), embedded in the
PDF as a subset.  ``REMANXL_BROWSER`` names another browser's program file.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from remanxl.i18n import Msg
from remanxl.report.render import MissingPiece

#: Seconds a browser may take to print the report before it is stopped.
TIMEOUT = 120


class PrintError(RuntimeError):
    """The browser ran but gave no PDF (the message says why)."""


def _candidates(os_name: str, environ) -> list[str]:
    if os_name == "nt":
        roots = [environ.get(v) for v in ("PROGRAMFILES(X86)", "PROGRAMFILES", "LOCALAPPDATA")]
        rel = [("Microsoft", "Edge", "Application", "msedge.exe"), ("Google", "Chrome", "Application", "chrome.exe"),
               ("Chromium", "Application", "chrome.exe")]
        return [str(Path(root, *r)) for r in rel for root in roots if root]
    if os_name == "darwin":
        apps = ["Google Chrome.app/Contents/MacOS/Google Chrome", "Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
                "Chromium.app/Contents/MacOS/Chromium"]
        homes = ["/Applications", str(Path.home() / "Applications")]
        return [str(Path(h) / a) for a in apps for h in homes]
    return ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "microsoft-edge",
            "microsoft-edge-stable"]


def find_browser(environ=None, os_name: str | None = None) -> str | None:
    """The program file of a Chromium-family browser: ``REMANXL_BROWSER``, else the usual places."""
    env = os.environ if environ is None else environ
    os_name = os_name or ("nt" if os.name == "nt" else sys.platform if sys.platform == "darwin" else "posix")
    chosen = env.get("REMANXL_BROWSER")
    if chosen:
        return chosen if Path(chosen).is_file() else shutil.which(chosen)
    for candidate in _candidates(os_name, env):
        found = candidate if os.path.isabs(candidate) and Path(candidate).is_file() else shutil.which(candidate)
        if found:
            return found
    return None


def chinese_font_missing() -> bool:
    """True where the machine is known to have no Chinese font (Linux and the like, asked of fontconfig).

    Windows and macOS always have one; where fontconfig cannot be asked, nothing is claimed.
    """
    if os.name == "nt" or sys.platform == "darwin":
        return False
    fc = shutil.which("fc-list")
    if not fc:
        return False
    try:
        out = subprocess.run([fc, ":lang=zh", "family"], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return not out.strip()


def browser_command(browser: str, html: Path, pdf: Path, profile: Path) -> list[str]:
    """The command that prints ``html`` to ``pdf``: headless, a throw-away profile, no network use,
    the page's own footer instead of the browser's."""
    cmd = [browser, "--headless", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
           "--disable-extensions", "--disable-background-networking", "--disable-component-update",
           "--disable-sync", f"--user-data-dir={profile}", "--no-pdf-header-footer", f"--print-to-pdf={pdf}",
           html.resolve().as_uri()]
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # Chromium refuses to run as root with its sandbox
        cmd.insert(1, "--no-sandbox")
    return cmd


def print_pdf(html_text: str, pdf: Path, browser: str | None = None, timeout: float = TIMEOUT) -> Path:
    """Print the report's HTML to ``pdf`` (written atomically: a failure leaves any old file as it was).

    Raises :class:`MissingPiece` when no browser or no Chinese font is found, :class:`PrintError`
    when the browser gives no PDF.
    """
    browser = browser or find_browser()
    if not browser:
        raise MissingPiece(Msg("report.missing.browser"))
    if chinese_font_missing():
        raise MissingPiece(Msg("report.missing.font"))
    pdf = Path(pdf)
    with tempfile.TemporaryDirectory(prefix="remanxl-report-") as tmp:
        tmp = Path(tmp)
        page, out = tmp / "report.html", tmp / "report.pdf"
        page.write_text(html_text, encoding="utf-8")
        cmd = browser_command(browser, page, out, tmp / "profile")
        try:
            proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                                    start_new_session=os.name != "nt")
        except OSError as exc:
            raise PrintError(Msg("report.browser.failed", why=f"{browser}: {exc.strerror or exc}")) from None
        try:
            _, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _stop(proc)
            raise PrintError(Msg("report.browser.timeout", seconds=f"{timeout:g}")) from None
        if not out.is_file() or out.stat().st_size == 0:
            last = [ln for ln in err.decode("utf-8", "replace").splitlines() if ln.strip()][-1:] or [
                f"exit code {proc.returncode}"]
            raise PrintError(Msg("report.browser.failed", why=last[0][-200:]))
        staged = pdf.with_name(f".{pdf.name}.remanxl-tmp")
        try:
            shutil.copyfile(out, staged)
            os.replace(staged, pdf)
        finally:
            staged.unlink(missing_ok=True)
    return pdf


def _stop(proc: subprocess.Popen) -> None:
    """Stop the browser and the processes it started (its own process group on POSIX)."""
    try:
        if os.name == "nt":
            subprocess.run(["taskkill", "/T", "/F", "/PID", str(proc.pid)], capture_output=True, timeout=30)
        else:
            import signal

            os.killpg(proc.pid, signal.SIGKILL)
    except (OSError, subprocess.SubprocessError):
        proc.kill()
    proc.wait()
