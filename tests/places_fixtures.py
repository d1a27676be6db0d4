"""Places fixtures: one gazetteer per test session (the build takes seconds), shared by the
service, web and CLI tests of planner/places."""

import atexit
import functools
import shutil
import tempfile
from pathlib import Path
from typing import Any

from flask import Flask

from planner.geo import build_gazetteer


@functools.cache
def built_gazetteer() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="planner-gazetteer-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = folder / "gazetteer.sqlite"
    build_gazetteer(path)
    return path


def with_gazetteer(app: Flask) -> Flask:
    """The test app with the session's gazetteer in place (so imports place contacts, too);
    each test module wraps it in its own ``places_app`` fixture."""
    app.config["GAZETTEER_PATH"] = str(built_gazetteer())
    return app


def placed(lat: float, lon: float, city: str | None = None, **fields: Any) -> dict[str, Any]:
    """Contact fields of someone placed by an import at (lat, lon)."""
    return {"lat": lat, "lon": lon, "city": city, **fields}
