"""The sandbox's state in SQLite: one row per object, one transaction per request.

Durability: the database runs in WAL mode with ``synchronous=NORMAL``. A commit appends the transaction to the
WAL file with ``write()`` before the response is sent, so it is in the operating system's page cache and
survives the sandbox process being killed (tests/sandbox/test_durability.py kills the server with SIGKILL
right after an acknowledged write and reopens the file). Only an OS crash or power loss can drop the last few
transactions, because NORMAL skips the fsync on each commit (SQLite's documented WAL trade-off); that is the
right trade for a local test server, and it keeps a write at a few tens of microseconds.

Write cost does not grow with data: a write touches one row and its index entries, lists walk the
``(account, kind, seq)`` index newest-first, and nothing ever rewrites the store.

Threading: request handlers run in a thread pool. One connection is shared and every transaction holds
``Store.lock`` from BEGIN to COMMIT, so requests are serialised at the database (SQLite allows one writer
anyway) while everything else (parsing, validation, JSON) runs in parallel.

API keys are stored as SHA-256 digests, never in clear: the sandbox can check a key but cannot print it again.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

JSONObject = dict[str, Any]
IDEMPOTENCY_RETENTION = 24 * 60 * 60  # Stripe prunes keys once they are at least 24 hours old
Predicate = Callable[[JSONObject], bool]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS accounts (
    id TEXT PRIMARY KEY,
    publishable_key TEXT NOT NULL,
    created INTEGER NOT NULL,
    settings TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE IF NOT EXISTS api_keys (
    digest TEXT PRIMARY KEY,
    account TEXT NOT NULL,
    kind TEXT NOT NULL,
    permissions TEXT NOT NULL DEFAULT '[]',
    created INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS objects (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    account TEXT NOT NULL,
    id TEXT NOT NULL,
    kind TEXT NOT NULL,
    created INTEGER NOT NULL,
    hidden INTEGER NOT NULL DEFAULT 0,
    data TEXT NOT NULL,
    UNIQUE (account, id)
);
CREATE INDEX IF NOT EXISTS objects_by_kind ON objects (account, kind, seq);
CREATE TABLE IF NOT EXISTS idempotency (
    account TEXT NOT NULL,
    key TEXT NOT NULL,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    params_digest TEXT NOT NULL,
    status INTEGER NOT NULL,
    body BLOB NOT NULL,
    request_id TEXT NOT NULL,
    created INTEGER NOT NULL,
    PRIMARY KEY (account, key)
);
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS jobs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    account TEXT NOT NULL,
    timeline TEXT NOT NULL,
    due INTEGER NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS jobs_by_due ON jobs (account, timeline, due, seq);
CREATE INDEX IF NOT EXISTS jobs_by_target ON jobs (account, target);
"""
# Every table with an account's rows, and the column naming the account (delete_account).
_ACCOUNT_ROWS = (
    ("objects", "account"),
    ("idempotency", "account"),
    ("jobs", "account"),
    ("api_keys", "account"),
    ("accounts", "id"),
)
WALL = ""  # the timeline of objects on no test clock: the wall clock (plus the account's test offset)


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def dumps(obj: Any) -> str:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


@dataclass(frozen=True)
class KeyRecord:
    account: str
    kind: str  # "secret" | "publishable" | "restricted"
    permissions: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class IdempotencyRecord:
    method: str
    path: str
    params_digest: str
    status: int
    body: bytes
    request_id: str


@dataclass(frozen=True)
class JobRow:
    """Something due on one timeline of one account (see sandbox/_scheduler.py)."""

    seq: int
    timeline: str
    due: int
    action: str
    target: str
    data: JSONObject


@dataclass(frozen=True)
class Page:
    data: list[JSONObject]
    has_more: bool


