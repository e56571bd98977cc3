"""Stripe resources as tables, the way WeWeb's Stripe tables load them: List (filters, cursor paging) or
Search (a Stripe query, page tokens).

List runs the catalog's list action; Search is not a catalog action (WeWeb offers it only as a table mode), so
it is the session's own ``search`` (``client.v1.<resource>.search``). Both go through this browser
session's :class:`core.session.StripeSession`, so both land in the request log. Pages are kept
as a stack of cursors per resource, so "Previous" returns exactly to the page before.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from core import catalog
from core.results import to_table
from ui import sessions


@dataclass(frozen=True)
class Resource:
    list_action: str
    service: str  # attribute of client.v1
    example_query: str | None  # None: Stripe has no search for this resource (List only)


RESOURCES: dict[str, Resource] = {
    "Products": Resource("list_products", "products", "active:'true' AND name~'shirt'"),
    "Prices": Resource("list_prices", "prices", "currency:'usd' AND type:'recurring'"),
    "Customers": Resource("list_customers", "customers", "email:'customer@example.com'"),
    "Invoices": Resource("list_invoices", "invoices", "status:'paid'"),
    "Subscriptions": Resource("list_subscriptions", "subscriptions", "status:'active'"),
    "Payments (Payment Intents)": Resource("list_payment_intents", "payment_intents", "status:'succeeded'"),
    "Test clocks": Resource("list_test_clocks", "test_helpers.test_clocks", None),
    "Coupons": Resource("list_coupons", "coupons", None),
    "Promotion codes": Resource("list_promotion_codes", "promotion_codes", None),
    "Tax rates": Resource("list_tax_rates", "tax_rates", None),
    "Credit notes": Resource("list_credit_notes", "credit_notes", None),
}
PAGING = frozenset({"limit", "starting_after", "ending_before"})


@dataclass
class View:
    """What the table shows now: the rows, whether there is more, and how to get the next page."""

    table: pd.DataFrame
    has_more: bool
    next_cursor: str | None
    error: str | None = None


def _stack(name: str, mode: str) -> list[str]:
    key = f"data_{name}_{mode}_pages"
    if not isinstance(st.session_state.get(key), list):
        st.session_state[key] = []
    pages: list[str] = st.session_state[key]
    return pages


def _store(name: str, mode: str, view: View) -> View:
    st.session_state[f"data_{name}_{mode}_view"] = view
    return view


def shown(name: str, mode: str) -> View | None:
    view = st.session_state.get(f"data_{name}_{mode}_view")
    return view if isinstance(view, View) else None


def page_number(name: str, mode: str) -> int:
    return len(_stack(name, mode)) + 1


def _turn_page(name: str, mode: str, move: str) -> list[str]:
    """The cursor stack after moving to the first, next or previous page; its top is the page to load."""
    pages = _stack(name, mode)
    current = shown(name, mode)
    if move == "first":
        pages.clear()
    elif move == "next" and current is not None and current.next_cursor:
        pages.append(current.next_cursor)
    elif move == "previous" and pages:
        pages.pop()
    return pages


def load_list(name: str, filters: dict[str, object], limit: int, move: str = "first") -> View:
    """Run the resource's list action for the first, next or previous page (``move``)."""
    pages = _turn_page(name, "list", move)
    inputs: dict[str, object] = {**filters, "limit": limit}
    if pages:
        inputs["starting_after"] = pages[-1]
    result = sessions.current().run(RESOURCES[name].list_action, inputs)
    error = None if result.ok else result.headline()
    return _store(name, "list", View(result.table, result.has_more, result.next_cursor, error))


def load_search(name: str, query: str, limit: int, move: str = "first") -> View:
    """Stripe's search API for the resource; ``page`` tokens come from the previous answer's next_page."""
    pages = _turn_page(name, "search", move)
    params: dict[str, Any] = {"query": query, "limit": limit}
    if pages:
        params["page"] = pages[-1]
    answer = sessions.current().search(RESOURCES[name].service, params)
    error = answer.message
    data = answer.get("data", [])
    view = View(to_table(data), bool(answer.get("has_more")), answer.get("next_page"), error)
    return _store(name, "search", view)


def list_action(name: str) -> catalog.Action:
    return catalog.get(RESOURCES[name].list_action)


def load(name: str, kind: str, move: str, *, filters: dict[str, object], query: str, limit: int) -> View:
    """Load the first, next or previous page of the List or Search view."""
    if kind == "search":
        return load_search(name, query, limit, move)
    return load_list(name, filters, limit, move)
