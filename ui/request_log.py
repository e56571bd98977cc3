"""The session's request log, and the one helper every page and flow uses to run an action and record it.

The log lives in ``st.session_state`` (one per browser session): a shared server must never show one
person's calls to another. Entries hold the runner's :class:`RequestRecord` (parameters redacted, never a
key) plus the response with secret fields masked, so the log page can show request and response side by
side and export them without leaking anything.
"""

from __future__ import annotations

import datetime as dt
import json
import time
import urllib.error
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st
import stripe

from core import runner
from core.catalog import Action
from core.client import ClientConfigError, normalize_api_base
from core.results import RequestRecord, RunResult, mask_secrets, redact_params
from core.runner import Target
from core.secrets import redact
from sandbox.control import ControlError
from ui import target_picker

LOG = "playground_request_log"
MAX_ENTRIES = 500  # a long demo must not grow the session without bound
_write_listeners: list[Callable[[], None]] = []  # cache clearers (functions, not per-user data)


@dataclass(frozen=True)
class LogEntry:
    """One call: what was sent (record) and what came back (masked response or error)."""

    record: RequestRecord
    response: Any = None
    error: Mapping[str, Any] | None = None


def entries() -> list[LogEntry]:
    log = st.session_state.get(LOG)
    return list(log) if isinstance(log, list) else []


def _append(entry: LogEntry) -> None:
    log = st.session_state.setdefault(LOG, [])
    log.append(entry)
    del log[:-MAX_ENTRIES]


def clear() -> None:
    st.session_state[LOG] = []


def on_write(listener: Callable[[], None]) -> None:
    """Register a cache clearer that runs after every successful write (id pickers, data views)."""
    if listener not in _write_listeners:
        _write_listeners.append(listener)


def record_result(result: RunResult) -> None:
    """Log every request a run made: pre-flight reads, the call itself, and the pages of a "load all"."""
    main = result.request
    for record in result.requests or ([main] if main is not None else []):
        if record is main:
            error = None
            if result.error is not None:
                error = {k: v for k, v in vars(result.error).items() if v is not None}
            response: Any = result.safe_objects() if result.ok and record.sent else None
            if isinstance(response, list) and len(response) == 1 and not _is_list(result):
                response = response[0]
            _append(LogEntry(record, response, error))
        else:
            _append(LogEntry(record))


def _is_list(result: RunResult) -> bool:
    return result.action_id.startswith("list_")


def run(
    action: Action | str,
    inputs: Mapping[str, object],
    *,
    target: Target | None = None,
    idempotency_key: str | None = None,
    confirm_live_write: bool = False,
    load_all: bool = False,
) -> RunResult:
    """Run one catalog action through ``core.runner`` for this session's target, and log it."""
    tgt = target if target is not None else target_picker.current()
    result = runner.run(
        action,
        inputs,
        target=tgt,
        clients=target_picker.clients(),
        idempotency_key=idempotency_key,
        confirm_live_write=confirm_live_write,
        load_all=load_all,
    )
    record_result(result)
    if result.ok and result.request is not None and result.request.method != "GET":
        for listener in _write_listeners:
            listener()
    return result


def call(
    name: str,
    method: str,
    path: str,
    params: Mapping[str, Any],
    send: Callable[[], Any],
    *,
    target: Target,
) -> tuple[Any, LogEntry]:
    """Log a call that is not a catalog action (events, webhook endpoints, search, sandbox controls).

    ``send`` builds the client, performs the call and returns a ``StripeObject`` or a plain dict; a
    ``StripeError`` or a missing key is logged and returned inside the entry (the caller shows it), so no
    page ever sees a traceback.
    """
    started = time.perf_counter()
    status: int | None = None
    request_id: str | None = None
    response: Any = None
    error: dict[str, Any] | None = None
    sent = True
    try:
        answer = send()
    except ClientConfigError as exc:  # no key, or a publishable one: nothing was sent
        error, answer, sent = {"message": str(exc)}, None, False
    except stripe.StripeError as exc:
        status, request_id = exc.http_status, exc.request_id
        error = {"http_status": status, "code": exc.code, "message": redact(str(exc.user_message or exc))}
        answer = None
    except ControlError as exc:  # the sandbox's control API refused (its Stripe-shaped error)
        status = exc.status
        error = {"http_status": status, "code": exc.code, "message": redact(exc.message)}
        answer = None
    except OSError as exc:  # the sandbox did not answer
        error = {"message": redact(_http_error_message(exc))}
        status = getattr(exc, "code", None)
        answer = None
    if answer is not None:
        last = getattr(answer, "last_response", None)
        if last is not None:
            status, request_id = int(last.code), last.request_id
        elif status is None:
            status = 200
        response = mask_secrets(answer.to_dict() if hasattr(answer, "to_dict") else answer)
    record = RequestRecord(
        time=dt.datetime.now(dt.UTC),
        action_id=name,
        action_name=name.replace("_", " ").capitalize(),
        method=method,
        path=path,
        params=redact_params(dict(params)),
        status=status,
        request_id=request_id,
        idempotency_key=None,
        duration_ms=round((time.perf_counter() - started) * 1000, 1),
        environment=target.environment,
        mode=target.mode_name,
        target=target.target_name,
        api_base=normalize_api_base(target.api_base),
        sent=sent,
    )
    entry = LogEntry(record, response, error)
    _append(entry)
    return response, entry


def _http_error_message(exc: OSError) -> str:
    """Stripe's ``error.message`` from an HTTP error body when there is one, else the exception's text."""
    if isinstance(exc, urllib.error.HTTPError):
        try:
            body = json.loads(exc.read() or b"{}")
        except ValueError:
            body = {}
        message = body.get("error", {}).get("message") if isinstance(body, dict) else None
        if isinstance(message, str):
            return message
    return f"{type(exc).__name__}: {exc}"


COLUMNS = (
    "time",
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
    return f"{r.time:%H:%M:%S} {r.method} {r.path} → {status} ({r.action_id})"


def newest_first(log: list[LogEntry]) -> list[LogEntry]:
    return list(reversed(log))


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
    return {"note": "A pre-flight or paging call; its body is not kept."}