class Store:
    def __init__(self, path: str | None = None) -> None:
        self.path = path or ":memory:"
        self.lock = threading.RLock()
        self._conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        if self.path != ":memory:":
            # SQLite's automatic checkpoint (every 1000 WAL pages) stays on: a background checkpointer cannot
            # finish while requests keep writing, and a WAL that only grows makes every read slower.
            self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.executescript(_SCHEMA)
        self._keys: dict[str, KeyRecord | None] = {}
        # Accounts that have (or had) a webhook endpoint: every event asks, and almost none do, so the answer
        # "no" must not cost a query.
        self._webhook_accounts: set[str] = {
            row[0]
            for row in self._conn.execute(
                "SELECT DISTINCT account FROM objects WHERE kind = 'webhook_endpoint'"
            )
        }
        # The earliest wall-clock job of each account, or an earlier time (a rolled-back schedule leaves one):
        # "is anything due for this account?" is asked before every request and must not cost a query.
        self._wall_due: dict[str, int] = {
            row[0]: int(row[1])
            for row in self._conn.execute(
                "SELECT account, MIN(due) FROM jobs WHERE timeline = ? GROUP BY account", (WALL,)
            )
        }

    def close(self) -> None:
        with self.lock:
            self._conn.close()

    def may_have_webhook_endpoints(self, account: str) -> bool:
        """The same cheap "no" as :meth:`Tx.may_have_webhook_endpoints`, without taking the store's lock."""
        return account in self._webhook_accounts

    def wall_due(self, account: str) -> int | None:
        """The earliest time a wall-clock job of ``account`` may be due (``None``: nothing scheduled)."""
        return self._wall_due.get(account)

    def accounts_with_wall_jobs(self) -> list[tuple[str, int]]:
        return list(self._wall_due.items())

    def refresh_wall_due(self, account: str) -> None:
        with self.lock:
            row = self._conn.execute(
                "SELECT MIN(due) FROM jobs WHERE account = ? AND timeline = ?", (account, WALL)
            ).fetchone()
        if row is None or row[0] is None:
            self._wall_due.pop(account, None)
        else:
            self._wall_due[account] = int(row[0])

    @contextmanager
    def transaction(self, account: str) -> Iterator[Tx]:
        """One request's transaction, bound to one account: a handler cannot reach another's rows."""
        with self.lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield Tx(self._conn, account, self._webhook_accounts, self._wall_due)
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    # --- accounts and keys -------------------------------------------------------------------------------

    def create_account(
        self,
        account: str,
        secret_key: str,
        publishable_key: str,
        settings: Mapping[str, Any] | None = None,
    ) -> None:
        now = int(time.time())
        with self.lock:
            self._conn.execute("BEGIN IMMEDIATE")
            self._conn.execute(
                "INSERT INTO accounts (id, publishable_key, created, settings) VALUES (?, ?, ?, ?)",
                (account, publishable_key, now, dumps(dict(settings or {}))),
            )
            self._conn.executemany(
                "INSERT INTO api_keys (digest, account, kind, created) VALUES (?, ?, ?, ?)",
                [
                    (key_digest(secret_key), account, "secret", now),
                    (key_digest(publishable_key), account, "publishable", now),
                ],
            )
            self._conn.execute("COMMIT")

    def delete_account(self, account: str) -> None:
        """Remove the account and everything it owns (objects, keys, idempotency records, jobs): what the
        app's "Forget this workspace" asks for. Its keys stop authenticating at once."""
        with self.lock:
            self._conn.execute("BEGIN IMMEDIATE")
            for table, column in _ACCOUNT_ROWS:
                self._conn.execute(f"DELETE FROM {table} WHERE {column} = ?", (account,))  # noqa: S608
            self._conn.execute("COMMIT")
            self._keys = {d: r for d, r in self._keys.items() if r is None or r.account != account}
            self._webhook_accounts.discard(account)
            self._wall_due.pop(account, None)

    def age_idempotency_keys(self, account: str, seconds: int) -> None:
        """Make an account's idempotency records look ``seconds`` older (tests of the 24-hour retention)."""
        with self.lock:
            self._conn.execute(
                "UPDATE idempotency SET created = created - ? WHERE account = ?", (seconds, account)
            )

    def add_key(self, account: str, key: str, kind: str, permissions: Sequence[str] = ()) -> None:
        with self.lock:
            self._conn.execute(
                "INSERT INTO api_keys (digest, account, kind, permissions, created) VALUES (?, ?, ?, ?, ?)",
                (key_digest(key), account, kind, dumps(sorted(permissions)), int(time.time())),
            )
            self._keys.pop(key_digest(key), None)

    def lookup_key(self, key: str) -> KeyRecord | None:
        digest = key_digest(key)
        if digest in self._keys:
            return self._keys[digest]
        with self.lock:
            row = self._conn.execute(
                "SELECT account, kind, permissions FROM api_keys WHERE digest = ?", (digest,)
            ).fetchone()
        record = KeyRecord(row[0], row[1], frozenset(json.loads(row[2]))) if row else None
        if record is not None:  # unknown keys are not cached: a key may be created a moment later
            self._keys[digest] = record
        return record

    def account_row(self, account: str) -> tuple[str, JSONObject] | None:
        with self.lock:
            row = self._conn.execute(
                "SELECT publishable_key, settings FROM accounts WHERE id = ?", (account,)
            ).fetchone()
        return (row[0], json.loads(row[1])) if row else None

    def update_settings(self, account: str, changes: Mapping[str, Any]) -> JSONObject:
        """Merge ``changes`` into the account's settings (control API) and return them."""
        with self.lock:
            row = self._conn.execute("SELECT settings FROM accounts WHERE id = ?", (account,)).fetchone()
            settings: JSONObject = {**(json.loads(row[0]) if row else {}), **changes}
            self._conn.execute("UPDATE accounts SET settings = ? WHERE id = ?", (dumps(settings), account))
        return settings

    def get_meta(self, name: str) -> str | None:
        with self.lock:
            row = self._conn.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
        return str(row[0]) if row else None

    def set_meta(self, name: str, value: str) -> None:
        with self.lock:
            self._conn.execute("INSERT OR REPLACE INTO meta (name, value) VALUES (?, ?)", (name, value))

    # --- idempotency -------------------------------------------------------------------------------------

    def idempotency_record(self, account: str, key: str) -> IdempotencyRecord | None:
        """The saved result for a key, unless it is older than Stripe's 24-hour retention (then the key runs
        as a new request and its record is replaced)."""
        with self.lock:
            row = self._conn.execute(
                "SELECT method, path, params_digest, status, body, request_id FROM idempotency "
                "WHERE account = ? AND key = ? AND created >= ?",
                (account, key, int(time.time()) - IDEMPOTENCY_RETENTION),
            ).fetchone()
        if row is None:
            return None
        return IdempotencyRecord(row[0], row[1], row[2], row[3], bytes(row[4]), row[5])


