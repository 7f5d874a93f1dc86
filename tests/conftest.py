from pathlib import Path

import pytest

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
