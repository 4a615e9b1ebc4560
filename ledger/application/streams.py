"""Read the stored events of many aggregates with one query, where the library would send one per aggregate.

An import looks up every claim series, incident and document it names; one SELECT per id (an
empty one for each new series) took nearly half its time. The query reads the library's own table, so
it follows the table and id formats of `eventsourcing.sqlite` and `eventsourcing.postgres`; other
recorders (the in-memory one) are asked id by id.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Collection, Iterator
from typing import Any

from eventsourcing.persistence import AggregateRecorder, StoredEvent

from ledger.store import store_kind

CHUNK = 500  # ids per query: well under SQLite's limit on bound parameters


def select_streams(recorder: AggregateRecorder, ids: Collection[uuid.UUID]) -> dict[uuid.UUID, list[StoredEvent]]:
    """The stored events of each id that has any, in version order; ids without events are left out."""
    found: defaultdict[uuid.UUID, list[StoredEvent]] = defaultdict(list)
    wanted = list(ids)
    for start in range(0, len(wanted), CHUNK):
        for event in _select(recorder, wanted[start : start + CHUNK]):
            found[event.originator_id].append(event)  # type: ignore[index]
    return dict(found)


def _select(recorder: AggregateRecorder, ids: list[uuid.UUID]) -> Iterator[StoredEvent]:
    kind = store_kind(recorder)
    if kind and recorder.datastore.originator_id_type == "uuid":  # type: ignore[attr-defined]
        yield from (_select_sqlite if kind == "sqlite" else _select_postgres)(recorder, ids)
        return
    for aggregate_id in ids:
        yield from recorder.select_events(aggregate_id)


def _select_sqlite(recorder: object, ids: list[uuid.UUID]) -> Iterator[StoredEvent]:
    # The library stores a uuid as its 32 hex digits in a TEXT column.
    asked = {i.hex: i for i in ids}  # each row's id is one of these: looked up, not parsed again
    statement = (
        f"SELECT originator_id, originator_version, topic, state FROM {recorder.events_table_name} "  # type: ignore[attr-defined]
        f"WHERE originator_id IN ({','.join('?' * len(asked))}) ORDER BY originator_id, originator_version"
    )
    with recorder.datastore.transaction(commit=False) as cursor:  # type: ignore[attr-defined]
        cursor.execute(statement, list(asked))
        rows = cursor.fetchall()
    for originator_id, version, topic, state in rows:
        yield StoredEvent(asked.get(originator_id) or uuid.UUID(originator_id), version, topic, state)


def _select_postgres(recorder: object, ids: list[uuid.UUID]) -> Iterator[StoredEvent]:
    from psycopg.sql import SQL, Identifier

    statement = SQL(
        "SELECT originator_id, originator_version, topic, state FROM {schema}.{table} "
        "WHERE originator_id = ANY(%s) ORDER BY originator_id, originator_version"
    ).format(schema=Identifier(recorder.datastore.schema), table=Identifier(recorder.events_table_name))  # type: ignore[attr-defined]
    with recorder.datastore.get_connection() as connection, connection.cursor() as cursor:  # type: ignore[attr-defined]
        cursor.execute(statement, [ids])  # as the library's select_events: no transaction, one statement
        rows = cursor.fetchall()
    for row in rows:
        yield StoredEvent(row["originator_id"], row["originator_version"], row["topic"], bytes(row["state"]))


def stream_positions(app: Any, aggregate_id: Any) -> list[tuple[int | None, str, bytes]]:
    """(position, topic, state) of one aggregate's events, in version order: a primary-key read.

    A store this module does not know gives no positions (None): its events count as already written."""
    recorder: Any = app.recorder
    kind = store_kind(recorder)
    if kind == "sqlite":
        key = aggregate_id.hex if recorder.datastore.originator_id_type == "uuid" else str(aggregate_id)
        with recorder.datastore.transaction(commit=False) as cursor:
            cursor.execute(
                f"SELECT rowid, topic, state FROM {recorder.events_table_name} WHERE originator_id = ? "
                "ORDER BY originator_version",
                [key],
            )
            return [(row[0], row[1], bytes(row[2])) for row in cursor.fetchall()]
    if kind == "postgresql":
        from psycopg.rows import tuple_row
        from psycopg.sql import SQL, Identifier

        select = SQL(
            "SELECT notification_id, topic, state FROM {schema}.{table} WHERE originator_id = %s ORDER BY originator_version"
        ).format(schema=Identifier(recorder.datastore.schema), table=Identifier(recorder.events_table_name))
        with recorder.datastore.get_connection() as connection, connection.cursor(row_factory=tuple_row) as cursor:
            cursor.execute(select, [aggregate_id])
            return [(row[0], row[1], bytes(row[2])) for row in cursor.fetchall()]
    return [(None, s.topic, s.state) for s in recorder.select_events(aggregate_id)]
