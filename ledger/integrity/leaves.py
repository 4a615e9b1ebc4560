"""The stored leaf hashes beside the event log, in the same database (a SQLite file, a PostgreSQL schema).

Tables of the ledger's own, beside the library's (which stay as they are):

    ledger_tree_leaves  idx (0-based tree index), position (the log's notification id), the event's
                        originator id and version and topic (to name what moved or went missing),
                        hash (its RFC 9162 leaf hash)
    ledger_tree_fills   spans of leaves computed from the log, not by the process that wrote the
                        events: events written by an older ledger, or inserted outside the ledger
    ledger_tree_meta    the log's id, from which checkpoints take their origin

A leaf is written in the same transaction as its event (ledger/integrity/recorders.py), from the
event as the writer stored it. A position that has a leaf never gets another: verification
recomputes leaves from the log and compares, so a later edit of the log shows. Events found
without leaves are given leaves from the log ("filled") the next time the tree is written or read,
and the span is recorded, so verification can say which leaves no writer vouched for.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
from collections.abc import Iterator, Sequence
from typing import Any

import attrs

from ledger.integrity.encoding import id_bytes, leaf_hash, leaf_row
from ledger.integrity.errors import VERIFY_HINT, LogTampered
from ledger.integrity.merkle import CompactRange
from ledger.store import waiting_for_writers

CHECKPOINT_TOPIC = "ledger:Checkpoint.Signed"
PAGE = 10_000  # events read per query when filling or verifying

LEAVES, FILLS, META = "ledger_tree_leaves", "ledger_tree_fills", "ledger_tree_meta"
CHECKPOINT_INDEX = f"{LEAVES}_checkpoints"


@attrs.frozen
class Leaf:
    idx: int
    position: int
    originator_id: bytes
    version: int
    topic: str
    hash: bytes


@attrs.frozen
class Fill:
    first_idx: int
    last_idx: int
    first_position: int
    last_position: int
    filled_at: str
    adopted: bool  # the first leaves of a log that had none: written before tamper evidence existed


@attrs.frozen
class RawEvent:
    """A row of the library's events table, as stored."""

    position: int
    originator_id: Any
    version: Any
    topic: Any
    state: Any

    def leaf_hash(self) -> bytes:
        return leaf_hash(self.position, self.originator_id, self.version, self.topic, self.state)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat().replace("+00:00", "Z")


