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


def invoice_amounts(line_amounts: Sequence[int], *, amount_paid: int = 0) -> dict[str, int]:
    """Totals of an invoice from its lines (no discounts, taxes or customer balance in the sandbox).

    A negative total (credits larger than charges) is due as 0: Stripe moves the excess to the customer's
    credit balance, which the sandbox does not model [U].
    """
    subtotal = sum(line_amounts)
    total = subtotal
    amount_due = max(total, 0)
    return {
        "subtotal": subtotal,
        "subtotal_excluding_tax": subtotal,
        "total": total,
        "total_excluding_tax": total,
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


def render_invoice_page(invoice: Mapping[str, Any]) -> str:
    """A read-only HTML page of an invoice: its lines and totals written as money."""
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
<p class="note">Local Stripe sandbox: a read-only copy of Stripe's hosted invoice page.
Nothing can be paid here.</p>
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
<tr><td>Total</td><td class=n>{money(invoice.get("total"))}</td></tr>
<tr><td>Amount paid</td><td class=n>{money(invoice.get("amount_paid"))}</td></tr>
<tr><th>Amount remaining</th><th class=n>{money(invoice.get("amount_remaining"))}</th></tr>
</table>
</body></html>
"""
