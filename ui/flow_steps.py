"""How each guided flow is drawn: its steps in order, each unlocked by the one before, beside its diagram.

The work of every step is in :mod:`ui.flows`; this module only lays out widgets and buttons.
"""

from __future__ import annotations

import streamlit as st

from core import money
from ui import action_form, flows, target_picker, time_travel
from ui.flows import ids, status


def _layout() -> tuple[st.delta_generator.DeltaGenerator, st.delta_generator.DeltaGenerator]:
    steps, picture = st.columns([3, 2], gap="large")
    return steps, picture


def _start_over(flow: str) -> None:
    st.button(
        "Start over",
        key=f"flows_{flow}_reset",
        on_click=flows.reset,
        args=(flow,),
        icon=":material/restart_alt:",
    )


def payment() -> None:
    flow = "payment"
    steps, picture = _layout()
    with picture:
        flows.diagram(flow, "payment_intent", "Payment Intent")
        _start_over(flow)
    with steps:
        created = "payment_intent" in ids(flow)
        flows.step_header(1, "Create a Payment Intent (Create Payment Intent)", created)
        amount, currency = flows.amount_field(flow, "amount", "2000", "flows_payment_currency", "payment")
        if st.button("Create Payment Intent", key="flows_payment_create", disabled=created, type="primary"):
            flows.create_payment_intent(amount, currency)
            st.rerun()
        flows.last_result(flow, "create")
        if not created:
            return
        current = status(flow, "payment_intent")
        paid = current == "succeeded"
        flows.step_header(2, "Confirm with a test card (the payment element's job in WeWeb)", paid)
        card = st.selectbox(
            "Test card",
            list(flows.PAYMENT_CARDS),
            format_func=lambda v: flows.PAYMENT_CARDS.get(v, v),
            key="flows_payment_card",
        )
        if st.button(
            "Confirm payment", key="flows_payment_confirm", disabled=paid or current == "requires_action"
        ):
            flows.confirm_payment_intent(str(card))
            st.rerun()
        flows.last_result(flow, "confirm")
        if current == "requires_payment_method" and "confirm" in flows.flow_state(flow)["results"]:
            st.info(
                "The card was declined and the Payment Intent is back to requires_payment_method: "
                "try another card."
            )
        if current == "requires_action":
            st.warning("The bank asks the customer to authenticate (3D Secure).", icon=":material/lock:")
            notice = flows.flow_state(flow).get("notice")
            if notice:
                st.error(notice)
            if target_picker.is_sandbox_account():
                left, right = st.columns(2)
                if left.button("Customer completes authentication", key="flows_payment_3ds_ok"):
                    flows.authenticate("succeed")
                    st.rerun()
                if right.button("Customer fails authentication", key="flows_payment_3ds_fail"):
                    flows.authenticate("fail")
                    st.rerun()
            else:
                st.caption(
                    "On real Stripe the customer completes this in the browser "
                    "(Stripe.js handles next_action)."
                )
        if not paid:
            return
        refunded = "refund" in flows.ids(flow)
        flows.step_header(3, "Refund it (Refund Payment)", refunded)
        refund_amount = st.text_input(
            "Refund amount (empty = full refund)", key="flows_payment_refund_amount", live=True
        )
        action_form.show_preview(
            money.preview(refund_amount or "", currency, purpose="refund"), key="flows_payment_refund_preview"
        )
        if st.button("Refund", key="flows_payment_refund", disabled=refunded):
            flows.refund(refund_amount or "")
            st.rerun()
        flows.last_result(flow, "refund")
        if refunded:
            st.success("Done: created, paid, refunded. Every call is in the request log.")


