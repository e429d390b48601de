"""Reference tables for the README, generated from the registries so the docs cannot drift.

``python -m remanxl.docs`` prints them; ``tests/test_docs.py`` checks that the
README holds exactly what this module generates.
"""
from __future__ import annotations

from remanxl.functions import REGISTRY
from remanxl.method.indicators import INDICATORS
from remanxl.method.settings import SETTINGS

FUNCTIONS_BEGIN, FUNCTIONS_END = "<!-- functions:begin -->", "<!-- functions:end -->"
SETTINGS_BEGIN, SETTINGS_END = "<!-- settings:begin -->", "<!-- settings:end -->"
INDICATORS_BEGIN, INDICATORS_END = "<!-- indicators:begin -->", "<!-- indicators:end -->"


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def functions_table() -> str:
    rows = ["| Function | Arguments | What it returns | Example |", "|---|---|---|---|"]
    for u in REGISTRY.values():
        args = ", ".join(
            (f"[{a.name}]" if a.optional else f"{a.name}…" if a.varargs else a.name) for a in u.args)
        ranges = [a.name for a in u.args if a.takes_range]
        note = f" Ranges: {', '.join(ranges)}." if ranges and u.name not in ("REMAN_EVALUATE",) else ""
        rows.append(f"| `{u.name}` | {_cell(args)} | {_cell(u.help_en)}{_cell(note)} {_cell(u.help_zh)} | "
                    f"`{_cell(u.example)}` |")
    return "\n".join(rows)


def settings_table() -> str:
    rows = ["| Setting | Default | Options | Meaning |", "|---|---|---|---|"]
    for s in SETTINGS:
        default = "(blank)" if s.default in (None, "") else s.default
        options = ", ".join(map(str, s.options)) if s.options else s.kind
        rows.append(f"| `{s.name}` {s.label_zh} | {_cell(default)} | {_cell(options)} | {_cell(s.help)} |")
    return "\n".join(rows)


def indicators_table() -> str:
    rows = ["| # | Symbol | Indicator | 指标 | Formula | Status |", "|---|---|---|---|---|---|"]
    for i in INDICATORS:
        rows.append(f"| {i.number} | {i.symbol} | {i.name_en} | {i.name_zh} | {_cell(i.formula)} | "
                    f"**{i.status}** |" if i.status == "confirmed" else
                    f"| {i.number} | {i.symbol} | {i.name_en} | {i.name_zh} | {_cell(i.formula)} | {i.status} |")
    return "\n".join(rows)


def sections() -> dict[tuple[str, str], str]:
    return {(FUNCTIONS_BEGIN, FUNCTIONS_END): functions_table(), (SETTINGS_BEGIN, SETTINGS_END): settings_table(),
            (INDICATORS_BEGIN, INDICATORS_END): indicators_table()}


def render(readme: str) -> str:
    """``readme`` with every generated section replaced by its current content."""
    for (begin, end), body in sections().items():
        head, rest = readme.split(begin, 1)
        _, tail = rest.split(end, 1)
        readme = f"{head}{begin}\n{body}\n{end}{tail}"
    return readme


if __name__ == "__main__":
    import sys
    from pathlib import Path

    if len(sys.argv) > 1:  # python -m remanxl.docs README.md: rewrite the sections in place
        path = Path(sys.argv[1])
        path.write_text(render(path.read_text(encoding="utf-8")), encoding="utf-8")
    else:
        for body in sections().values():
            print(body, end="\n\n")