class TreeStore:
    """SQL over the leaf tables and the library's events table, for one store kind (see `for_recorder`)."""

    position_column = "rowid"
    blob = "BLOB"
    key = "INTEGER PRIMARY KEY"  # SQLite: the rowid itself, not one more index to keep on every insert

    def __init__(self, recorder: Any) -> None:
        self.recorder = recorder
        self.roots_checked: set[tuple[int, bytes]] = set()  # (size, root) the stored tree was found to have
        self.events = self.table(recorder.events_table_name)
        self.names = {"leaves": self.table(LEAVES), "fills": self.table(FILLS), "meta": self.table(META),
                      "events": self.events, "position": self.position_column}  # fmt: skip

    leaves_name = LEAVES

    def table(self, name: str) -> str:
        return name

    def sql(self, template: str) -> str:
        return template.format(**self.names)

    def create_statements(self) -> list[str]:
        return [
            self.sql(
                f"CREATE TABLE IF NOT EXISTS {{leaves}} (idx {self.key}, position BIGINT NOT NULL UNIQUE, "
                f"originator_id {self.blob} NOT NULL, originator_version BIGINT NOT NULL, topic TEXT NOT NULL, "
                f"hash {self.blob} NOT NULL)"
            ),
            self.sql(f"CREATE INDEX IF NOT EXISTS {CHECKPOINT_INDEX} ON {{leaves}} (idx) WHERE topic = '{CHECKPOINT_TOPIC}'"),
            self.sql(
                "CREATE TABLE IF NOT EXISTS {fills} (first_idx BIGINT PRIMARY KEY, last_idx BIGINT NOT NULL, "
                "first_position BIGINT NOT NULL, last_position BIGINT NOT NULL, filled_at TEXT NOT NULL, "
                "adopted BOOLEAN NOT NULL)"
            ),
            self.sql("CREATE TABLE IF NOT EXISTS {meta} (name TEXT PRIMARY KEY, value TEXT NOT NULL)"),
        ]

    # Connections: subclasses give a cursor whose execute takes '?' placeholders.

    def reading(self) -> contextlib.AbstractContextManager[Any]:
        raise NotImplementedError

    def writing(self) -> contextlib.AbstractContextManager[Any]:
        """A transaction that holds the log's write lock: no event is written meanwhile."""
        raise NotImplementedError

    def run(self, cursor: Any, template: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """The rows of a query (plain tuples, whatever the cursor's row factory)."""
        cursor.execute(self.sql(template), list(params))
        return [tuple(row.values()) if isinstance(row, dict) else tuple(row) for row in cursor.fetchall()]

    def execute(self, cursor: Any, template: str, params: Sequence[Any] = ()) -> None:
        cursor.execute(self.sql(template), list(params))

    def execute_many(self, cursor: Any, template: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            cursor.executemany(self.sql(template), [list(r) for r in rows])

    # Reading.

    def last_leaf(self, cursor: Any) -> tuple[int, int] | None:
        """(idx, position) of the last leaf, None when there is none."""
        row = self.run(cursor, "SELECT idx, position FROM {leaves} ORDER BY idx DESC LIMIT 1")
        return (int(row[0][0]), int(row[0][1])) if row else None

    def log_end(self, cursor: Any) -> int:
        row = self.run(cursor, "SELECT max({position}) FROM {events}")
        return int(row[0][0]) if row and row[0][0] is not None else 0

    def events_between(self, cursor: Any, after: int, before: int | None = None, limit: int = PAGE) -> list[RawEvent]:
        """Stored events with after < position (< before), in log order, at most `limit`."""
        rows = self.run(
            cursor,
            "SELECT {position}, originator_id, originator_version, topic, state FROM {events} "
            "WHERE {position} > ? AND {position} < ? ORDER BY {position} LIMIT ?",
            [after, 2**63 - 1 if before is None else before, limit],
        )
        return [RawEvent(int(r[0]), r[1], r[2], r[3], bytes(r[4]) if isinstance(r[4], memoryview) else r[4]) for r in rows]

    def event_rows(self, cursor: Any, after: int, before: int, limit: int = PAGE) -> list[tuple[Any, ...]]:
        """(position, id, version, topic, state) of the stored events with after < position < before, as stored."""
        cursor.execute(
            self.sql(
                "SELECT {position}, originator_id, originator_version, topic, state FROM {events} "
                "WHERE {position} > ? AND {position} < ? ORDER BY {position} LIMIT ?"
            ),
            [after, before, limit],
        )
        return [tuple(r) for r in cursor.fetchall()]

    def leaf_rows(self, cursor: Any, after: int, stop: int, limit: int = PAGE) -> list[tuple[Any, ...]]:
        """(idx, position, id, version, topic, hash) of the leaves with after < position <= stop."""
        cursor.execute(
            self.sql(
                "SELECT idx, position, originator_id, originator_version, topic, hash FROM {leaves} "
                "WHERE position > ? AND position <= ? ORDER BY position LIMIT ?"
            ),
            [after, stop, limit],
        )
        return [tuple(r) for r in cursor.fetchall()]

    def leaf_rows_by_idx(self, cursor: Any, start: int, end: int) -> list[tuple[int, int, bytes]]:
        """(idx, position, hash) of leaves start .. end-1, in tree order."""
        cursor.execute(self.sql("SELECT idx, position, hash FROM {leaves} WHERE idx >= ? AND idx < ? ORDER BY idx"), [start, end])
        return [(r[0], r[1], bytes(r[2])) for r in cursor.fetchall()]

    def position_hashes(self, cursor: Any, after: int, stop: int, limit: int = PAGE) -> list[tuple[int, bytes]]:
        """(position, hash) of the leaves with after < position <= stop: what the read model's gate compares."""
        cursor.execute(
            self.sql("SELECT position, hash FROM {leaves} WHERE position > ? AND position <= ? ORDER BY position LIMIT ?"),
            [after, stop, limit],
        )
        return [(r[0], bytes(r[1])) for r in cursor.fetchall()]

    def joined_hashes(self, cursor: Any, after: int, stop: int) -> tuple[str, bytes]:
        """The leaves with after < position <= stop as one row: their positions joined by commas, and their
        hashes end to end, both in position order. A page's leaves as rows cost a Python object each,
        and the store's driver lets go of the GIL and takes it again for every row, which the threads
        projecting beside it make wait; one row is read in one step."""
        cursor.execute(self.sql(self.JOINED_HASHES), [after, stop])
        positions, hashes = cursor.fetchone()
        return positions or "", self.hash_bytes(hashes)

    # SQLite before 3.44 orders no aggregate; the rows reach it in the subquery's order, and the caller
    # holds the joined positions to the page's, so an order not by position can only fail the check.
    JOINED_HASHES = (
        "SELECT group_concat(position, ','), group_concat(hex(hash), '') FROM "
        "(SELECT position, hash FROM {leaves} WHERE position > ? AND position <= ? ORDER BY position)"
    )

    @staticmethod
    def hash_bytes(joined: Any) -> bytes:
        return bytes.fromhex(joined) if joined else b""

    def leaves_page(self, cursor: Any, after_position: int, stop_position: int | None = None, limit: int = PAGE) -> list[Leaf]:
        rows = self.run(
            cursor,
            "SELECT idx, position, originator_id, originator_version, topic, hash FROM {leaves} "
            "WHERE position > ? AND position <= ? ORDER BY position LIMIT ?",
            [after_position, 2**63 - 1 if stop_position is None else stop_position, limit],
        )
        return [Leaf(int(r[0]), int(r[1]), bytes(r[2]), int(r[3]), str(r[4]), bytes(r[5])) for r in rows]

    def leaves_by_idx(self, cursor: Any, start: int, end: int) -> list[Leaf]:
        """Leaves start .. end-1, in tree order."""
        rows = self.run(
            cursor,
            "SELECT idx, position, originator_id, originator_version, topic, hash FROM {leaves} "
            "WHERE idx >= ? AND idx < ? ORDER BY idx",
            [start, end],
        )
        return [Leaf(int(r[0]), int(r[1]), bytes(r[2]), int(r[3]), str(r[4]), bytes(r[5])) for r in rows]

    def leaf_hashes(self, cursor: Any, start: int, end: int) -> list[bytes]:
        """The hashes of leaves start .. end-1 in tree order; fewer when some are missing."""
        rows = self.run(cursor, "SELECT hash FROM {leaves} WHERE idx >= ? AND idx < ? ORDER BY idx", [start, end])
        return [bytes(r[0]) for r in rows]

    def stored_root(self, cursor: Any, size: int) -> bytes | None:
        """The root of the stored leaves 0 .. size-1, streamed; None when a leaf is missing."""
        compact = CompactRange()
        while compact.size < size:
            end = min(size, compact.size + 100_000)
            hashes = self.leaf_hashes(cursor, compact.size, end)
            if len(hashes) != end - compact.size:
                return None
            compact.extend(hashes)
        return compact.root()

    def leaf_at(self, cursor: Any, position: int) -> Leaf | None:
        found = self.leaves_page(cursor, position - 1, position, 1)
        return found[0] if found and found[0].position == position else None

    def checkpoint_leaves(self, cursor: Any) -> list[Leaf]:
        rows = self.run(
            cursor,
            "SELECT idx, position, originator_id, originator_version, topic, hash FROM {leaves} "
            f"WHERE topic = '{CHECKPOINT_TOPIC}' ORDER BY idx",
        )
        return [Leaf(int(r[0]), int(r[1]), bytes(r[2]), int(r[3]), str(r[4]), bytes(r[5])) for r in rows]

    def fills(self, cursor: Any) -> list[Fill]:
        rows = self.run(
            cursor,
            "SELECT first_idx, last_idx, first_position, last_position, filled_at, adopted FROM {fills} ORDER BY first_idx",
        )
        return [Fill(int(r[0]), int(r[1]), int(r[2]), int(r[3]), str(r[4]), bool(r[5])) for r in rows]

    def log_id(self, cursor: Any) -> str | None:
        row = self.run(cursor, "SELECT value FROM {meta} WHERE name = 'log_id'")
        return str(row[0][0]) if row else None

    def ensure_log_id(self, cursor: Any) -> str:
        self.execute(
            cursor, "INSERT INTO {meta} (name, value) VALUES ('log_id', ?) ON CONFLICT (name) DO NOTHING", [uuid.uuid4().hex]
        )
        found = self.log_id(cursor)
        assert found is not None
        return found

    # Writing, inside a transaction that holds the log's write lock.

    def append(self, cursor: Any, events: Sequence[Any], positions: Sequence[int]) -> None:
        """Leaves for events just inserted at `positions` (the writer's own transaction), after filling any gap."""
        if not positions:
            return
        last = self.last_leaf(cursor)
        if last is not None and positions[0] <= last[1]:
            raise LogTampered(
                f"event log: a new event was given position {positions[0]}, which the tree already holds; "
                f"events were deleted from the end of the log, so nothing was recorded; {VERIFY_HINT}"
            )
        idx = self._fill(cursor, last, before=positions[0])
        rows = []
        for event, position in zip(events, positions, strict=True):
            ident, digest = leaf_row(position, event.originator_id, event.originator_version, event.topic, event.state)
            rows.append((idx, position, ident, event.originator_version, event.topic, digest))
            idx += 1
        self._insert(cursor, rows)

    def fill(self, cursor: Any) -> Fill | None:
        """Leaves from the log for every event after the last leaf; the span recorded, or None when there was none."""
        last = self.last_leaf(cursor)
        start = 0 if last is None else last[0] + 1
        end = self._fill(cursor, last, before=None)
        return self.fills(cursor)[-1] if end > start else None

    def _fill(self, cursor: Any, last: tuple[int, int] | None, before: int | None) -> int:
        """Fill the events after `last` (and before position `before`); returns the next free idx."""
        idx, after = (0, 0) if last is None else (last[0] + 1, last[1])
        if before is not None and before == after + 1:
            return idx  # no room for a gap: the usual case on SQLite
        first = idx
        first_position = last_position = None
        while events := self.events_between(cursor, after, before):
            rows = []
            for event in events:
                ident, _ = id_bytes(event.originator_id)
                version = event.version if isinstance(event.version, int) else -1
                rows.append((idx, event.position, ident, version, str(event.topic), event.leaf_hash()))
                idx += 1
            self._insert(cursor, rows)
            first_position = events[0].position if first_position is None else first_position
            last_position = after = events[-1].position
        if idx > first:
            self.execute(
                cursor,
                "INSERT INTO {fills} (first_idx, last_idx, first_position, last_position, filled_at, adopted) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [first, idx - 1, first_position, last_position, _now(), first == 0],
            )
        return idx

    def _insert(self, cursor: Any, rows: Sequence[Sequence[Any]]) -> None:
        self.execute_many(
            cursor,
            "INSERT INTO {leaves} (idx, position, originator_id, originator_version, topic, hash) VALUES (?, ?, ?, ?, ?, ?)",
            rows,
        )

    def adopt(self) -> Fill | None:
        """Give leaves to a log that never had a tree (written before tamper evidence existed), once.

        A log that holds checkpoints had a tree: if its leaves are gone, they are not made again from
        the log as it now is (that would vouch for whatever it now holds); verification says so instead.
        """
        with self.reading() as cursor:
            if self.last_leaf(cursor) is not None or not self.log_end(cursor):
                return None
            had_tree = self.run(cursor, "SELECT 1 FROM {events} WHERE topic = ? LIMIT 1", [CHECKPOINT_TOPIC])
        if had_tree:
            return None
        with self.writing() as cursor:
            return self.fill(cursor) if self.last_leaf(cursor) is None else None

    def fill_if_behind(self) -> Fill | None:
        """Give leaves to events written without them, if any; cheap when there are none."""
        with self.reading() as cursor:
            last = self.last_leaf(cursor)
            if self.log_end(cursor) <= (last[1] if last else 0):
                return None
        with self.writing() as cursor:
            return self.fill(cursor)


class SQLiteTreeStore(TreeStore):
    def is_made(self, cursor: Any) -> bool:
        """Whether every table and index `create_statements` makes is there, and the log has its id."""
        names = [LEAVES, FILLS, META, CHECKPOINT_INDEX]
        made = self.run(cursor, f"SELECT count(*) FROM sqlite_master WHERE name IN ({', '.join('?' * len(names))})", names)
        return made[0][0] == len(names) and self.log_id(cursor) is not None

    @contextlib.contextmanager
    def reading(self) -> Iterator[Any]:
        with self.recorder.datastore.transaction(commit=False) as cursor:
            cursor.sqlite_cursor.row_factory = None  # plain tuples: the pool's sqlite3.Row costs more than the read
            yield cursor

    @contextlib.contextmanager
    def writing(self) -> Iterator[Any]:
        # BEGIN IMMEDIATE takes the write lock first: a deferred transaction that reads, then writes,
        # fails at once in WAL mode when another writer committed in between.
        with self.recorder.datastore.get_connection(commit=True) as connection:
            cursor = connection.cursor()
            waiting_for_writers(lambda: cursor.execute("BEGIN IMMEDIATE"))
            try:
                yield cursor
            except BaseException:
                connection.rollback()
                raise
            connection.commit()


class PostgresTreeStore(TreeStore):
    position_column = "notification_id"
    blob = "BYTEA"
    key = "BIGINT PRIMARY KEY"
    JOINED_HASHES = (
        "SELECT string_agg(position::text, ',' ORDER BY position), string_agg(hash, ''::bytea ORDER BY position) "
        "FROM {leaves} WHERE position > ? AND position <= ?"
    )

    @staticmethod
    def hash_bytes(joined: Any) -> bytes:
        return bytes(joined) if joined else b""

    def table(self, name: str) -> str:
        return f'"{self.recorder.datastore.schema}"."{name}"'

    def sql(self, template: str) -> str:
        return super().sql(template).replace("?", "%s")

    @contextlib.contextmanager
    def reading(self) -> Iterator[Any]:
        from psycopg.rows import tuple_row

        with self.recorder.datastore.get_connection() as connection, connection.cursor(row_factory=tuple_row) as cursor:
            yield cursor

    @contextlib.contextmanager
    def writing(self) -> Iterator[Any]:
        from psycopg.rows import tuple_row

        connect = self.recorder.datastore.get_connection
        with connect() as connection, connection.transaction(), connection.cursor(row_factory=tuple_row) as cursor:
            # The lock the library's writers take: no event is inserted while the leaves are filled.
            cursor.execute(f"LOCK TABLE {self.events} IN EXCLUSIVE MODE")
            yield cursor


def for_recorder(recorder: Any) -> TreeStore | None:
    """The tree store of this recorder; None for one that keeps no tree (the library's own, in memory or not)."""
    tree = getattr(recorder, "tree", None)
    return tree if isinstance(tree, TreeStore) else None
