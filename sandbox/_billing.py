"""Billing rules as pure functions: invoice arithmetic, billing periods, how a new subscription starts,
and the hosted invoice page.

They are kept apart from the endpoint modules so the rules can be read (and tested) without a server, and so
invoices, subscriptions and Checkout all apply exactly the same ones.
"""

from __future__ import annotations

import calendar
import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sandbox import _errors as errors
from sandbox._currencies import format_money

INVOICE_STATUSES = ("draft", "open", "paid", "uncollectible", "void")
SUBSCRIPTION_STATUSES = (
    "incomplete",
    "incomplete_expired",
    "trialing",
    "active",
    "past_due",
    "canceled",
    "unpaid",
    "paused",
)
# `status=ended` in a subscription list means every status a subscription can no longer leave.
ENDED_SUBSCRIPTION_STATUSES = ("canceled", "incomplete_expired")
PAYMENT_BEHAVIORS = ("allow_incomplete", "default_incomplete", "error_if_incomplete", "pending_if_incomplete")
DAY = 86_400


# --- invoice arithmetic ------------------------------------------------------------------------------------


def invoice_amounts(
    line_amounts: Sequence[int],
    *,
    amount_paid: int = 0,
    discount: int = 0,
    exclusive_tax: int = 0,
    inclusive_tax: int = 0,
    credited: int = 0,
) -> dict[str, int]:
    """Totals of an invoice from its lines, its discounts and taxes (computed by ``sandbox._discount_tax``)
    and its pre-payment credit notes (``credited``: they lower what is due, not the total).

    A negative total (credits larger than charges) is due as 0: Stripe moves the excess to the customer's
    credit balance (sandbox/resources/customer_balance.py, at finalization).
    """
    subtotal = sum(line_amounts)
    total = subtotal - discount + exclusive_tax
    amount_due = max(total - credited, 0)
    return {
        "subtotal": subtotal,
        "subtotal_excluding_tax": subtotal - inclusive_tax,
        "total": total,
        "total_excluding_tax": total - exclusive_tax - inclusive_tax,
        "amount_due": amount_due,
        "amount_paid": amount_paid,
        "amount_remaining": max(amount_due - amount_paid, 0),
    }


def invoice_number(prefix: str, sequence: int) -> str:
    """Stripe numbers a customer's invoices ``{invoice_prefix}-{NNNN}``, counting from 0001."""
    return f"{prefix}-{sequence:04d}"


def customer_invoice_prefix(customer_id: str) -> str:
    """A customer without ``invoice_prefix`` gets 8 uppercase characters derived from its id [U]."""
    letters = "".join(ch for ch in customer_id.removeprefix("cus_").upper() if ch.isalnum())
    return (letters + "X" * 8)[:8]


# --- billing periods -------------------------------------------------------------------------------------


def add_interval(start: int, interval: str, count: int = 1) -> int:
    """``start`` moved forward by ``count`` intervals, keeping the day of month where it exists.

    Stripe bills on the anchor's day and uses the month's last day when the month is shorter (31 Jan → 28/29
    Feb → 31 Mar): the day is always taken from ``start``, so the drift never accumulates within one call.
    """
    if count < 1:
        raise ValueError("count must be at least 1")
    if interval == "day":
        return start + count * DAY
    if interval == "week":
        return start + count * 7 * DAY
    moment = datetime.fromtimestamp(start, UTC)
    months = count * (12 if interval == "year" else 1)
    if interval not in ("month", "year"):
        raise ValueError(f"unknown interval {interval!r}")
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return int(moment.replace(year=year, month=month, day=day).timestamp())


# --- how a subscription starts ----------------------------------------------------------------------------


@dataclass(frozen=True)
class FirstInvoicePlan:
    """What to do with a new subscription's first invoice once it is finalized.

    ``attempt``: charge it now. ``status``: the subscription's status if no charge is attempted, or if the
    charge succeeds (``status_if_declined`` when it does not). ``missing_payment_method``: refuse the request
    with Stripe's "no attached payment source" error instead.
    """

    attempt: bool
    status: str
    status_if_declined: str | None = None
    missing_payment_method: bool = False
    error_if_declined: bool = False


