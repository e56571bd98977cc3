"""The browser session's request log: every call any :class:`core.session.StripeSession` of this session made.

Each session publishes one :class:`core.results.RequestRecord` per call (parameters redacted, never a key,
the answer's JSON kept and shown with secret fields masked, its source: the person, a picker lookup, a
pre-flight read, a probe, the connection test, a demo, a flow step); :func:`publish` is what they call. The
log lives in ``st.session_state`` (one per browser session): a shared server must never show one person's
calls to another.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from core.results import RequestRecord

LOG = "playground_request_log"
MAX_ENTRIES = 500  # a long demo must not grow the session without bound
_write_listeners: list[Callable[[], None]] = []  # cache clearers (functions, not per-user data)


@dataclass(frozen=True)
class LogEntry:
    """One call: what was sent and what came back (the record holds both)."""

    record: RequestRecord

    @property
    def response(self) -> Any:
        return self.record.response

    @property
    def error(self) -> Mapping[str, Any] | None:
        info = self.record.error
        return None if info is None else {k: v for k, v in vars(info).items() if v is not None}


def entries() -> list[LogEntry]:
    log = st.session_state.get(LOG)
    return list(log) if isinstance(log, list) else []


def publish(record: RequestRecord) -> None:
    """A session's subscriber: log the call; after a successful write, clear what caches objects."""
    log = st.session_state.setdefault(LOG, [])
    log.append(LogEntry(record))
    del log[:-MAX_ENTRIES]
    if record.sent and record.method != "GET" and record.status is not None and record.status < 400:
        for listener in _write_listeners:
            listener()


def clear() -> None:
    st.session_state[LOG] = []


def on_write(listener: Callable[[], None]) -> None:
    """Register a cache clearer that runs after every successful write (id pickers, data views)."""
    if listener not in _write_listeners:
        _write_listeners.append(listener)


COLUMNS = (
    "time",
    "source",
    "environment",
    "mode",
    "target",
    "action",
    "method",
    "path",
    "status",
    "request_id",
    "duration_ms",
    "idempotency_key",
    "replayed",
    "sent",
)


def to_frame(log: list[LogEntry]) -> pd.DataFrame:
    """One row per entry, in the order given (row i is ``log[i]``); the columns the log page shows."""
    rows = []
    for entry in log:
        r = entry.record
        rows.append(
            {
                "time": r.time,
                "source": r.source.value,
                "environment": r.environment,
                "mode": r.mode,
                "target": r.target,
                "action": r.action_id,
                "method": r.method,
                "path": r.path,
                "status": r.status,
                "request_id": r.request_id,
                "duration_ms": r.duration_ms,
                "idempotency_key": r.idempotency_key,
                "replayed": r.replayed,
                "sent": r.sent,
            }
        )
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    frame["status"] = frame["status"].astype("Int64")
    return frame


def row_label(entry: LogEntry) -> str:
    """How a call is named in the row picker: time, method, path and status."""
    r = entry.record
    status = r.status if r.status is not None else ("not sent" if not r.sent else "no answer")
    background = ", background" if r.background else ""
    return f"{r.time:%H:%M:%S} {r.method} {r.path} → {status} ({r.action_id}, {r.source.value}{background})"


def newest_first(log: list[LogEntry]) -> list[LogEntry]:
    return list(reversed(log))


def foreground(log: list[LogEntry]) -> list[LogEntry]:
    """The calls without the background lookups (pickers filling themselves, pre-flight reads)."""
    return [entry for entry in log if not entry.record.background]


def filter_frame(frame: pd.DataFrame, picked: Mapping[str, list[Any]], text: str = "") -> pd.DataFrame:
    """Rows matching every non-empty multiselect, and whose path or request id contains ``text``."""
    mask = pd.Series(True, index=frame.index)
    for column, values in picked.items():
        if values:
            mask &= frame[column].isin(values)
    needle = text.strip().lower()
    if needle:
        haystack = frame["path"].fillna("") + " " + frame["request_id"].fillna("")
        mask &= haystack.str.lower().str.contains(needle, regex=False)
    return frame[mask]


def response_of(entry: LogEntry) -> Any:
    """What the log shows as the response: the masked body, the error, or why there is none."""
    if entry.error is not None:
        return {"error": dict(entry.error)}
    if entry.response is not None:
        return entry.response
    if not entry.record.sent:
        return {"note": "Not sent: a check before sending blocked this call (see its warnings)."}
    return {"note": "No answer came back."}
