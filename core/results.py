"""What a run produced, in the shapes people read: a table, a request record, warnings and guidance.

The table is the point of the playground: a list becomes one row per object, nested fields get readable
dotted names (``recurring.interval``), every amount gets a money column next to its raw minor units
(``unit_amount`` and ``unit_amount (display)``), so the "100× too big" mistake is visible at a glance, and
unix timestamps become datetimes.

Secrets in tables: ``client_secret`` (Payment/Setup Intents, Checkout Sessions) and ``secret`` (webhook
endpoints) columns are kept but *masked*: seeing that a PaymentIntent has a client secret is part of
learning the flow, the value itself does not belong on a screen. ``RunResult.objects`` keeps the raw API
objects for code that needs them; ``RunResult.safe_objects()`` is the masked copy for JSON display.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Final

import numpy as np
import pandas as pd
import pyarrow as pa

from core.findings import Finding, Severity
from core.money import format_minor
from core.secrets import mask, redact
from core.snippets import Snippets, request_snippets

AMOUNT_FIELDS: Final = frozenset(
    {
        "amount",
        "amount_capturable",
        "amount_received",
        "amount_captured",
        "amount_refunded",
        "amount_to_capture",
        "unit_amount",
        "amount_due",
        "amount_paid",
        "amount_remaining",
        "amount_shipping",
        "amount_subtotal",
        "amount_total",
        "amount_discount",
        "amount_tax",
        "subtotal",
        "subtotal_excluding_tax",
        "total",
        "total_excluding_tax",
        "starting_balance",
        "ending_balance",
        "balance",
        "pre_payment_credit_notes_amount",
        "post_payment_credit_notes_amount",
        "amount_off",
        "minimum_amount",
        "discount_amount",
        "pre_payment_amount",
        "post_payment_amount",
        "out_of_band_amount",
        "taxable_amount",
    }
)
TIMESTAMP_FIELDS: Final = frozenset(
    {
        "created",
        "updated",
        "date",
        "start",
        "end",
        "start_date",
        "due_date",
        "trial_start",
        "trial_end",
        "current_period_start",
        "current_period_end",
        "billing_cycle_anchor",
        "period_start",
        "period_end",
        "next_payment_attempt",
        "webhooks_delivered_at",
        "redeem_by",
        "expires_at",
        "voided_at",
        "effective_at",
    }
)
SECRET_FIELDS: Final = frozenset({"client_secret", "secret"})
DISPLAY_SUFFIX: Final = " (display)"

MoneyFormatter = Callable[[int, str], str]


def _money_formatter() -> MoneyFormatter:
    return format_minor


def mask_secrets(value: Any) -> Any:
    """A copy of a Stripe object with every secret-valued field masked (for JSON display)."""
    if isinstance(value, Mapping):
        return {
            k: (mask(v) if k in SECRET_FIELDS and isinstance(v, str) else mask_secrets(v))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [mask_secrets(v) for v in value]
    return value


def _is_timestamp(name: str, value: object) -> bool:
    leaf = name.rsplit(".", 1)[-1]
    if isinstance(value, bool) or not isinstance(value, int):
        return False
    return leaf in TIMESTAMP_FIELDS or leaf.endswith("_at")


def flatten(obj: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """One level of columns for one object: nested dicts become dotted names, lists become readable text."""
    row: dict[str, Any] = {}
    for key, value in obj.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            if value.get("object") == "list" and isinstance(value.get("data"), list):
                row[name] = _summarize_list(value["data"])
            elif value:
                row.update(flatten(value, name + "."))
            else:
                row[name] = None
        elif isinstance(value, list):
            row[name] = _summarize_list(value)
        else:
            row[name] = value
    return row


def _summarize_list(items: Sequence[Any]) -> str | None:
    if not items:
        return None
    if all(isinstance(i, str | int | float) for i in items):
        return ", ".join(str(i) for i in items)
    ids = [i.get("id") for i in items if isinstance(i, Mapping)]
    if ids and all(isinstance(i, str) for i in ids):
        return ", ".join(str(i) for i in ids)
    return json.dumps(list(items), default=str, separators=(",", ":"))


def _currency_for(column: str, row: Mapping[str, Any]) -> str | None:
    """The currency of an amount column: its own ``<column>_currency`` (a promotion code's
    ``restrictions.minimum_amount_currency``), its sibling ``currency`` field, else the object's own."""
    own = row.get(f"{column}_currency")
    if isinstance(own, str) and own:
        return own
    prefix = column.rsplit(".", 1)[0] + "." if "." in column else ""
    while True:
        currency = row.get(f"{prefix}currency")
        if isinstance(currency, str) and currency:
            return currency
        if not prefix:
            return None
        prefix = prefix[:-1].rsplit(".", 1)[0] + "." if "." in prefix[:-1] else ""


