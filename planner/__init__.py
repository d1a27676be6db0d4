"""Treffpunkt: turn online relationships into offline ones."""

from typing import TYPE_CHECKING, Any

from planner.paths import INSTANCE_DIR, ROOT

if TYPE_CHECKING:  # Flask is imported by create_app: the pure packages load without it
    from flask import Flask


def create_app(config: dict[str, Any] | None = None) -> "Flask":
    """Build the app: defaults < instance/config.py < environment < ``config``."""
    from flask import Flask

    from planner import config as settings
    from planner import db, extensions, web

    app = Flask(
        __name__,
        instance_path=str(settings.instance_dir(config)),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    settings.load(app, config)
    db.init_app(app)
    extensions.init_app(app)
    web.init_app(app)
    return app


__all__ = ["INSTANCE_DIR", "create_app"]
