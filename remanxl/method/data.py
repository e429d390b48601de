"""The text of a data file bundled with the method (``remanxl/method/data``)."""
from __future__ import annotations

import os


def read_data(name: str) -> str:
    """``data/NAME`` as text: read from the package's folder (``importlib.resources``, which also reads a
    zipped package, costs a few milliseconds of imports at every start, so it is only the fallback)."""
    try:
        with open(os.path.join(os.path.dirname(__file__), "data", name), encoding="utf-8") as fh:
            return fh.read()
    except (FileNotFoundError, NotADirectoryError):  # a package that is not a folder on disk
        from importlib import resources

        return resources.files("remanxl.method").joinpath("data", name).read_text(encoding="utf-8")
