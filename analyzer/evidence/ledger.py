"""The evidence ledger: an append-only, hash-chained table of change records.

Each entry stores the previous entry's hash, so an edited, deleted, inserted or reordered
entry breaks the chain; a head row (updated in the same transaction as every append) makes
truncation visible too. Same SQL schema on SQLite (the embedded default) and PostgreSQL (many
repositories' CI writing to one place). Appends are serialised by the database: SQLite's
``BEGIN IMMEDIATE`` write lock, PostgreSQL's row lock on the head (``SELECT ... FOR UPDATE``).

An attacker with write access to the database can still rewrite the whole chain; compare
``tfattest evidence verify``'s head hash with one kept elsewhere (``--expect-head``, e.g. from
the CI log of the last run) to rule that out.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
from dataclasses import dataclass

from analyzer.evidence.record import canonical_bytes, record_hash

GENESIS = "0" * 64
SCHEMA = (
    """CREATE TABLE IF NOT EXISTS tfattest_ledger (
        seq BIGINT PRIMARY KEY,
        record_sha256 TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        entry_hash TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL,
        repository TEXT,
        commit_sha TEXT,
        exit_code INTEGER,
        record TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS tfattest_ledger_head (
        id INTEGER PRIMARY KEY,
        seq BIGINT NOT NULL,
        entry_hash TEXT NOT NULL
    )""",
)


def entry_hash(seq: int, prev_hash: str, record_sha256: str, record_text: str) -> str:
    text_hash = hashlib.sha256(record_text.encode("utf-8")).hexdigest()
    return hashlib.sha256(f"{seq}|{prev_hash}|{record_sha256}|{text_hash}".encode()).hexdigest()


@dataclass(frozen=True)
class Entry:
    seq: int
    record_sha256: str
    prev_hash: str
    entry_hash: str
    created_at: str
    repository: str | None
    commit_sha: str | None
    exit_code: int | None
    record: str

    def document(self) -> dict:
        return json.loads(self.record)


@dataclass(frozen=True)
class Verification:
    ok: bool
    entries: int
    head: str
    first_broken: int | None = None
    message: str = "chain intact"


@dataclass(frozen=True)
class Dialect:
    placeholder: str
    lock_head: str  # reads the head and holds the append lock until commit
    begin: str | None  # opens a write transaction (SQLite); psycopg opens one by itself


SQLITE = Dialect("?", "SELECT seq, entry_hash FROM tfattest_ledger_head WHERE id = 1", "BEGIN IMMEDIATE")
POSTGRESQL = Dialect("%s", "SELECT seq, entry_hash FROM tfattest_ledger_head WHERE id = 1 FOR UPDATE", None)


class Ledger:
    """A DB-API connection plus its dialect; ``open_ledger`` picks them from the location."""

    def __init__(self, connection, dialect: Dialect):
        self._connection = connection
        self._dialect = dialect
        p = dialect.placeholder
        with self._transaction() as cursor:
            for statement in SCHEMA:
                cursor.execute(statement)
            cursor.execute(f"SELECT COUNT(*) FROM tfattest_ledger_head WHERE id = {p}", (1,))
            if cursor.fetchone()[0] == 0:
                cursor.execute(f"INSERT INTO tfattest_ledger_head (id, seq, entry_hash) VALUES ({p}, {p}, {p})",
                               (1, 0, GENESIS))

    @contextlib.contextmanager
    def _transaction(self):
        cursor = self._connection.cursor()
        if self._dialect.begin:
            cursor.execute(self._dialect.begin)
        try:
            yield cursor
        except BaseException:
            self._connection.rollback()
            raise
        self._connection.commit()

    def append(self, record: dict) -> Entry:
        """Append one record (its canonical text) while holding the lock on the chain head."""
        text = canonical_bytes(record).decode("utf-8")
        digest = record_hash(record)
        context = record.get("context") or {}
        p = self._dialect.placeholder
        with self._transaction() as cursor:
            cursor.execute(self._dialect.lock_head)
            seq, prev = cursor.fetchone()
            seq = int(seq) + 1
            new_hash = entry_hash(seq, prev, digest, text)
            row = (seq, digest, prev, new_hash, record.get("created_at", ""), context.get("repository"),
                   context.get("commit"), record.get("exit_code"), text)
            cursor.execute(
                "INSERT INTO tfattest_ledger (seq, record_sha256, prev_hash, entry_hash, created_at, repository, "
                f"commit_sha, exit_code, record) VALUES ({', '.join([p] * 9)})", row)
            cursor.execute(f"UPDATE tfattest_ledger_head SET seq = {p}, entry_hash = {p} WHERE id = {p}",
                           (seq, new_hash, 1))
        return Entry(*row)

    def entries(self) -> list[Entry]:
        with self._transaction() as cursor:
            cursor.execute("SELECT seq, record_sha256, prev_hash, entry_hash, created_at, repository, commit_sha, "
                           "exit_code, record FROM tfattest_ledger ORDER BY seq")
            return [Entry(int(r[0]), *r[1:]) for r in cursor.fetchall()]

    def head(self) -> tuple[int, str]:
        with self._transaction() as cursor:
            cursor.execute("SELECT seq, entry_hash FROM tfattest_ledger_head WHERE id = 1")
            seq, digest = cursor.fetchone()
        return int(seq), digest

    def verify(self, expect_head: str | None = None) -> Verification:
        entries = self.entries()
        prev, expected_seq = GENESIS, 1
        for entry in entries:
            problem = _entry_problem(entry, expected_seq, prev)
            if problem:
                return Verification(False, len(entries), prev, expected_seq, f"entry {expected_seq}: {problem}")
            prev, expected_seq = entry.entry_hash, expected_seq + 1
        head_seq, head_hash = self.head()
        if (head_seq, head_hash) != (len(entries), prev):
            return Verification(False, len(entries), prev, len(entries) + 1,
                                f"the head says {head_seq} entries ending in {head_hash[:16]}, the table holds "
                                f"{len(entries)}: entries were removed from the end (truncation)")
        if expect_head and expect_head != prev:
            return Verification(False, len(entries), prev, None,
                                f"head {prev[:16]} differs from the expected {expect_head[:16]}")
        return Verification(True, len(entries), prev)

    def close(self) -> None:
        self._connection.close()


def _entry_problem(entry: Entry, expected_seq: int, prev: str) -> str | None:
    if entry.seq != expected_seq:
        return f"missing (the next entry is {entry.seq}): entries were deleted or inserted"
    if entry.prev_hash != prev:
        return "its previous-hash does not match the entry before it: entries were removed, inserted or reordered"
    try:
        document_hash = record_hash(json.loads(entry.record))
    except ValueError:
        document_hash = None
    if document_hash != entry.record_sha256:
        return "its record does not match its recorded sha256: the record was edited"
    if entry_hash(entry.seq, entry.prev_hash, entry.record_sha256, entry.record) != entry.entry_hash:
        return "its entry hash is wrong: the entry was edited"
    return None


def open_ledger(location: str) -> Ledger:
    """``postgresql://...`` (or ``postgres://``) opens PostgreSQL; anything else is a SQLite file."""
    if location.startswith(("postgresql://", "postgres://")):
        try:
            import psycopg
        except ImportError as error:  # optional: pip install 'tfattest[postgres]'
            raise RuntimeError("PostgreSQL ledgers need psycopg: pip install 'tfattest[postgres]'") from error
        return Ledger(psycopg.connect(location), POSTGRESQL)
    import sqlite3

    # Autocommit mode, so that BEGIN IMMEDIATE takes the write lock before the head is read:
    # concurrent appends from several processes queue instead of forking the chain.
    connection = sqlite3.connect(location, timeout=60, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    return Ledger(connection, SQLITE)