def plan_first_invoice(
    *,
    trialing: bool,
    amount_due: int,
    collection_method: str,
    payment_behavior: str,
    has_payment_method: bool,
) -> FirstInvoicePlan:
    """Stripe's rules for a subscription's first invoice (docs: "payment_behavior", subscription statuses).

    - A trial bills a $0 invoice that is paid at once: ``trialing``.
    - Nothing due (a free price) is paid at finalization: ``active``.
    - ``send_invoice`` leaves the invoice open for the customer to pay: ``active``.
    - ``charge_automatically`` + ``default_incomplete``: no charge; the invoice's PaymentIntent waits for the
      customer to confirm it: ``incomplete``.
    - ``allow_incomplete`` (the default) and ``error_if_incomplete`` charge the default payment method;
      without one Stripe refuses the request ("This customer has no attached payment source or default payment
      method…"). A declined or unauthenticated charge leaves ``incomplete`` with ``allow_incomplete``, and
      makes the whole request fail (402, nothing created) with ``error_if_incomplete``.
    """
    if trialing:
        return FirstInvoicePlan(attempt=False, status="trialing")
    if amount_due <= 0:
        return FirstInvoicePlan(attempt=False, status="active")
    if collection_method == "send_invoice":
        return FirstInvoicePlan(attempt=False, status="active")
    if payment_behavior == "default_incomplete":
        return FirstInvoicePlan(attempt=False, status="incomplete")
    if not has_payment_method:
        return FirstInvoicePlan(attempt=False, status="incomplete", missing_payment_method=True)
    return FirstInvoicePlan(
        attempt=True,
        status="active",
        status_if_declined="incomplete",
        error_if_declined=payment_behavior == "error_if_incomplete",
    )


def subscription_status_filter(status: str | None) -> tuple[str, ...] | None:
    """The statuses a subscription list returns for its ``status`` filter.

    Without a filter Stripe lists every subscription that is not canceled; ``all`` lists everything and
    ``ended`` the ones that cannot come back.
    """
    if status is None:
        return tuple(s for s in SUBSCRIPTION_STATUSES if s != "canceled")
    if status == "all":
        return None
    if status == "ended":
        return ENDED_SUBSCRIPTION_STATUSES
    return (status,)


# --- the hosted invoice page -------------------------------------------------------------------------------


def _when(ts: int | None) -> str:
    return "—" if ts is None else datetime.fromtimestamp(ts, UTC).strftime("%d %b %Y")


def _adjustment_rows(invoice: Mapping[str, Any], money: Any) -> str:
    """Discount and tax rows: an inclusive tax is shown as "included", since it is already in the lines."""
    rows = []
    discount = sum(int(d["amount"]) for d in invoice.get("total_discount_amounts") or [])
    if discount:
        rows.append(f"<tr data-testid=discount><td>Discount</td><td class=n>−{money(discount)}</td></tr>")
    for tax in invoice.get("total_taxes") or []:
        label = "Tax (included)" if tax.get("tax_behavior") == "inclusive" else "Tax"
        rows.append(f"<tr data-testid=tax><td>{label}</td><td class=n>{money(tax['amount'])}</td></tr>")
    return "\n".join(rows)


