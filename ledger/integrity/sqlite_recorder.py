"""The library's SQLite recorder, writing each event's tree leaf in the transaction that inserts it.

Selected by `APPLICATION_RECORDER_TOPIC` (ledger/store.py). The events table, its columns and the
library's own statements are untouched: the leaves go to tables of the ledger's own, in the same
file, so an event is never stored without its leaf, nor a leaf without its event.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import StoredEvent
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor, SQLiteDatastore

from ledger.integrity.leaves import SQLiteTreeStore
from ledger.store import waiting_for_writers


class SQLiteTreeRecorder(SQLiteApplicationRecorder):
    def __init__(self, datastore: SQLiteDatastore, events_table_name: str = "stored_events") -> None:
        super().__init__(datastore, events_table_name)
        self.tree = SQLiteTreeStore(self)
        # Columns named: a new ledger's table has one more (its explicit notification id), an older one has not.
        self.insert_events_statement = (
            f"INSERT INTO {self.events_table_name} (originator_id, originator_version, topic, state) VALUES (?,?,?,?)"
        )

    def construct_create_table_statements(self) -> list[str]:
        """A new ledger's events table numbers its events explicitly, and never reuses a number.

        The library's table takes the implicit rowid as the notification id, and SQLite gives the next
        insert max(rowid) + 1: after the last events were deleted, new ones would reuse positions a read
        model has passed. A column named `rowid` declared INTEGER PRIMARY KEY AUTOINCREMENT is that
        same rowid (the library's statements read it unchanged), numbered past every id ever used.
        A ledger made before this keeps its table as it was.
        """
        return [
            f"CREATE TABLE IF NOT EXISTS {self.events_table_name} ("
            "rowid INTEGER PRIMARY KEY AUTOINCREMENT, "
            "originator_id TEXT NOT NULL, "
            "originator_version INTEGER NOT NULL, "
            "topic TEXT, "
            "state BLOB, "
            "UNIQUE (originator_id, originator_version))"
        ]

    def create_table(self) -> None:
        waiting_for_writers(super().create_table)
        self.create_tree()

    def create_tree(self) -> None:
        """The tree's tables beside the library's (made if missing), and a log that never had a tree adopted.

        Every command that opens the log comes here. Where the tree is already made, it only reads: a
        write, even one that changes nothing, would need the write lock, and SQLite refuses a read
        transaction that asks for it while another process writes (an import) at once, without waiting."""
        with self.tree.reading() as cursor:
            made = self.tree.is_made(cursor)
        if not made:
            with self.tree.writing() as cursor:  # BEGIN IMMEDIATE: waits for another writer, up to the lock wait
                for statement in self.tree.create_statements():
                    cursor.execute(statement)
                self.tree.ensure_log_id(cursor)
        self.tree.adopt()

    def upgrade(self) -> None:
        """An existing ledger opened by a command that creates nothing: its tree tables, if it lacks them
        (a ledger written before tamper evidence existed). A file without the library's table is left alone."""
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN (?, ?)",
                           [self.events_table_name, self.tree.leaves_name])  # fmt: skip
            found = {row[0] for row in cursor.fetchall()}
        if self.events_table_name in found and self.tree.leaves_name not in found:
            self.create_tree()

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        """The library's insert (events and their leaves in one transaction), waiting for another writer a
        second at a time, so that Ctrl-C is seen while it waits (ledger.store.waiting_for_writers)."""
        return waiting_for_writers(lambda: super(SQLiteTreeRecorder, self).insert_events(stored_events, **kwargs))

    def _insert_events(self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        positions = super()._insert_events(c, stored_events, **kwargs)
        self.tree.append(c, stored_events, positions or [])
        return positions