def checkout() -> None:
    flow = "checkout"
    steps, picture = _layout()
    with picture:
        flows.diagram(flow, "checkout.session", "Checkout Session")
        _start_over(flow)
    with steps:
        has_price = "price" in ids(flow)
        flows.step_header(1, "Create a product and a price (Create Product, Create Price)", has_price)
        name = st.text_input("Product name", value="Playground T-shirt", key="flows_checkout_name")
        amount, currency = flows.amount_field(flow, "amount", "2500", "flows_checkout_currency", "price")
        if st.button(
            "Create product and price", key="flows_checkout_catalog", disabled=has_price, type="primary"
        ):
            flows.create_product_and_price(flow, name or "Playground T-shirt", amount, currency)
            st.rerun()
        flows.last_result(flow, "catalog")
        if not has_price:
            return
        has_session = "session" in ids(flow)
        flows.step_header(2, "Create a Checkout Session (mode payment)", has_session)
        promo = st.toggle(
            "With a promotion code",
            key="flows_checkout_promo",
            disabled=has_session,
            help="Creates a coupon and a promotion code (backend-only: a custom API in WeWeb), then a "
            "session with allow_promotion_codes=true, so the hosted page shows a code box.",
        )
        code, percent = "WELCOME10", "10"
        if promo:
            left, right = st.columns(2)
            code = left.text_input("Code", value="WELCOME10", key="flows_checkout_code", disabled=has_session)
            percent = right.text_input(
                "Percent off", value="10", key="flows_checkout_percent", disabled=has_session
            )
        if st.button("Create Checkout Session", key="flows_checkout_session", disabled=has_session):
            if not promo or flows.create_promotion_code(code or "WELCOME10", percent or "10"):
                flows.create_checkout_session(allow_promotion_codes=promo)
            st.rerun()
        for step in ("coupon", "promotion_code", "session"):
            flows.last_result(flow, step)
        if not has_session:
            return
        complete = status(flow, "checkout.session") == "complete"
        flows.step_header(3, "Open the hosted page and pay", complete)
        typed = flows.flow_state(flow).get("code")
        st.markdown(
            (f"Type **{typed}** in the promotion code box and apply it. " if typed else "")
            + "Pay with card **4242 4242 4242 4242**, any future date, any CVC. Then come back to this tab."
        )
        st.link_button(
            "Open the hosted payment page",
            ids(flow)["url"],
            icon=":material/open_in_new:",
            key="flows_checkout_open",
        )
        flows.step_header(4, "Check the session (Retrieve Checkout Session)", complete)
        if st.button("Retrieve Checkout Session", key="flows_checkout_retrieve"):
            flows.retrieve_checkout_session()
            st.rerun()
        flows.last_result(flow, "retrieve")
        if complete:
            st.success(
                f"Session complete, payment_status {flows.flow_state(flow).get('payment_status')}: in WeWeb "
                "the 'On checkout session event' trigger fires now (checkout.session.completed)."
            )
            total, details, paid_in = flows.flow_state(flow).get("amounts") or (None, None, None)
            off = details.get("amount_discount") if isinstance(details, dict) else None
            if off:
                st.info(
                    f"The promotion code took {flows.money_text(off, paid_in)} off: the customer paid "
                    f"{flows.money_text(total, paid_in)} (amount_total; total_details.amount_discount)."
                )