def to_table(objects: Iterable[Mapping[str, Any]], *, money: MoneyFormatter | None = None) -> pd.DataFrame:
    """A DataFrame with one row per Stripe object: readable columns, money next to minor units."""
    fmt = money or _money_formatter()
    rows = [flatten(o) for o in objects]
    seen: dict[str, None] = {}  # every column in first-seen order (a dict: O(1) membership)
    for r in rows:
        seen.update(dict.fromkeys(r))
    parents: set[str] = set()  # columns that have dotted children ("recurring" of "recurring.interval")
    for c in seen:
        parts = c.split(".")
        parents.update(".".join(parts[:i]) for i in range(1, len(parts)))
    # "recurring" is None on one-time prices and a dict on recurring ones: keep only the dotted columns.
    columns = [c for c in seen if not (c in parents and all(r.get(c) is None for r in rows))]
    if "id" in columns:  # the id first, it is what people copy
        columns.remove("id")
        columns.insert(0, "id")
    # Each column is built as the array pandas would infer for it and handed over without a second look:
    # pandas' own inference and checks cost ~30 µs per column, which for one object (50 columns) was more
    # than the sandbox's whole answer to a create (bench/core_overhead.py).
    data: dict[str, Any] = {}
    for c in columns:
        raw = [r.get(c) for r in rows]
        leaf = c.rsplit(".", 1)[-1]
        data[c] = _column(
            c, [mask(v) if isinstance(v, str) else v for v in raw] if leaf in SECRET_FIELDS else raw
        )
        if leaf in AMOUNT_FIELDS and any(isinstance(v, int) and not isinstance(v, bool) for v in raw):
            data[c + DISPLAY_SUFFIX] = _column(
                c + DISPLAY_SUFFIX,
                [_display_money(fmt, v, _currency_for(c, r)) for v, r in zip(raw, rows, strict=True)],
            )
    data = {c: data[c] for c in reading_order(list(data))}
    if not data:  # no objects, or objects without fields: pandas' own empty frame
        return pd.DataFrame(data, columns=list(data))
    # The constructor's last step (pandas 3.1, pinned), without inferring and checking every column again.
    from_arrays: Callable[..., pd.DataFrame] = getattr(pd.DataFrame, "_from_arrays")  # noqa: B009
    return from_arrays(
        list(data.values()), pd.Index(list(data)), pd.RangeIndex(len(rows)), verify_integrity=False
    )


LEADING_FIELDS: Final = ("id", "name", "nickname", "description", "status")


def reading_order(columns: Sequence[str]) -> list[str]:
    """The same columns in the order people read an object: what it is (id, name, status), then every
    amount with its money column, then the rest as Stripe sent them.

    In Stripe's own order a Price's ``unit_amount (display)`` was 23rd of 24 columns, off screen on the
    right, which hid the one column the table exists to show.
    """
    present = set(columns)
    lead: list[str] = [c for c in LEADING_FIELDS if c in present]
    for c in columns:
        if c + DISPLAY_SUFFIX in present:
            lead += [c, c + DISPLAY_SUFFIX]
    if len(lead) > len([c for c in LEADING_FIELDS if c in present]) and "currency" in present:
        lead.append("currency")  # the amounts' currency right after them
    placed = set(lead)
    return lead + [c for c in columns if c not in placed]


# What pandas makes of a list of strings: its default string dtype (None becomes NaN).
_STR_DTYPE: Final[Any] = pd.Series(["inferred"]).dtype
_ARROW_STRINGS: Final = isinstance(_STR_DTYPE, pd.StringDtype) and _STR_DTYPE.storage == "pyarrow"


