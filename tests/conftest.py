import os
import sys
from pathlib import Path

import pytest
from hypothesis import settings

# CI runs the property tests on a fixed sequence of examples (`.ci/run` sets HYPOTHESIS_PROFILE=ci), so a
# landing never depends on a random draw; a developer's run explores new examples every time.
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("HYPOTHESIS_PROFILE"):
    settings.load_profile(os.environ["HYPOTHESIS_PROFILE"])

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
