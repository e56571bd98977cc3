"""The guided flows of the WeWeb guide, step by step: every step is one or two catalog actions run through
this browser session's :class:`core.session.StripeSession` (so it lands in the request log as a flow step)
and moves a state diagram.

Each flow keeps what it created (ids, statuses, the states it went through) in one session dict, so a rerun
or a page switch does not lose the flow. Buttons send a per-step submission key: a double click replays the
first answer instead of creating a second object.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import streamlit as st

from core import catalog, money, runner
from core.results import RunResult, Source
from ui import action_form, result_view, sessions, state_diagrams
from ui import findings as findings_ui

FLOWS = {
    "payment": "One-time payment (Payment Intents)",
    "checkout": "Checkout (hosted payment page)",
    "subscription": "Subscription",
    "invoice": "Invoice",
    "time": "Time travel (test clocks)",
}
PAYMENT_CARDS = {
    "pm_card_visa": "Visa 4242 — succeeds",
    "pm_card_visa_chargeDeclined": "Visa 0002 — declined (generic_decline)",
    "pm_card_visa_chargeDeclinedInsufficientFunds": "Visa 9995 — declined (insufficient_funds)",
    "pm_card_authenticationRequired": "3184 — needs 3D Secure authentication",
}
SAVED_CARDS = {
    "tok_visa": "Visa 4242 — payments succeed",
    "tok_chargeCustomerFail": "0341 — attaches, then payments fail",
}


# --- state -------------------------------------------------------------------------------------------------


def flow_state(flow: str) -> dict[str, Any]:
    """The flow's session dict: ids, status per lifecycle, visited states, the result of each step."""
    key = f"flows_{flow}"
    if not isinstance(st.session_state.get(key), dict):
        st.session_state[key] = {"ids": {}, "status": {}, "visited": {}, "results": {}}
    data: dict[str, Any] = st.session_state[key]
    return data


def reset(flow: str) -> None:
    st.session_state.pop(f"flows_{flow}", None)
    for name in [k for k in st.session_state if str(k).startswith(f"flows_{flow}_submission_")]:
        st.session_state.pop(name, None)


def ids(flow: str) -> dict[str, str]:
    found: dict[str, str] = flow_state(flow)["ids"]
    return found


def track(flow: str, lifecycle: str, status: str | None) -> None:
    if not status:
        return
    data = flow_state(flow)
    data["status"][lifecycle] = status
    visited = data["visited"].setdefault(lifecycle, [])
    if status not in visited:
        visited.append(status)


def status(flow: str, lifecycle: str) -> str | None:
    value = flow_state(flow)["status"].get(lifecycle)
    return str(value) if value else None


def _submission(flow: str, step: str, inputs: Mapping[str, object]) -> str:
    key = f"flows_{flow}_submission_{step}"
    fingerprint = hashlib.sha256(json.dumps(inputs, sort_keys=True, default=str).encode()).hexdigest()
    current = st.session_state.get(key)
    if not (isinstance(current, tuple) and current[1] == fingerprint):
        current = (runner.new_submission_key(), fingerprint)
        st.session_state[key] = current
    return str(current[0])


def run_step(flow: str, step: str, action: str, inputs: Mapping[str, object]) -> RunResult:
    """Run one action of a step (logged) and keep its result.

    The step's submission key lives until its inputs change or the flow is reset: a second click that
    arrives just after the first answer replays it instead of creating a second object.
    """
    write = catalog.get(action).is_write
    key = _submission(flow, f"{step}_{action}", inputs) if write else None
    result = sessions.current().run(action, inputs, idempotency_key=key, source=Source.FLOW)
    flow_state(flow)["results"][step] = result
    return result


def run_read(action: str, object_id: str) -> RunResult:
    """A read a step makes to see where the object is now (logged as a flow step, not kept)."""
    return sessions.current().run(action, {"id": object_id}, source=Source.FLOW)


def _field(result: RunResult, name: str) -> Any:
    obj = result.object
    return obj.get(name) if obj else None


