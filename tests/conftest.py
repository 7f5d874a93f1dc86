from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Property tests check results, not speed: on a loaded machine drawing inputs can be slow
# and one example can take long, so neither the too_slow health check nor a per-example
# deadline applies here.
settings.register_profile("induct", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("induct")

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def lists_library():
    from induct.dsl import load_library

    return load_library("lists")


@pytest.fixture(scope="session")
def text_library():
    from induct.dsl import load_library

    return load_library("text")


def shared_data(*parts: str) -> Path:
    p = SHARED_DATA.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"shared data {p} not available")
    return p
