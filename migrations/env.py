"""Alembic environment: the models' metadata, the URL from the app's configuration."""

from alembic import context
from sqlalchemy import pool
from sqlmodel import SQLModel

import planner.models  # noqa: F401  (registers every table on SQLModel.metadata)
from planner.db import make_engine

config = context.config
target_metadata = SQLModel.metadata


def _url() -> str:
    url = config.get_main_option("sqlalchemy.url")
    if url:
        return url
    from planner import create_app  # plain `alembic upgrade head` from the checkout

    return str(create_app().config["DATABASE_URL"])


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True,
                      render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = make_engine(_url(), poolclass=pool.NullPool)
    with engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            # A batch migration copies a table and drops the old one; with foreign keys on,
            # that drop would cascade and delete every row pointing at it (a user's contacts,
            # a contact's e-mails). Off while migrating, as Alembic's batch docs advise; the
            # pragma only works outside a transaction, hence before configure/begin.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,  # SQLite cannot ALTER most things: copy-and-move
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