# --- rendering helpers -------------------------------------------------------------------------------------


def note(flow: str, lifecycle: str) -> str | None:
    """What happened to the object besides its status (a refund leaves a PaymentIntent ``succeeded``)."""
    notes: dict[str, str] = flow_state(flow).get("notes", {})
    return notes.get(lifecycle)


def diagram(flow: str, lifecycle: str, title: str) -> None:
    current = status(flow, lifecycle)
    extra = note(flow, lifecycle)
    shown = f"{current} ({extra})" if current and extra else current or "not created yet"
    st.caption(f"{title}: **{shown}**")
    visited = flow_state(flow)["visited"].get(lifecycle, [])
    st.graphviz_chart(state_diagrams.dot(lifecycle, current, visited, note=extra), width="stretch")


def step_header(number: int, title: str, done: bool) -> None:
    icon = ":material/check_circle:" if done else ":material/radio_button_unchecked:"
    st.markdown(f"#### {icon} Step {number}. {title}")


def last_result(flow: str, step: str) -> None:
    """The step's latest result: headline and findings, with the full result (table, snippets) folded."""
    result = flow_state(flow)["results"].get(step)
    if not isinstance(result, RunResult):
        return
    result_view.headline(result)
    findings_ui.render(result_view.own_findings(result))
    with st.expander("Details: table, JSON, request and code"):
        result_view.render(result, key=f"flows_{flow}_{step}", summary=False)


def amount_field(flow: str, name: str, default: str, currency_key: str, purpose: str) -> tuple[str, str]:
    """An amount and its currency, previewed as money while typing; returns (amount text, currency)."""
    left, right = st.columns([2, 1])
    currency = str(
        right.selectbox("Currency", action_form.COMMON_CURRENCIES, key=currency_key, accept_new_options=True)
        or "usd"
    )
    with left:
        text = st.text_input(
            "Amount (smallest currency unit)", value=default, key=f"flows_{flow}_{name}", live=True
        )
        action_form.show_preview(
            money.preview(text or "", currency, purpose=purpose), key=f"flows_{flow}_{name}_preview"
        )
    return text or "", currency


def app_base_url() -> str:
    """Where the browser reached this app (for Checkout's success and cancel URLs)."""
    url = st.context.url
    if url:
        parts = urlsplit(url)
        if parts.scheme and parts.netloc:
            return f"{parts.scheme}://{parts.netloc}"
    return "http://localhost:8501"


# --- shared steps ------------------------------------------------------------------------------------------


def create_product_and_price(flow: str, name: str, amount: str, currency: str, interval: str = "") -> bool:
    """Create Product, then Create Price for it (recurring when ``interval`` is set)."""
    product = run_step(flow, "catalog", "create_product", {"name": name})
    if not product.ok:
        return False
    ids(flow)["product"] = str(_field(product, "id"))
    inputs: dict[str, object] = {"product": ids(flow)["product"], "currency": currency, "unit_amount": amount}
    if interval:
        inputs["recurring.interval"] = interval
    price = run_step(flow, "catalog", "create_price", inputs)
    if price.ok:
        ids(flow)["price"] = str(_field(price, "id"))
    return price.ok


def create_customer_with_card(flow: str, email: str, token: str) -> bool:
    """Create Customer, Create Payment Method from a test card token, Attach it to the customer."""
    customer = run_step(flow, "customer", "create_customer", {"email": email})
    if not customer.ok:
        return False
    ids(flow)["customer"] = str(_field(customer, "id"))
    method = run_step(flow, "customer", "create_payment_method", {"type": "card", "card.token": token})
    if not method.ok:
        return False
    ids(flow)["payment_method"] = str(_field(method, "id"))
    attached = run_step(
        flow,
        "customer",
        "attach_payment_method",
        {"id": ids(flow)["payment_method"], "customer": ids(flow)["customer"]},
    )
    return attached.ok