def subscription() -> None:
    flow = "subscription"
    steps, picture = _layout()
    with picture:
        flows.diagram(flow, "subscription", "Subscription")
        flows.diagram(flow, "invoice", "Its first invoice")
        _start_over(flow)
    with steps:
        has_price = "price" in ids(flow)
        flows.step_header(1, "Create a product and a recurring price", has_price)
        amount, currency = flows.amount_field(flow, "amount", "900", "flows_subscription_currency", "price")
        interval = st.selectbox(
            "Interval", ["month", "year", "week", "day"], key="flows_subscription_interval"
        )
        if st.button(
            "Create product and recurring price",
            key="flows_subscription_catalog",
            disabled=has_price,
            type="primary",
        ):
            flows.create_product_and_price(flow, "Playground plan", amount, currency, str(interval))
            st.rerun()
        flows.last_result(flow, "catalog")
        if not has_price:
            return
        has_customer = "payment_method" in ids(flow) and "customer" in ids(flow)
        flows.step_header(2, "A customer with a payment method", has_customer)
        email = st.text_input("Email", value="subscriber@example.com", key="flows_subscription_email")
        token = st.selectbox(
            "Card",
            list(flows.SAVED_CARDS),
            format_func=lambda v: flows.SAVED_CARDS.get(v, v),
            key="flows_subscription_card",
        )
        if st.button(
            "Create customer and attach card", key="flows_subscription_customer", disabled=has_customer
        ):
            flows.create_customer_with_card(flow, email or "subscriber@example.com", str(token))
            st.rerun()
        flows.last_result(flow, "customer")
        if not has_customer:
            return
        has_sub = "subscription" in ids(flow)
        flows.step_header(3, "Create the subscription (Create Subscription)", has_sub)
        if st.button("Create Subscription", key="flows_subscription_create", disabled=has_sub):
            flows.create_subscription()
            st.rerun()
        flows.last_result(flow, "subscription")
        if not has_sub:
            return
        paid = status(flow, "invoice") == "paid"
        flows.step_header(4, "Its first invoice is paid", paid)
        if st.button("Retrieve the latest invoice", key="flows_subscription_invoice"):
            flows.retrieve_latest_invoice()
            st.rerun()
        flows.last_result(flow, "invoice")
        if paid and status(flow, "subscription") == "active":
            st.success("Subscription active, first invoice paid: gate access on status == 'active'.")


def invoice() -> None:
    flow = "invoice"
    steps, picture = _layout()
    with picture:
        flows.diagram(flow, "invoice", "Invoice")
        _start_over(flow)
    with steps:
        has_customer = "payment_method" in ids(flow)
        flows.step_header(1, "A customer with a card", has_customer)
        email = st.text_input("Email", value="billing@example.com", key="flows_invoice_email")
        if st.button(
            "Create customer and attach card",
            key="flows_invoice_customer",
            disabled=has_customer,
            type="primary",
        ):
            flows.create_customer_with_card(flow, email or "billing@example.com", "tok_visa")
            st.rerun()
        flows.last_result(flow, "customer")
        if not has_customer:
            return
        has_item = "invoice_item" in ids(flow)
        flows.step_header(2, "Add an invoice item (Create Invoice Item)", has_item)
        amount, currency = flows.amount_field(
            flow, "amount", "4900", "flows_invoice_currency", "invoice_item"
        )
        description = st.text_input(
            "Description", value="Consulting, 1 hour", key="flows_invoice_description"
        )
        if st.button("Create Invoice Item", key="flows_invoice_item", disabled=has_item):
            flows.add_invoice_item(amount, currency, description or "")
            st.rerun()
        flows.last_result(flow, "item")
        if not has_item:
            return
        has_invoice = "invoice" in ids(flow)
        flows.step_header(3, "Create the invoice (draft, with the pending item)", has_invoice)
        if st.button("Create Invoice", key="flows_invoice_create", disabled=has_invoice):
            flows.create_invoice()
            st.rerun()
        flows.last_result(flow, "invoice")
        if not has_invoice:
            return
        current = status(flow, "invoice")
        flows.step_header(4, "Finalize it (draft → open)", current in ("open", "paid"))
        if st.button("Finalize Invoice", key="flows_invoice_finalize", disabled=current != "draft"):
            flows.finalize_invoice()
            st.rerun()
        flows.last_result(flow, "finalize")
        if current not in ("open", "paid"):
            return
        flows.step_header(5, "Pay it (open → paid)", current == "paid")
        if st.button("Pay Invoice", key="flows_invoice_pay", disabled=current == "paid"):
            flows.pay_invoice()
            st.rerun()
        flows.last_result(flow, "pay")
        if current == "paid":
            st.success(
                "Invoice paid: in WeWeb an invoice.paid webhook would reach your backend workflow now."
            )


DRAW = {
    "payment": payment,
    "checkout": checkout,
    "subscription": subscription,
    "invoice": invoice,
    "time": time_travel.draw,
}