class Tx:
    """Object access inside one transaction, scoped to one account."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        account: str,
        webhook_accounts: set[str] | None = None,
        wall_due: dict[str, int] | None = None,
    ) -> None:
        self._conn = conn
        self.account = account
        self._webhook_accounts = webhook_accounts if webhook_accounts is not None else {account}
        self._wall_due = wall_due if wall_due is not None else {}

    def account_record(self) -> tuple[int, JSONObject] | None:
        """The transaction's account: its creation time and settings (``GET /v1/account``)."""
        row = self._conn.execute(
            "SELECT created, settings FROM accounts WHERE id = ?", (self.account,)
        ).fetchone()
        return (int(row[0]), json.loads(row[1])) if row else None

    def may_have_webhook_endpoints(self) -> bool:
        return self.account in self._webhook_accounts

    def get(self, object_id: str) -> JSONObject | None:
        row = self._conn.execute(
            "SELECT data FROM objects WHERE account = ? AND id = ?", (self.account, object_id)
        ).fetchone()
        if row is None:
            return None
        obj: JSONObject = json.loads(row[0])
        return obj

    def put(self, obj: Mapping[str, Any]) -> None:
        if obj["object"] == "webhook_endpoint":
            self._webhook_accounts.add(self.account)
        self._conn.execute(
            "INSERT INTO objects (account, id, kind, created, hidden, data) VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (account, id) DO UPDATE SET kind = excluded.kind, hidden = excluded.hidden, "
            "data = excluded.data",
            (
                self.account,
                obj["id"],
                obj["object"],
                int(obj.get("created") or time.time()),
                1 if obj.get("deleted") else 0,
                dumps(obj),
            ),
        )

    def delete(self, object_id: str) -> None:
        self._conn.execute("DELETE FROM objects WHERE account = ? AND id = ?", (self.account, object_id))

    def seq_of(self, object_id: str) -> int | None:
        row = self._conn.execute(
            "SELECT seq FROM objects WHERE account = ? AND id = ?", (self.account, object_id)
        ).fetchone()
        return int(row[0]) if row else None

    def reset(self) -> None:
        self._conn.execute("DELETE FROM objects WHERE account = ?", (self.account,))
        self._conn.execute("DELETE FROM idempotency WHERE account = ?", (self.account,))
        self._conn.execute("DELETE FROM jobs WHERE account = ?", (self.account,))

    # --- jobs: what falls due later (sandbox/_scheduler.py) ----------------------------------------------

    def add_job(self, timeline: str, due: int, action: str, target: str, data: Mapping[str, Any]) -> None:
        self._conn.execute(
            "INSERT INTO jobs (account, timeline, due, action, target, data) VALUES (?, ?, ?, ?, ?, ?)",
            (self.account, timeline, due, action, target, dumps(dict(data))),
        )
        if timeline == WALL and due < self._wall_due.get(self.account, due + 1):
            self._wall_due[self.account] = due

    def remove_jobs(self, target: str, action: str | None = None) -> None:
        if action is None:
            self._conn.execute("DELETE FROM jobs WHERE account = ? AND target = ?", (self.account, target))
        else:
            self._conn.execute(
                "DELETE FROM jobs WHERE account = ? AND target = ? AND action = ?",
                (self.account, target, action),
            )

    def remove_timeline(self, timeline: str) -> None:
        self._conn.execute("DELETE FROM jobs WHERE account = ? AND timeline = ?", (self.account, timeline))

    def next_job(self, timeline: str, until: int) -> JobRow | None:
        """The earliest job of ``timeline`` due at or before ``until`` (ties: the one scheduled first)."""
        row = self._conn.execute(
            "SELECT seq, due, action, target, data FROM jobs WHERE account = ? AND timeline = ? AND due <= ? "
            "ORDER BY due, seq LIMIT 1",
            (self.account, timeline, until),
        ).fetchone()
        if row is None:
            return None
        return JobRow(int(row[0]), timeline, int(row[1]), row[2], row[3], json.loads(row[4]))

    def pop_job(self, seq: int) -> None:
        self._conn.execute("DELETE FROM jobs WHERE account = ? AND seq = ?", (self.account, seq))

    def jobs_of(self, target: str) -> list[JobRow]:
        rows = self._conn.execute(
            "SELECT seq, timeline, due, action, target, data FROM jobs WHERE account = ? AND target = ? "
            "ORDER BY due, seq",
            (self.account, target),
        ).fetchall()
        return [JobRow(int(r[0]), r[1], int(r[2]), r[3], r[4], json.loads(r[5])) for r in rows]

    def save_idempotency(self, key: str, record: IdempotencyRecord) -> None:
        self._conn.execute(
            "INSERT OR REPLACE INTO idempotency (account, key, method, path, params_digest, status, body, "
            "request_id, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                self.account,
                key,
                record.method,
                record.path,
                record.params_digest,
                record.status,
                record.body,
                record.request_id,
                int(time.time()),
            ),
        )

    def _where(
        self, kind: str, filters: Mapping[str, Any] | None, created: Any
    ) -> tuple[list[str], list[Any]]:
        clauses = ["account = ?", "kind = ?", "hidden = 0"]
        args: list[Any] = [self.account, kind]
        for name, value in (filters or {}).items():
            if value is None:
                continue
            column = "id" if name == "id" else f"json_extract(data, '$.{name}')"
            if isinstance(value, list | tuple | set | frozenset):
                values = list(value)
                clauses.append(f"{column} IN ({', '.join('?' * len(values))})" if values else "0")
                args.extend(values)
            else:
                clauses.append(f"{column} = ?")
                args.append(value)
        if isinstance(created, int):
            clauses.append("created = ?")
            args.append(created)
        elif isinstance(created, Mapping):
            for op, sql in (("gt", ">"), ("gte", ">="), ("lt", "<"), ("lte", "<=")):
                if op in created:
                    clauses.append(f"created {sql} ?")
                    args.append(int(created[op]))
        return clauses, args

    def page(
        self,
        kind: str,
        *,
        limit: int,
        filters: Mapping[str, Any] | None = None,
        created: Any = None,
        after_seq: int | None = None,
        before_seq: int | None = None,
        predicate: Predicate | None = None,
    ) -> Page:
        """Newest first. ``after_seq`` pages towards older objects, ``before_seq`` towards newer ones."""
        clauses, args = self._where(kind, filters, created)
        ascending = before_seq is not None
        cursor = before_seq if ascending else after_seq
        found: list[JSONObject] = []
        batch = limit + 1 if predicate is None else max(2 * limit + 2, 50)
        while len(found) <= limit:
            where = list(clauses)
            where_args = list(args)
            if cursor is not None:
                where.append("seq > ?" if ascending else "seq < ?")
                where_args.append(cursor)
            rows = self._conn.execute(
                f"SELECT seq, data FROM objects WHERE {' AND '.join(where)} "  # noqa: S608 - fixed fragments
                f"ORDER BY seq {'ASC' if ascending else 'DESC'} LIMIT ?",
                [*where_args, batch],
            ).fetchall()
            for seq, data in rows:
                cursor = seq
                obj = json.loads(data)
                if predicate is None or predicate(obj):
                    found.append(obj)
                    if len(found) > limit:
                        break
            if len(rows) < batch:
                break
        has_more = len(found) > limit
        found = found[:limit]
        if ascending:
            found.reverse()
        return Page(found, has_more)

    def scan(self, kind: str, filters: Mapping[str, Any] | None = None) -> Iterator[JSONObject]:
        """All visible objects of a kind, newest first (search and handler-side queries)."""
        clauses, args = self._where(kind, filters, None)
        rows = self._conn.execute(
            f"SELECT data FROM objects WHERE {' AND '.join(clauses)} ORDER BY seq DESC",  # noqa: S608
            args,
        ).fetchall()
        for (data,) in rows:
            yield json.loads(data)