def _column(name: str, cells: list[Any]) -> Any:
    """The array ``pd.DataFrame`` would build from ``cells`` after our conversions (timestamps to UTC
    datetimes, whole numbers to nullable Int64), built directly for the kinds Stripe objects have; anything
    else goes through pandas' own inference."""
    kinds = {type(v) for v in cells}
    kinds.discard(type(None))
    if not kinds:
        column = np.empty(len(cells), dtype=object)
        column[:] = cells
        return column
    if kinds == {str}:
        if _ARROW_STRINGS:
            # pandas' default string dtype (pyarrow is a declared dependency); pd.array(cells, dtype) is 2.5x
            # slower than building the Arrow array and handing it over through the dtype's documented
            # extension-array protocol (ExtensionDtype.__from_arrow__).
            return _STR_DTYPE.__from_arrow__(pa.array(cells, type=pa.large_string()))
        return pd.array(cells, dtype=_STR_DTYPE)
    if kinds == {bool} and None not in cells:
        return np.array(cells, dtype=bool)
    if kinds == {int}:
        present = next(v for v in cells if v is not None)
        if _is_timestamp(name, present):
            missing = np.array([v is None for v in cells])
            seconds = np.array([0 if v is None else v for v in cells], dtype=np.int64)
            moments = seconds.astype("datetime64[s]").astype("datetime64[us]")
            moments[missing] = np.datetime64("NaT")
            return pd.array(moments).tz_localize("UTC")
        try:  # nullable: a missing amount stays <NA>, not 1000.0
            values = np.array([0 if v is None else v for v in cells], dtype=np.int64)
        except OverflowError:
            return pd.array(cells, dtype="Int64")
        return pd.arrays.IntegerArray(values, np.array([v is None for v in cells]))
    # Mixed kinds, floats, datetimes of a column that also holds text: exactly what pandas infers.
    return pd.Series([_as_datetime(name, v) for v in cells], dtype=None).array


def _as_datetime(name: str, value: object) -> object:
    if isinstance(value, int) and _is_timestamp(name, value):
        return dt.datetime.fromtimestamp(value, tz=dt.UTC)
    return value


def _display_money(fmt: MoneyFormatter, raw: object, currency: str | None) -> str | None:
    if not isinstance(raw, int) or isinstance(raw, bool):
        return None
    if not currency:
        return f"{raw} (minor units, currency unknown)"
    try:
        return fmt(raw, currency)
    except (ValueError, KeyError):
        return f"{raw} {currency.upper()} (minor units)"


class Source(StrEnum):
    """Who or what made a call: the person, or the app on their behalf (the request log says which).

    A picker filling its choices and a pre-flight read are *background* calls: the person never asked for
    them, so the log hides them unless asked (a 403 on a list nobody ran read as the person's mistake).
    """

    PERSON = "person"
    PREFLIGHT = "pre-flight check"
    PICKER = "picker lookup"
    PROBE = "permission probe"
    CONNECTION_TEST = "connection test"
    DEMO = "pitfall demo"
    FLOW = "flow step"

    @property
    def background(self) -> bool:
        return self in (Source.PICKER, Source.PREFLIGHT)


@dataclass(frozen=True)
class StripeErrorInfo:
    """The parts of a Stripe error worth showing (message already redacted)."""

    http_status: int | None
    type: str | None
    code: str | None
    param: str | None
    message: str
    request_id: str | None
    decline_code: str | None = None
    doc_url: str | None = None


@dataclass(frozen=True)
class RequestRecord:
    """One call as it happened, safe to show and to log: never a key, parameters redacted.

    The answer's JSON is kept as Stripe sent it (``body``) and shown only through ``response``, with secret
    fields masked; the snippets are made from the redacted parameters when someone looks at them.
    """

    time: dt.datetime
    action_id: str
    action_name: str
    method: str
    path: str
    params: Mapping[str, Any]
    status: int | None  # HTTP status; None when nothing came back (network, blocked before sending)
    request_id: str | None
    idempotency_key: str | None
    duration_ms: float | None
    environment: str
    mode: str  # "test" / "live" / "unknown"
    target: str  # "sandbox" or "stripe"
    api_base: str
    sent: bool = True  # False when a pre-flight check blocked the call
    replayed: bool = False  # Stripe's Idempotent-Replayed header: the same submission came back
    source: Source = Source.PERSON
    error: StripeErrorInfo | None = field(default=None, compare=False)
    body: Any = field(default=None, compare=False, repr=False)  # the answer's JSON, unmasked: use response
    sdk_call: str | None = field(default=None, compare=False, repr=False)  # "v1.products.create"; None: JSON
    sdk_args: tuple[str, ...] = field(default=(), compare=False, repr=False)  # its positional ids

    @property
    def background(self) -> bool:
        return self.source.background

    @property
    def response(self) -> Any:
        """The answer with secret fields masked (None when nothing came back)."""
        return mask_secrets(self.body)

    @property
    def snippets(self) -> Snippets:
        """This exact call as stripe-python code and as curl, the key read from the environment."""
        return request_snippets(
            self.method,
            self.path,
            self.params,
            sdk_call=self.sdk_call,
            sdk_args=self.sdk_args,
            api_base=self.api_base,
            idempotency_key=self.idempotency_key,
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "time": self.time.isoformat(),
            "action": self.action_id,
            "source": self.source.value,
            "method": self.method,
            "path": self.path,
            "params": dict(self.params),
            "status": self.status,
            "request_id": self.request_id,
            "idempotency_key": self.idempotency_key,
            "duration_ms": self.duration_ms,
            "environment": self.environment,
            "mode": self.mode,
            "target": self.target,
            "api_base": self.api_base,
            "sent": self.sent,
            "replayed": self.replayed,
        }


