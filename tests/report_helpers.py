"""Helpers of the report tests: read the numbers an HTML report shows, check them against a JSON output."""
from __future__ import annotations

import copy
import json
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path


class Shown(HTMLParser):
    """Every element with a ``data-src``: (file of its row or None, pointer, text shown)."""

    def __init__(self):
        super().__init__()
        self.numbers: list[tuple[str | None, str, str]] = []
        self.scripts = 0
        self._stack: list[tuple[str, str | None, str | None]] = []  # tag, src, file of the row
        self._text: list[list[str]] = []
        self._file = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script":
            self.scripts += 1
        if tag == "tr":
            self._file = a.get("data-file")
        self._stack.append((tag, a.get("data-src"), self._file))
        self._text.append([])

    def handle_endtag(self, tag):
        while self._stack:
            t, src, file = self._stack.pop()
            text = "".join(self._text.pop())
            if self._text:
                self._text[-1].append(text)
            if src is not None:
                self.numbers.append((file, src, text.strip()))
            if t == "tr":
                self._file = None
            if t == tag:
                break

    def handle_data(self, data):
        if self._text:
            self._text[-1].append(data)


def shown_numbers(html: str) -> Shown:
    p = Shown()
    p.feed(html)
    p.close()
    return p


def resolve(doc, ptr: str):
    """The value at a JSON pointer (RFC 6901)."""
    for part in ptr.split("/")[1:]:
        part = part.replace("~1", "/").replace("~0", "~")
        doc = doc[int(part)] if isinstance(doc, list) else doc[part]
    return doc


def matches(text: str, value) -> bool:
    """Whether ``text`` (as shown: ``1,234.50``, ``86.13%``, ``−3.0%``, ``—``) is ``value`` rounded as shown."""
    if value is None:
        return text == "—"
    percent = text.endswith("%")
    t = text.rstrip("%").replace(",", "").replace("−", "-")
    decimals = len(t.split(".")[1]) if "." in t else 0
    shown = float(t)
    v = value * 100 if percent else value
    return abs(shown - v) <= 0.5 * 10 ** -decimals * (1 + 1e-9) + 1e-12


def cli(*args, check_rc=None, env=None) -> subprocess.CompletedProcess:
    """``remanxl ARGS`` in a fresh process, as a user runs it."""
    import os

    proc = subprocess.run([sys.executable, "-m", "remanxl", *map(str, args)], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=300)
    if check_rc is not None:
        assert proc.returncode == check_rc, (proc.returncode, proc.stdout[-2000:], proc.stderr[-2000:])
    return proc


def evaluate_json(path: Path) -> dict | list:
    return json.loads(cli("evaluate", path, "--format", "json", "--dry-run").stdout)


def example_variants() -> dict[str, dict]:
    """Evaluation inputs of a small portfolio: the bundled engine, an OEM gearbox using more cleaning water
    than a new one (a negative SW) whose names hold markup, and a turbocharger without its estimation note."""
    import remanxl

    base = remanxl.load_example().to_dict()
    gearbox = copy.deepcopy(base)
    gearbox["settings"].update(product="Remanufactured gearbox 再制造变速箱 <script>alert(1)</script>",
                               model='GB-9 "</style><b>&amp;', remanufacturer_type="oem")
    for row in gearbox["water"]:
        if row["side"] == "reman":
            row["quantity"] *= 8
    turbo = copy.deepcopy(base)
    turbo["settings"].update(product="Turbocharger 涡轮增压器", estimation_note="")
    for row in turbo["energy"]:
        if row["side"] == "reman":
            row["quantity"] *= 3
    return {"engine": base, "gearbox": gearbox, "turbo": turbo}


def write_portfolio(folder: Path) -> Path:
    """Three product workbooks made from the template and one file that is not a workbook."""
    from remanxl.method.inputs import EvaluationInput
    from remanxl.workbook.template import build_template

    folder.mkdir(parents=True, exist_ok=True)
    for name, data in example_variants().items():
        build_template(folder / f"{name}.xlsx", EvaluationInput.from_dict(data))
    (folder / "broken.xlsx").write_bytes(b"not a zip archive")
    return folder