# --- one-time payment with Payment Intents -----------------------------------------------------------------


def create_payment_intent(amount: str, currency: str) -> None:
    flow = "payment"
    result = run_step(
        flow,
        "create",
        "create_payment_intent",
        {
            "amount": amount,
            "currency": currency,
            "payment_method_types": "card",
            "description": "Playground order",
        },
    )
    if result.ok:
        ids(flow)["payment_intent"] = str(_field(result, "id"))
        track(flow, "payment_intent", _field(result, "status"))


def confirm_payment_intent(card: str) -> None:
    flow = "payment"
    intent = ids(flow)["payment_intent"]
    result = run_step(flow, "confirm", "confirm_payment_intent", {"id": intent, "payment_method": card})
    if result.ok:
        track(flow, "payment_intent", "requires_confirmation")
        track(flow, "payment_intent", _field(result, "status"))
    else:
        refresh_payment_intent(after_decline=True)


def refresh_payment_intent(*, after_decline: bool = False) -> None:
    flow = "payment"
    retrieved = run_read("retrieve_payment_intent", ids(flow)["payment_intent"])
    if retrieved.ok:
        if after_decline:
            track(flow, "payment_intent", "requires_confirmation")
        track(flow, "payment_intent", _field(retrieved, "status"))


def authenticate(outcome: str) -> None:
    """Complete or fail 3D Secure through the sandbox's control endpoint (the customer's part); re-read."""
    flow = "payment"
    answer = sessions.current().authenticate(ids(flow)["payment_intent"], succeed=outcome == "succeed")
    flow_state(flow)["notice"] = answer.message
    refresh_payment_intent()


def refund(amount: str) -> None:
    flow = "payment"
    inputs: dict[str, object] = {
        "payment_intent": ids(flow)["payment_intent"],
        "reason": "requested_by_customer",
    }
    if amount.strip():
        inputs["amount"] = amount
    result = run_step(flow, "refund", "refund_payment", inputs)
    if result.ok:
        ids(flow)["refund"] = str(_field(result, "id"))
        # A refund is its own object: the PaymentIntent stays "succeeded" (Stripe has no "refunded" status);
        # its charge is what is (partly) refunded.
        created = flow_state(flow)["results"].get("create")
        paid = _field(created, "amount") if isinstance(created, RunResult) else None
        partly = isinstance(paid, int) and _field(result, "amount") != paid
        flow_state(flow).setdefault("notes", {})["payment_intent"] = (
            "charge partly refunded" if partly else "charge refunded"
        )


# --- Checkout ----------------------------------------------------------------------------------------------


def create_promotion_code(code: str, percent_off: str) -> bool:
    """ "With a promotion code": a coupon (Create Coupon) and the code customers type (Create Promotion
    Code), both backend-only in WeWeb: a custom API creates them, Checkout only shows the code box."""
    flow = "checkout"
    if "promotion_code" in ids(flow):
        return True
    coupon = run_step(flow, "coupon", "create_coupon", {"percent_off": percent_off, "name": f"{code} launch"})
    if not coupon.ok:
        return False
    promo = run_step(
        flow,
        "promotion_code",
        "create_promotion_code",
        {"promotion.coupon": _field(coupon, "id"), "code": code},
    )
    if promo.ok:
        ids(flow)["promotion_code"] = str(_field(promo, "id"))
        flow_state(flow)["code"] = code
    return promo.ok


def create_checkout_session(*, allow_promotion_codes: bool = False) -> None:
    flow = "checkout"
    base = app_base_url()
    inputs: dict[str, object] = {
        "mode": "payment",
        "line_items": [{"price": ids(flow)["price"], "quantity": 1}],
        "success_url": f"{base}/flows?checkout=success&session_id={{CHECKOUT_SESSION_ID}}",
        "cancel_url": f"{base}/flows?checkout=cancel",
    }
    if allow_promotion_codes:
        inputs["allow_promotion_codes"] = True
    result = run_step(flow, "session", "create_checkout_session", inputs)
    if result.ok:
        ids(flow)["session"] = str(_field(result, "id"))
        ids(flow)["url"] = str(_field(result, "url"))
        track(flow, "checkout.session", _field(result, "status"))