def redact_params(value: Any) -> Any:
    """Parameters as they may be shown: key-shaped strings masked wherever they appear."""
    if isinstance(value, Mapping):
        return {k: redact_params(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact_params(v) for v in value]
    if isinstance(value, str):
        return redact(value)
    return value


@dataclass
class RunResult:
    """Everything one run produced; ``ok`` is False when it was blocked or Stripe returned an error."""

    action_id: str
    ok: bool
    objects: list[dict[str, Any]]
    table: pd.DataFrame
    request: RequestRecord | None
    warnings: list[Finding] = field(default_factory=list)
    guidance: list[Finding] = field(default_factory=list)
    error: StripeErrorInfo | None = None
    snippets: Snippets | None = None
    idempotency_key: str | None = None
    has_more: bool = False
    next_cursor: str | None = None  # starting_after for the next page
    prev_cursor: str | None = None  # ending_before for the previous page
    requests: list[RequestRecord] = field(default_factory=list)  # every call made (pre-flight, pages)
    action_name: str = ""  # what people read in headlines ("Create Product"); the id is for code

    @property
    def label(self) -> str:
        """The action's name as the forms and menus show it, the id only when no name is known."""
        return self.action_name or self.action_id

    @property
    def blocked(self) -> bool:
        return self.request is None or not self.request.sent

    @property
    def object(self) -> dict[str, Any] | None:
        return self.objects[0] if len(self.objects) == 1 else None

    def safe_objects(self) -> list[dict[str, Any]]:
        masked: list[dict[str, Any]] = mask_secrets(self.objects)
        return masked

    def headline(self) -> str:
        if self.ok:
            count = len(self.objects)
            what = f"{count} object{'s' if count != 1 else ''}"
            if self.has_more:
                what += " (more available)"
            status = f"HTTP {self.request.status}" if self.request and self.request.status else "OK"
            return f"{self.label}: {status}, {what}"
        if self.error is not None:
            status = f"HTTP {self.error.http_status}" if self.error.http_status else "no response"
            return f"{self.label}: failed ({status}): {self.error.message}"
        return f"{self.label}: not sent: {_first_error(self.warnings + self.guidance)}"

    def __repr__(self) -> str:
        # Compact, and never the raw objects: they may hold client secrets.
        request = self.request
        return (
            f"RunResult(action_id={self.action_id!r}, ok={self.ok}, objects={len(self.objects)}, "
            f"status={request.status if request else None}, "
            f"request_id={request.request_id if request else None!r}, "
            f"warnings={len(self.warnings)}, guidance={len(self.guidance)})"
        )

    def __str__(self) -> str:
        lines = [self.headline()]
        if self.request is not None:
            r = self.request
            lines.append(
                f"  {r.method} {r.path} → {r.status if r.status is not None else '-'} "
                f"[{r.target}, {r.mode} mode, {r.environment}]"
                + (f" {r.request_id}" if r.request_id else "")
                + (f" {r.duration_ms:.0f} ms" if r.duration_ms is not None else "")
            )
        if not self.table.empty:
            with pd.option_context("display.max_columns", 12, "display.width", 120):
                lines.append(self.table.to_string(max_rows=20, max_colwidth=40))
        elif self.ok:
            lines.append("  (empty list: that still means the call worked)")
        for f in self.warnings + self.guidance:
            lines.append(f"  [{f.severity.value}] {f.message}")
            if f.fix:
                lines.append(f"      fix: {f.fix}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        parts = [f"<p><b>{html.escape(self.headline())}</b></p>"]
        for f in self.warnings + self.guidance:
            color = {Severity.ERROR: "#b00020", Severity.WARNING: "#8a6d00"}.get(f.severity, "#333")
            doc = f' <a href="{html.escape(f.doc_url)}">docs</a>' if f.doc_url else ""
            parts.append(
                f'<p style="color:{color}">[{html.escape(f.severity.value)}] {html.escape(f.message)}'
                f"<br/><i>{html.escape(f.fix)}</i>{doc}</p>"
            )
        if not self.table.empty:
            parts.append(self.table.to_html(max_rows=50, escape=True))
        return "\n".join(parts)


def _first_error(findings: Sequence[Finding]) -> str:
    for f in findings:
        if f.is_error:
            return f.message
    return findings[0].message if findings else "blocked"
