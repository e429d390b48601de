import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # the tests' helper modules (spec_vectors …)


@pytest.fixture(scope="session")
def lo():
    """One LibreOffice headless for the whole run; missing LibreOffice skips locally and fails on CI."""
    from remanxl.testing.libreoffice import LibreOffice, missing_reason

    reason = missing_reason()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the LibreOffice tests, but {reason}")
        pytest.skip(reason)
    with LibreOffice(timeout=120) as office:
        yield office