def retrieve_checkout_session() -> None:
    flow = "checkout"
    result = run_step(flow, "retrieve", "retrieve_checkout_session", {"id": ids(flow)["session"]})
    if result.ok:
        track(flow, "checkout.session", _field(result, "status"))
        intent = _field(result, "payment_intent")
        if isinstance(intent, str):
            ids(flow)["payment_intent"] = intent
        flow_state(flow)["payment_status"] = _field(result, "payment_status")
        flow_state(flow)["amounts"] = (
            _field(result, "amount_total"),
            _field(result, "total_details"),
            _field(result, "currency"),
        )


# --- subscription ------------------------------------------------------------------------------------------


def create_subscription() -> None:
    flow = "subscription"
    result = run_step(
        flow,
        "subscription",
        "create_subscription",
        {
            "customer": ids(flow)["customer"],
            "items": [{"price": ids(flow)["price"]}],
            "default_payment_method": ids(flow)["payment_method"],
            "payment_behavior": "allow_incomplete",
        },
    )
    if result.ok:
        ids(flow)["subscription"] = str(_field(result, "id"))
        track(flow, "subscription", _field(result, "status"))
        invoice = _field(result, "latest_invoice")
        if isinstance(invoice, str):
            ids(flow)["invoice"] = invoice


def retrieve_latest_invoice() -> None:
    flow = "subscription"
    result = run_step(flow, "invoice", "retrieve_invoice", {"id": ids(flow)["invoice"]})
    if result.ok:
        track(flow, "invoice", "draft")
        track(flow, "invoice", "open")
        track(flow, "invoice", _field(result, "status"))
    sub = sessions.current().run(
        "retrieve_subscription", {"id": ids(flow)["subscription"]}, source=Source.FLOW
    )
    if sub.ok:
        track(flow, "subscription", _field(sub, "status"))


# --- invoice -----------------------------------------------------------------------------------------------


def add_invoice_item(amount: str, currency: str, description: str) -> None:
    flow = "invoice"
    result = run_step(
        flow,
        "item",
        "create_invoice_item",
        {
            "customer": ids(flow)["customer"],
            "amount": amount,
            "currency": currency,
            "description": description,
        },
    )
    if result.ok:
        ids(flow)["invoice_item"] = str(_field(result, "id"))


def create_invoice() -> None:
    flow = "invoice"
    result = run_step(
        flow,
        "invoice",
        "create_invoice",
        {
            "customer": ids(flow)["customer"],
            "collection_method": "charge_automatically",
            "pending_invoice_items_behavior": "include",
            "auto_advance": "false",
        },
    )
    if result.ok:
        ids(flow)["invoice"] = str(_field(result, "id"))
        track(flow, "invoice", _field(result, "status"))
        flow_state(flow)["amount_due"] = (_field(result, "amount_due"), _field(result, "currency"))


def finalize_invoice() -> None:
    flow = "invoice"
    result = run_step(flow, "finalize", "finalize_invoice", {"id": ids(flow)["invoice"]})
    if result.ok:
        track(flow, "invoice", _field(result, "status"))


def pay_invoice() -> None:
    flow = "invoice"
    result = run_step(
        flow,
        "pay",
        "pay_invoice",
        {"id": ids(flow)["invoice"], "payment_method": ids(flow)["payment_method"]},
    )
    if result.ok:
        track(flow, "invoice", _field(result, "status"))
    else:
        again = run_read("retrieve_invoice", ids(flow)["invoice"])
        if again.ok:
            track(flow, "invoice", _field(again, "status"))


def money_text(amount: object, currency: object) -> str:
    if isinstance(amount, int) and isinstance(currency, str):
        return money.format_minor(amount, currency)
    return "?"
