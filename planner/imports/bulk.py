"""Bulk INSERTs handed straight to the driver: executemany on SQLite, COPY on PostgreSQL.

SQLAlchemy's per-row parameter handling (a dict per row, then a bind processor call per
value) costs more than the database's own work for tens of thousands of rows. Here the
statement is built once per table, column list and dialect, only the columns whose type
needs it (UUIDs, dates, JSON on SQLite; JSON, aware timestamps on PostgreSQL) are
converted, and a value repeated on consecutive rows (owner, import, timestamp) once.
psycopg's executemany still costs a round of the protocol per row; COPY streams them.
Rows that may already be there (``skip_existing``) are an executemany with ON CONFLICT DO
NOTHING on both (COPY cannot skip a row).
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import Table
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.schema import CallableColumnDefault, ScalarElementColumnDefault
from sqlmodel import Session

Processor = Callable[[Any], Any]
_UNSET = object()

# The placeholder of each paramstyle the supported drivers use (sqlite3, psycopg).
_PLACEHOLDERS = {"qmark": "?", "format": "%s", "pyformat": "%s"}


@dataclass(frozen=True)
class _Plan:
    sql: str
    copy: bool  # ``sql`` is a COPY ... FROM STDIN (psycopg), else an INSERT for executemany
    converted: tuple[tuple[int, Processor], ...]  # given columns whose type converts values
    defaults: tuple[Any, ...]  # converted scalar defaults of the columns not given
    generated: tuple[tuple[Processor | None, Processor], ...]  # callable defaults, per row


@lru_cache(maxsize=64)
def _plan(table: Table, columns: tuple[str, ...], dialect: Dialect, skip_existing: bool) -> _Plan:
    """The statement and conversions for ``columns`` of ``table``, once per dialect."""

    def processor(name: str) -> Processor | None:
        found: Processor | None = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        return found

    scalars: list[str] = []
    generated: list[tuple[str, Processor]] = []
    for column in table.c:
        default = column.default
        if column.name in columns or default is None:
            continue
        if isinstance(default, ScalarElementColumnDefault):
            scalars.append(column.name)
        elif isinstance(default, CallableColumnDefault):
            generated.append((column.name, default.arg))
        else:
            raise ValueError(f"{table.name}.{column.name}: give a value (SQL-side default)")
    names = (*columns, *scalars, *(name for name, _make in generated))
    preparer = dialect.identifier_preparer
    target = (
        f"{preparer.format_table(table)} "
        f"({', '.join(preparer.format_column(table.c[n]) for n in names)})"
    )
    copy = dialect.name == "postgresql" and dialect.driver == "psycopg" and not skip_existing
    markers = ", ".join([_PLACEHOLDERS[dialect.paramstyle]] * len(names))
    insert = f"INSERT INTO {target} VALUES ({markers})"  # noqa: S608 - names from the model
    if skip_existing:
        insert += " ON CONFLICT DO NOTHING"
    return _Plan(
        sql=f"COPY {target} FROM STDIN" if copy else insert,
        copy=copy,
        converted=tuple((i, p) for i, name in enumerate(columns) if (p := processor(name))),
        defaults=tuple(
            _convert(processor(name), table.c[name].default.arg)  # type: ignore[union-attr]
            for name in scalars
        ),
        generated=tuple((processor(name), make) for name, make in generated),
    )


def _convert(processor: Processor | None, value: Any) -> Any:
    return value if processor is None else processor(value)


def _convert_column(processor: Processor, values: Iterable[Any]) -> list[Any]:
    """``values`` converted, a value repeated on consecutive rows only once."""
    out: list[Any] = []
    last: Any = _UNSET
    converted: Any = None
    for value in values:
        if value is not last:
            last, converted = value, processor(value)
        out.append(converted)
    return out


def insert_rows(
    session: Session,
    table: Table,
    columns: Sequence[str],
    rows: Sequence[tuple[Any, ...]],
    *,
    skip_existing: bool = False,
) -> None:
    """INSERT ``rows`` (tuples of plain Python values in ``columns`` order) into ``table``,
    completed by the column defaults SQLAlchemy would apply, in one executemany or COPY;
    ``skip_existing``: a row that breaks a unique constraint is left out, not an error."""
    if not rows:
        return
    connection = session.connection()
    plan = _plan(table, tuple(columns), connection.dialect, skip_existing)
    params: Any = rows
    if plan.converted:
        by_column: list[Any] = list(zip(*rows, strict=True))
        for index, processor in plan.converted:
            by_column[index] = _convert_column(processor, by_column[index])
        params = zip(*by_column, strict=True)
    if plan.generated:
        params = [
            (*row, *plan.defaults, *(_convert(p, make(None)) for p, make in plan.generated))
            for row in params
        ]
    elif plan.defaults:
        params = [row + plan.defaults for row in params]
    if plan.copy:
        driver_connection: Any = connection.connection.dbapi_connection
        with driver_connection.cursor() as cursor, cursor.copy(plan.sql) as copy:
            for row in params:
                copy.write_row(row)
        return
    if not isinstance(params, list):
        params = list(params)
    connection.exec_driver_sql(plan.sql, params)
