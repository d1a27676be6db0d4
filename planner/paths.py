"""Where the project's files live: the checkout root and the default instance folder."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = ROOT / "instance"
MIGRATIONS_DIR = ROOT / "migrations"
TRANSLATIONS_DIR = Path(__file__).resolve().parent / "translations"
