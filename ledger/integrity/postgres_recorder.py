"""The library's PostgreSQL recorder, writing each event's tree leaf in the transaction that inserts it.

Selected by `APPLICATION_RECORDER_TOPIC` (ledger/store.py). The leaves are inserted after the
library's insert has returned the notification ids, under the table lock the library holds until
commit, so leaves are numbered in commit order. The library's events table stays as it is.
"""

from __future__ import annotations

import contextlib
import zlib
from collections.abc import Iterator, Sequence
from typing import Any

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore

from ledger.errors import StoreUnavailable
from ledger.integrity.leaves import PostgresTreeStore


class PostgresTreeRecorder(PostgresApplicationRecorder):
    def __init__(self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events") -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        if datastore.enable_db_functions:
            raise StoreUnavailable(
                "event store: POSTGRES_ENABLE_DB_FUNCTIONS inserts events in a database function that writes no tree "
                "leaves; unset it"
            )
        self.tree = PostgresTreeStore(self)

    def create_table(self) -> None:
        """The library's tables, then the tree's, one process at a time per schema.

        `CREATE TABLE IF NOT EXISTS` is not safe against itself: two sessions creating the same table
        at once fail with "tuple concurrently updated" or a duplicate type. A session-level advisory
        lock, held on a connection of its own while the library and the tree create their tables (and
        while `upgrade` looks for them), serialises them.
        """
        with self._setting_up():
            super().create_table()
            self.create_tree()

    @contextlib.contextmanager
    def _setting_up(self) -> Iterator[None]:
        lock = zlib.crc32(f"ledger-setup:{self.datastore.schema}".encode())
        with self.datastore.get_connection() as connection:
            connection.execute("SELECT pg_advisory_lock(%s)", [lock])
            try:
                yield
            finally:
                connection.execute("SELECT pg_advisory_unlock(%s)", [lock])

    def upgrade(self) -> None:
        """An existing ledger opened by a command that creates nothing: its tree tables, if it lacks them
        (a ledger written before tamper evidence existed). A schema without the library's table is left alone."""
        with self._setting_up():  # not while another process is still creating this schema's tables
            with self.tree.reading() as cursor:
                cursor.execute(
                    "SELECT to_regclass(%s), to_regclass(%s)", [self.tree.events, self.tree.table(self.tree.leaves_name)]
                )
                events, leaves = cursor.fetchone()
            if events is not None and leaves is None:
                self.create_tree()

    def create_tree(self) -> None:
        """The tree's tables beside the library's (made if missing), and a log that never had a tree adopted."""
        from psycopg.rows import tuple_row

        lock = zlib.crc32(f"ledger-tree:{self.datastore.schema}".encode())  # one set-up at a time per schema
        connect = self.datastore.get_connection
        with connect() as connection, connection.transaction(), connection.cursor(row_factory=tuple_row) as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock])
            for statement in self.tree.create_statements():
                cursor.execute(statement)
            self.tree.ensure_log_id(cursor)
        self.tree.adopt()

    def _fetch_ids_after_insert_events(
        self, curs: Any, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        positions = super()._fetch_ids_after_insert_events(curs, stored_events, **kwargs)
        from psycopg.rows import tuple_row

        connection = curs.connection
        try:
            with connection.cursor(row_factory=tuple_row) as cursor:
                self.tree.append(cursor, stored_events, positions or [])
        except BaseException:
            _abort(connection)
            raise
        return positions


def _abort(connection: Any) -> None:
    """Make the server roll the transaction back.

    The library catches any error raised while it inserts, leaves its transaction block normally
    and raises the error afterwards; a transaction the server still holds as good would then be
    committed, events without their leaves. A failing statement makes its COMMIT a rollback.
    """
    import psycopg

    with contextlib.suppress(psycopg.Error), connection.pipeline():
        connection.execute("DO $$BEGIN RAISE EXCEPTION 'ledger: the tree refused this write'; END$$")