def render_invoice_page(invoice: Mapping[str, Any], pay_form: str = "", notice: str = "") -> str:
    """The HTML page of an invoice: its lines and totals written as money, and (``pay_form``, already
    HTML) the form an open invoice is paid with; ``notice`` is the outcome of the last payment attempt."""
    currency = str(invoice.get("currency") or "usd")

    def money(value: Any) -> str:
        return html.escape(format_money(int(value or 0), currency))

    lines: Sequence[Mapping[str, Any]] = (invoice.get("lines") or {}).get("data", [])
    rows = "\n".join(
        "<tr><td>{desc}</td><td class=n>{qty}</td><td class=n>{amount}</td></tr>".format(
            desc=html.escape(str(line.get("description") or "")),
            qty=html.escape(str(line.get("quantity") if line.get("quantity") is not None else "")),
            amount=money(line.get("amount")),
        )
        for line in lines
    )
    status = str(invoice.get("status") or "")
    title = f"Invoice {invoice.get('number') or invoice.get('id')}"
    customer = invoice.get("customer_name") or invoice.get("customer_email") or invoice.get("customer") or ""
    description = invoice.get("description")
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>
body{{font-family:system-ui,sans-serif;max-width:42rem;margin:2rem auto;color:#1a1f36}}
table{{width:100%;border-collapse:collapse}}
td,th{{padding:.4rem;border-bottom:1px solid #e3e8ee;text-align:left}}
.n{{text-align:right}}
.status{{display:inline-block;padding:.1rem .5rem;border-radius:.3rem;background:#e3e8ee}}
.note{{color:#697386;font-size:.85rem}}
</style></head><body>
<p class="note">Local Stripe sandbox: a copy of Stripe's hosted invoice page (test cards only).</p>
{f'<p role="alert" data-testid="notice">{html.escape(notice)}</p>' if notice else ""}
<h1>{html.escape(title)} <span class="status">{html.escape(status)}</span></h1>
<p>Billed to {html.escape(str(customer))}<br>Issued {_when(invoice.get("effective_at"))}
 · Due {_when(invoice.get("due_date"))}</p>
{f"<p>{html.escape(str(description))}</p>" if description else ""}
<table><thead><tr><th>Description</th><th class=n>Qty</th><th class=n>Amount</th></tr></thead>
<tbody>
{rows}
</tbody></table>
<table>
<tr><td>Subtotal</td><td class=n>{money(invoice.get("subtotal"))}</td></tr>
{_adjustment_rows(invoice, money)}
<tr><td>Total</td><td class=n>{money(invoice.get("total"))}</td></tr>
<tr><td>Amount paid</td><td class=n>{money(invoice.get("amount_paid"))}</td></tr>
<tr><th>Amount remaining</th><th class=n>{money(invoice.get("amount_remaining"))}</th></tr>
</table>
{pay_form}
</body></html>
"""


# --- time: what happens next to a subscription, retries, test clock limits ------------------------------

TRIAL_WILL_END_NOTICE = 3 * DAY  # Stripe sends customer.subscription.trial_will_end three days before the end
INCOMPLETE_EXPIRES_AFTER = 23 * 3600  # an unpaid first invoice expires the subscription after 23 hours
FINALIZE_AFTER = 3600  # an auto_advance draft is finalized about an hour after it was created
WEBHOOK_GRACE = 72 * 3600  # ... or up to 72 hours later while invoice.created is not delivered
# [U] Stripe's Smart Retries choose their own times; its recommended default is 8 tries within 2 weeks. The
# sandbox retries a failed invoice payment this many days after the first failed attempt (7 retries + the
# first attempt = 8 tries, the last on day 14).
RETRY_DAYS = (1, 3, 5, 7, 9, 11, 14)
RETRY_WINDOW = RETRY_DAYS[-1] * DAY
# Declines that are never retried: the card cannot succeed later (docs: "hard declines"), or only once the
# customer authenticates (authentication_required: Stripe asks the customer instead [U]).
NEVER_RETRIED = frozenset(
    {
        "authentication_required",
        "expired_card",
        "fraudulent",
        "incorrect_number",
        "invalid_account",
        "lost_card",
        "pickup_card",
        "restricted_card",
        "stolen_card",
    }
)
# What happens to a subscription when its invoice's last retry failed (Dashboard: "Manage failed payments").
AFTER_FAILED_RETRIES = ("canceled", "unpaid", "past_due")
ACCOUNT_SETTINGS: dict[str, tuple[str, tuple[str, ...]]] = {
    # name: (default [U], allowed values)
    "subscription_after_failed_retries": ("canceled", AFTER_FAILED_RETRIES),
}


def billing_settings(stored: Mapping[str, Any]) -> dict[str, str]:
    """The account's billing settings: what the control API stored, else the documented defaults."""
    return {name: str(stored.get(name) or default) for name, (default, _) in ACCOUNT_SETTINGS.items()}


def check_settings(payload: Mapping[str, Any]) -> dict[str, str]:
    """Validate a ``POST /_sandbox/settings`` body; raises the sandbox's 400 naming what to send."""
    if not payload:
        raise errors.invalid_request(
            "Send at least one setting: " + ", ".join(f'"{n}"' for n in ACCOUNT_SETTINGS) + "."
        )
    changes: dict[str, str] = {}
    for name, value in payload.items():
        if name not in ACCOUNT_SETTINGS:
            raise errors.invalid_request(
                f"Unknown setting {name!r}. Known settings: {', '.join(ACCOUNT_SETTINGS)}.", param=name
            )
        allowed = ACCOUNT_SETTINGS[name][1]
        if value not in allowed:
            raise errors.invalid_request(
                f"{name} must be one of {', '.join(allowed)} (got {value!r}).", param=name
            )
        changes[name] = str(value)
    return changes


def next_period_end(anchor: int, interval: str, count: int, after: int) -> int:
    """The first billing date after ``after`` on the cycle anchored at ``anchor``.

    Counting every date from the anchor (not from the previous date) keeps the anchor's day: a subscription
    anchored on 31 January renews on 28/29 February and then on 31 March, not on the 28th forever."""
    k = 1
    while (end := add_interval(anchor, interval, count * k)) <= after:
        k += 1
    return end


@dataclass(frozen=True)
class Step:
    """The next thing that happens to a subscription, and when."""

    kind: str  # "trial_will_end" | "trial_end" | "renew" | "cancel" | "expire" | "resume_collection"
    at: int


def subscription_step(sub: Mapping[str, Any], now: int) -> Step | None:
    """What happens next to ``sub`` on its own (no request), by status:

    | status                 | next step                                                                    |
    |------------------------|------------------------------------------------------------------------------|
    | `incomplete`           | `expire` 23 h after creation (→ `incomplete_expired`, first invoice voided)  |
    | `trialing`             | `trial_will_end` 3 days before `trial_end` (while that is still ahead), then |
    |                        | `trial_end` (→ `active`, first paid period and its invoice)                  |
    | `active`, `past_due`   | `renew` at the period end (a `subscription_cycle` invoice)                   |
    | any of the two above   | `cancel` instead, at `cancel_at` when it comes first (or at the same time)   |
    | `canceled`, `unpaid`,  | nothing: ended, or (`unpaid`) waiting for its open invoice to be paid [U]    |
    | `incomplete_expired`,  | (`paused`: until `/resume`)                                                  |
    | `paused`               |                                                                              |
    | not ended, with        | `resume_collection` at `pause_collection.resumes_at` when it comes before    |
    | `pause_collection`     | the step above (collection resumes; the status does not change)             |
    """
    step = _status_step(sub, now)
    resumes = (sub.get("pause_collection") or {}).get("resumes_at")
    collecting_later = sub.get("status") in ("trialing", "active", "past_due", "unpaid")
    if resumes is not None and collecting_later and (step is None or int(resumes) <= step.at):
        return Step("resume_collection", int(resumes))
    return step


def _status_step(sub: Mapping[str, Any], now: int) -> Step | None:
    status = sub.get("status")
    cancel_at = sub.get("cancel_at")
    if status == "incomplete":
        return Step("expire", int(sub["created"]) + INCOMPLETE_EXPIRES_AFTER)
    if status == "trialing" and sub.get("trial_end"):
        end = int(sub["trial_end"])
        if cancel_at is not None and int(cancel_at) <= end:
            return Step("cancel", int(cancel_at))
        notice = end - TRIAL_WILL_END_NOTICE
        return Step("trial_will_end", notice) if now < notice else Step("trial_end", end)
    if status in ("active", "past_due"):
        items = (sub.get("items") or {}).get("data") or []
        if not items:
            return None
        period_end = int(items[0]["current_period_end"])
        if cancel_at is not None and int(cancel_at) <= period_end:
            return Step("cancel", int(cancel_at))
        return Step("renew", period_end)
    return None


def next_payment_attempt(first_failed_at: int, attempts: int, *, retriable: bool) -> int | None:
    """When to retry an invoice whose payment failed ``attempts`` times, the first at ``first_failed_at``.

    ``None``: no more retries: the schedule (:data:`RETRY_DAYS`) is used up, or the failure cannot succeed
    on a retry (a hard decline, no payment method, a card that needs the customer to authenticate)."""
    if not retriable or attempts < 1 or attempts > len(RETRY_DAYS):
        return None
    return first_failed_at + RETRY_DAYS[attempts - 1] * DAY


def advance_limit(frozen_time: int, intervals: Sequence[tuple[str, int]]) -> int:
    """The furthest a test clock may advance: two intervals of its shortest subscription, two years with none
    (docs: "Advance a test clock", ``frozen_time``)."""
    if not intervals:
        return add_interval(frozen_time, "year", 2)
    return min(add_interval(frozen_time, interval, 2 * count) for interval, count in intervals)
