"""Pages of stored events, read straight from the event store into Arrow tables for the projector.

The library's `select_notifications` builds a Python object per event, which costs more than the
read itself; instead each store kind is asked for plain columns over the library's own connection
pool. A store this module does not know falls back to the library.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from typing import TYPE_CHECKING, Any

from ledger.errors import StoreUnavailable
from ledger.store import store_kind

if TYPE_CHECKING:
    import pyarrow as pa
    from eventsourcing.application import Application


@cache
def page_schema() -> pa.Schema:
    import pyarrow as pa  # here, not at the top: a read with nothing to catch up never needs it (~0.35 s to import)

    return pa.schema(
        [
            ("position", pa.int64()),
            ("aggregate_id", pa.string()),  # the UUID as the store keeps it: 32 hex digits or hyphenated
            ("aggregate_version", pa.int32()),
            ("topic", pa.string()),
            ("state", pa.string()),  # the stored JSON
        ]
    )


# Up to `limit` events after position `after`, and not past `stop`, as a table in page_schema().
ReadPage = Callable[[int, "int | None", int], "pa.Table"]

NO_STOP = 2**63 - 1


def pages(app: Application[Any], after: int, stop: int | None, page_size: int) -> Iterator[pa.Table]:
    """Every event after position `after` up to `stop`, in order, `page_size` at a time.

    The next page is read on a worker thread while the caller projects this one: DuckDB releases
    the GIL as it runs, so reading and projecting overlap. At most two pages are held at once.
    """
    unread = _pages(reader(app), after, stop, page_size)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="ledger-read") as worker:
        ahead = worker.submit(next, unread, None)
        while (page := ahead.result()) is not None:
            ahead = worker.submit(next, unread, None)
            yield page


def _pages(read: ReadPage, after: int, stop: int | None, page_size: int) -> Iterator[pa.Table]:
    while (page := read(after, stop, page_size)).num_rows:
        after = page["position"][-1].as_py()
        yield page


def reader(app: Application[Any]) -> ReadPage:
    """How to read pages from this application's event store."""
    if app.mapper.compressor is not None or app.mapper.cipher is not None:
        # The projection parses the stored JSON itself, so it cannot see through these.
        raise StoreUnavailable(
            "event store: states are compressed or encrypted, which the read model cannot project; "
            "unset COMPRESSOR_TOPIC and CIPHER_TOPIC"
        )
    recorder: Any = app.recorder
    kind = store_kind(recorder)
    if kind == "sqlite":
        return _sqlite_reader(recorder)
    if kind == "postgresql":
        return _postgres_reader(recorder)
    return _library_reader(recorder)


def page_table(rows: Sequence[Sequence[Any]]) -> pa.Table:
    """Rows of (position, aggregate id, version, topic, state bytes) as one Arrow table."""
    import pyarrow as pa

    return pa.Table.from_arrays(
        [
            pa.array([r[0] for r in rows], pa.int64()),
            pa.array([r[1] for r in rows], pa.string()),
            pa.array([r[2] for r in rows], pa.int32()),
            pa.array([r[3] for r in rows], pa.string()),
            # States are UTF-8 JSON bytes: Arrow checks the encoding as it copies them, with no per-row str.
            pa.array([r[4] for r in rows], pa.string()),
        ],
        schema=page_schema(),
    )


def _sqlite_reader(recorder: Any) -> ReadPage:
    select = (
        f"SELECT rowid, originator_id, originator_version, topic, state FROM {recorder.events_table_name} "
        "WHERE rowid > ? AND rowid <= ? ORDER BY rowid LIMIT ?"
    )

    def read(after: int, stop: int | None, limit: int) -> pa.Table:
        with recorder.datastore.transaction(commit=False) as cursor:
            cursor.sqlite_cursor.row_factory = None  # plain tuples: the pool's sqlite3.Row costs more than the read
            cursor.execute(select, (after, NO_STOP if stop is None else stop, limit))
            return page_table(cursor.fetchall())

    return read


def _postgres_reader(recorder: Any) -> ReadPage:
    from psycopg.rows import tuple_row
    from psycopg.sql import SQL, Identifier

    select = SQL(
        "SELECT notification_id, originator_id::text, originator_version, topic, state FROM {schema}.{table} "
        "WHERE notification_id > %s AND notification_id <= %s ORDER BY notification_id LIMIT %s"
    ).format(schema=Identifier(recorder.datastore.schema), table=Identifier(recorder.events_table_name))

    def read(after: int, stop: int | None, limit: int) -> pa.Table:
        with recorder.datastore.get_connection() as connection, connection.cursor(row_factory=tuple_row) as cursor:
            cursor.execute(select, (after, NO_STOP if stop is None else stop, limit), prepare=True)
            return page_table(cursor.fetchall())

    return read


def _library_reader(recorder: Any) -> ReadPage:
    def read(after: int, stop: int | None, limit: int) -> pa.Table:
        notifications = recorder.select_notifications(after, limit, stop, inclusive_of_start=False)
        return page_table([(n.id, str(n.originator_id), n.originator_version, n.topic, n.state) for n in notifications])

    return read

