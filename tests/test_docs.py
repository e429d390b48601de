"""The README's reference tables are generated from the registries (run `python -m remanxl.docs README.md`)."""
from pathlib import Path

from remanxl.docs import render

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_tables_are_current():
    text = README.read_text(encoding="utf-8")
    assert render(text) == text, "run: python -m remanxl.docs README.md"


def test_readme_names_every_function():
    from remanxl.functions import REGISTRY

    text = README.read_text(encoding="utf-8")
    for name in REGISTRY:
        assert f"`{name}`" in text
