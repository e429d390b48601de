import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # the tests' helper modules (spec_vectors …)

from spec_vectors import SPEC  # noqa: E402


def pytest_sessionstart(session):
    if not (SPEC / "vectors").is_dir():
        raise pytest.UsageError(f"the method specification is missing: expected {SPEC} (set REMANXL_SPEC)")
