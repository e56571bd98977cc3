"""Every catalog action through the runner against the sandbox: its happy path and its typical failure.

Each test walks one resource the way a WeWeb flow would, through ``core.runner.run`` only (the code path the
app uses), and checks Stripe's answer: object fields, state changes, error status/code/message, guidance.
``ACTION_TESTS`` maps every catalog action to the test that covers it, and a test keeps it complete.
"""

from __future__ import annotations

from typing import Any

import pytest

from core import catalog
from core.results import RunResult
from core.runner import Target, run
from core.secrets import Secret


@pytest.fixture
def target(sandbox: Any, account: dict[str, str]) -> Target:
    return Target(Secret(account["secret_key"]), sandbox.api_base, "Editor")


def ok(target: Target, action_id: str, **inputs: object) -> RunResult:
    result = run(action_id, inputs, target=target)
    assert result.ok, str(result)
    assert result.request is not None
    assert result.request.status == 200
    return result


def obj(target: Target, action_id: str, **inputs: object) -> dict[str, Any]:
    return ok(target, action_id, **inputs).objects[0]


def ids(result: RunResult) -> list[str]:
    return [o["id"] for o in result.objects]


def fails(target: Target, action_id: str, status: int, **inputs: object) -> RunResult:
    result = run(action_id, inputs, target=target)
    assert not result.ok, str(result)
    assert result.request is not None
    assert result.request.sent
    assert result.request.status == status, str(result)
    assert result.error is not None
    assert result.snippets is not None
    return result


def customer(target: Target, **inputs: object) -> str:
    return str(obj(target, "create_customer", email="buyer@example.com", **inputs)["id"])


def price(target: Target, *, amount: int = 1200, recurring: bool = False) -> str:
    product = obj(target, "create_product", name="Plan" if recurring else "Thing")
    extra: dict[str, object] = {"recurring.interval": "month"} if recurring else {}
    return str(
        obj(target, "create_price", product=product["id"], currency="usd", unit_amount=amount, **extra)["id"]
    )


def paid_intent(target: Target, amount: int = 3000, **inputs: object) -> dict[str, Any]:
    return obj(
        target,
        "create_payment_intent",
        amount=amount,
        currency="usd",
        payment_method="pm_card_visa",
        payment_method_types="card",
        confirm=True,
        **inputs,
    )


ACTION_TESTS = {
    "test_products": [
        "list_products",
        "retrieve_product",
        "create_product",
        "update_product",
        "delete_product",
    ],
    "test_prices": ["list_prices", "retrieve_price", "create_price", "update_price", "deactivate_price"],
    "test_customers": [
        "list_customers",
        "retrieve_customer",
        "create_customer",
        "update_customer",
        "delete_customer",
    ],
    "test_invoices": [
        "list_invoices",
        "retrieve_invoice",
        "create_invoice",
        "update_invoice",
        "delete_invoice",
        "finalize_invoice",
        "pay_invoice",
        "void_invoice",
    ],
    "test_invoice_items": [
        "list_invoice_items",
        "retrieve_invoice_item",
        "create_invoice_item",
        "update_invoice_item",
        "delete_invoice_item",
    ],
    "test_subscriptions": [
        "list_subscriptions",
        "retrieve_subscription",
        "create_subscription",
        "update_subscription",
        "cancel_subscription",
    ],
    "test_payment_intents": [
        "list_payment_intents",
        "retrieve_payment_intent",
        "create_payment_intent",
        "update_payment_intent",
        "confirm_payment_intent",
    ],
    "test_capture_and_cancel_payment_intent": ["capture_payment_intent", "cancel_payment_intent"],
    "test_refunds_and_charges": ["refund_payment", "list_charges", "retrieve_charge"],
    "test_checkout_sessions": [
        "list_checkout_sessions",
        "retrieve_checkout_session",
        "create_checkout_session",
        "update_checkout_session",
        "list_checkout_session_line_items",
        "expire_checkout_session",
    ],
    "test_setup_intents": [
        "list_setup_intents",
        "retrieve_setup_intent",
        "create_setup_intent",
        "confirm_setup_intent",
        "cancel_setup_intent",
    ],
    "test_payment_methods": [
        "list_payment_methods",
        "create_payment_method",
        "attach_payment_method",
        "detach_payment_method",
    ],
    "test_test_clocks": [
        "list_test_clocks",
        "retrieve_test_clock",
        "create_test_clock",
        "advance_test_clock",
        "delete_test_clock",
    ],
    "test_coupons": ["list_coupons", "retrieve_coupon", "create_coupon", "update_coupon", "delete_coupon"],
    "test_promotion_codes_at_checkout": [
        "list_promotion_codes",
        "retrieve_promotion_code",
        "create_promotion_code",
        "update_promotion_code",
    ],
    "test_tax_rates": ["list_tax_rates", "retrieve_tax_rate", "create_tax_rate", "update_tax_rate"],
    "test_credit_notes": [
        "list_credit_notes",
        "retrieve_credit_note",
        "preview_credit_note",
        "create_credit_note",
        "void_credit_note",
    ],
    "test_customer_balance_transactions": [
        "list_customer_balance_transactions",
        "create_customer_balance_transaction",
    ],
}


def test_every_catalog_action_has_a_sandbox_test() -> None:
    covered = [a for actions in ACTION_TESTS.values() for a in actions]
    assert sorted(covered) == sorted(a.id for a in catalog.ACTIONS)
    assert all(name in globals() for name in ACTION_TESTS)


def test_products(target: Target) -> None:
    product = obj(
        target,
        "create_product",
        name="Hat",
        description="Warm",
        metadata='{"sku": "H1"}',
        **{"default_price_data.currency": "usd", "default_price_data.unit_amount": 2500},
    )
    assert product["id"].startswith("prod_")
    assert product["metadata"] == {"sku": "H1"}
    assert str(product["default_price"]).startswith("price_")
    assert obj(target, "retrieve_product", id=product["id"])["description"] == "Warm"
    assert obj(target, "update_product", id=product["id"], name="Cap", active="false")["name"] == "Cap"
    assert product["id"] in ids(ok(target, "list_products", active=False))
    assert product["id"] not in ids(ok(target, "list_products", active=True))
    # Typical failure: a product that has prices cannot be deleted (deactivate it instead).
    refused = fails(target, "delete_product", 400, id=product["id"])
    assert refused.error is not None
    assert "price" in refused.error.message
    plain = obj(target, "create_product", name="Temporary")
    deleted = obj(target, "delete_product", id=plain["id"])
    assert deleted["deleted"] is True
    missing = fails(target, "retrieve_product", 404, id=plain["id"])
    assert missing.error is not None
    assert missing.error.code == "resource_missing"


def test_prices(target: Target) -> None:
    product = obj(target, "create_product", name="Course")
    one_time = obj(target, "create_price", product=product["id"], currency="eur", unit_amount="4900")
    assert one_time["type"] == "one_time"
    assert one_time["unit_amount"] == 4900
    monthly = obj(
        target,
        "create_price",
        product=product["id"],
        currency="usd",
        unit_amount=1500,
        nickname="Monthly",
        **{"recurring.interval": "month"},
    )
    assert monthly["recurring"]["interval"] == "month"
    recurring = ok(target, "list_prices", product=product["id"], type="recurring")
    assert ids(recurring) == [monthly["id"]]
    assert recurring.table.loc[0, "recurring.interval"] == "month"
    assert obj(target, "retrieve_price", id=one_time["id"])["currency"] == "eur"
    assert (
        obj(target, "update_price", id=monthly["id"], nickname="Monthly plan")["nickname"] == "Monthly plan"
    )
    deactivated = obj(target, "deactivate_price", id=one_time["id"])
    assert deactivated["active"] is False
    assert one_time["id"] in ids(ok(target, "list_prices", product=product["id"], active=False))
    failure = fails(target, "create_price", 400, product="prod_missing", currency="usd", unit_amount=1000)
    assert failure.error is not None
    assert failure.error.message == "No such product: 'prod_missing'"


def test_customers(target: Target) -> None:
    created = obj(target, "create_customer", email="ada@example.com", name="Ada", metadata={"user_id": "42"})
    assert created["id"].startswith("cus_")
    assert obj(target, "retrieve_customer", id=created["id"])["name"] == "Ada"
    assert obj(target, "update_customer", id=created["id"], phone="+15555550100")["phone"] == "+15555550100"
    assert ids(ok(target, "list_customers", email="ada@example.com")) == [created["id"]]
    deleted = obj(target, "delete_customer", id=created["id"])
    assert deleted["deleted"] is True
    failure = fails(target, "retrieve_customer", 404, id="cus_missing")
    assert failure.error is not None
    assert failure.error.message == "No such customer: 'cus_missing'"


def test_invoices(target: Target) -> None:
    cus = customer(target)
    invoice = obj(target, "create_invoice", customer=cus, description="Consulting", auto_advance=False)
    assert invoice["status"] == "draft"
    item = obj(
        target, "create_invoice_item", customer=cus, invoice=invoice["id"], amount=15000, currency="usd"
    )
    assert item["invoice"] == invoice["id"]
    draft = obj(target, "retrieve_invoice", id=invoice["id"])
    assert draft["total"] == 15000
    assert obj(target, "update_invoice", id=invoice["id"], description="Consulting, March")[
        "description"
    ] == ("Consulting, March")
    assert invoice["id"] in ids(ok(target, "list_invoices", customer=cus, status="draft"))
    table = ok(target, "list_invoices", customer=cus).table
    assert "150.00" in str(table.loc[0, "total (display)"])
    finalized = obj(target, "finalize_invoice", id=invoice["id"])
    assert finalized["status"] == "open"
    # Typical failure: only drafts can be deleted.
    refused = fails(target, "delete_invoice", 400, id=invoice["id"])
    assert refused.error is not None
    assert "draft" in refused.error.message
    paid = obj(target, "pay_invoice", id=invoice["id"], payment_method="pm_card_visa")
    assert paid["status"] == "paid"
    assert paid["amount_paid"] == 15000

    to_void = obj(target, "create_invoice", customer=cus, auto_advance=False)
    obj(target, "create_invoice_item", customer=cus, invoice=to_void["id"], amount=500, currency="usd")
    obj(target, "finalize_invoice", id=to_void["id"])
    assert obj(target, "void_invoice", id=to_void["id"])["status"] == "void"

    throwaway = obj(target, "create_invoice", customer=cus)
    assert obj(target, "delete_invoice", id=throwaway["id"])["deleted"] is True


def test_invoice_items(target: Target) -> None:
    cus = customer(target)
    pending = obj(
        target, "create_invoice_item", customer=cus, amount=700, currency="usd", description="Setup"
    )
    assert pending["invoice"] is None
    assert obj(target, "retrieve_invoice_item", id=pending["id"])["description"] == "Setup"
    assert obj(target, "update_invoice_item", id=pending["id"], amount=800)["amount"] == 800
    credit = run("create_invoice_item", {"customer": cus, "amount": -200, "currency": "usd"}, target=target)
    assert credit.ok, str(credit)
    assert credit.objects[0]["amount"] == -200
    assert any(f.code == "amount.credit" for f in credit.warnings)
    listed = ok(target, "list_invoice_items", customer=cus, pending=True)
    assert set(ids(listed)) == {pending["id"], credit.objects[0]["id"]}
    assert obj(target, "delete_invoice_item", id=pending["id"])["deleted"] is True
    failure = fails(target, "create_invoice_item", 400, customer="cus_missing", amount=100, currency="usd")
    assert failure.error is not None
    assert failure.error.message == "No such customer: 'cus_missing'"


def test_subscriptions(target: Target) -> None:
    cus = customer(target)
    pm = obj(target, "attach_payment_method", id="pm_card_visa", customer=cus)
    monthly = price(target, amount=900, recurring=True)
    sub = obj(
        target,
        "create_subscription",
        customer=cus,
        items=f'[{{"price": "{monthly}", "quantity": 1}}]',
        default_payment_method=pm["id"],
        metadata={"plan": "basic"},
    )
    assert sub["status"] == "active"
    assert sub["items"]["data"][0]["price"]["id"] == monthly
    assert ids(ok(target, "list_subscriptions", customer=cus)) == [sub["id"]]
    assert obj(target, "retrieve_subscription", id=sub["id"])["metadata"] == {"plan": "basic"}
    updated = obj(target, "update_subscription", id=sub["id"], cancel_at_period_end=True)
    assert updated["cancel_at_period_end"] is True
    canceled = obj(target, "cancel_subscription", id=sub["id"])
    assert canceled["status"] == "canceled"
    # Typical failure: a subscription needs a recurring price.
    one_time = price(target)
    failure = fails(
        target,
        "create_subscription",
        400,
        customer=cus,
        items=[{"price": one_time}],
        default_payment_method=pm["id"],
    )
    assert failure.error is not None
    assert "recurring" in failure.error.message


def test_payment_intents(target: Target) -> None:
    cus = customer(target)
    intent = obj(
        target,
        "create_payment_intent",
        amount=2000,
        currency="usd",
        customer=cus,
        description="Order 1234",
        metadata={"order_id": "1234"},
        payment_method_types=["card"],
    )
    assert intent["status"] == "requires_payment_method"
    assert intent["client_secret"].startswith(intent["id"] + "_secret_")
    assert obj(target, "retrieve_payment_intent", id=intent["id"])["metadata"] == {"order_id": "1234"}
    assert obj(target, "update_payment_intent", id=intent["id"], amount=2500)["amount"] == 2500
    listed = ok(target, "list_payment_intents", customer=cus)
    assert ids(listed) == [intent["id"]]
    assert "25.00" in str(listed.table.loc[0, "amount (display)"])
    confirmed = obj(target, "confirm_payment_intent", id=intent["id"], payment_method="pm_card_visa")
    assert confirmed["status"] == "succeeded"
    assert confirmed["amount_received"] == 2500
    # Typical failure: a declined card is a 402 card_error, explained.
    other = obj(target, "create_payment_intent", amount=2000, currency="usd", payment_method_types="card")
    declined = fails(
        target, "confirm_payment_intent", 402, id=other["id"], payment_method="pm_card_chargeDeclined"
    )
    assert declined.error is not None
    assert declined.error.type == "card_error"
    assert declined.error.decline_code == "generic_decline"
    assert declined.guidance


def test_capture_and_cancel_payment_intent(target: Target) -> None:
    authorized = paid_intent(target, amount=5000, capture_method="manual")
    assert authorized["status"] == "requires_capture"
    too_much = run(
        "capture_payment_intent", {"id": authorized["id"], "amount_to_capture": 6000}, target=target
    )
    assert too_much.blocked
    assert too_much.warnings[-1].code == "amount.capture_exceeds_authorization"
    assert "$50.00" in too_much.warnings[-1].message
    captured = obj(target, "capture_payment_intent", id=authorized["id"], amount_to_capture=4000)
    assert captured["status"] == "succeeded"
    assert captured["amount_received"] == 4000
    twice = run("capture_payment_intent", {"id": authorized["id"]}, target=target)
    assert twice.blocked  # already captured: caught before the call
    assert twice.warnings[-1].code == "pitfall.payment_intent_not_capturable"

    open_intent = obj(
        target, "create_payment_intent", amount=1000, currency="usd", payment_method_types="card"
    )
    canceled = obj(target, "cancel_payment_intent", id=open_intent["id"], cancellation_reason="abandoned")
    assert canceled["status"] == "canceled"
    assert canceled["cancellation_reason"] == "abandoned"
    # Typical failure: a canceled (or succeeded) intent cannot be canceled: caught before the call.
    again = run("cancel_payment_intent", {"id": open_intent["id"]}, target=target)
    assert again.blocked
    assert "already canceled" in again.warnings[-1].message
    missing = fails(target, "cancel_payment_intent", 404, id="pi_missing")
    assert missing.error is not None
    assert missing.error.code == "resource_missing"


def test_refunds_and_charges(target: Target) -> None:
    intent = paid_intent(target, amount=3000)
    charges = ok(target, "list_charges", payment_intent=intent["id"])
    assert len(charges.objects) == 1
    charge = charges.objects[0]
    assert charge["id"] == intent["latest_charge"]
    assert obj(target, "retrieve_charge", id=charge["id"])["amount"] == 3000
    partial = obj(
        target, "refund_payment", payment_intent=intent["id"], amount=1000, reason="requested_by_customer"
    )
    assert partial["amount"] == 1000
    assert partial["status"] == "succeeded"
    rest = obj(target, "refund_payment", charge=charge["id"])
    assert rest["amount"] == 2000
    assert obj(target, "retrieve_charge", id=charge["id"])["refunded"] is True
    # Typical failures: more than was paid (caught before the call), and a charge that does not exist.
    other = paid_intent(target, amount=1000)
    too_much = run("refund_payment", {"payment_intent": other["id"], "amount": 5000}, target=target)
    assert too_much.blocked
    assert too_much.warnings[-1].code == "amount.refund_exceeds_payment"
    missing = fails(target, "retrieve_charge", 404, id="ch_missing")
    assert missing.error is not None
    assert missing.error.message == "No such charge: 'ch_missing'"


def test_checkout_sessions(target: Target) -> None:
    item_price = price(target, amount=1500)
    session = obj(
        target,
        "create_checkout_session",
        mode="payment",
        line_items=f'[{{"price": "{item_price}", "quantity": 2}}]',
        success_url="https://example.com/success?session_id={CHECKOUT_SESSION_ID}",
        cancel_url="https://example.com/cancel",
        metadata={"order_id": "77"},
    )
    assert session["id"].startswith("cs_test_")
    assert session["status"] == "open"
    assert session["url"]
    assert session["amount_total"] == 3000
    assert obj(target, "retrieve_checkout_session", id=session["id"])["metadata"] == {"order_id": "77"}
    assert session["id"] in ids(ok(target, "list_checkout_sessions", status="open"))
    lines = ok(target, "list_checkout_session_line_items", id=session["id"])
    assert len(lines.objects) == 1
    assert lines.objects[0]["quantity"] == 2
    assert obj(target, "update_checkout_session", id=session["id"], metadata={"order_id": "78"})[
        "metadata"
    ] == {"order_id": "78"}
    expired = obj(target, "expire_checkout_session", id=session["id"])
    assert expired["status"] == "expired"
    # Typical failures: expiring twice, and subscription mode with a one-time price.
    twice = fails(target, "expire_checkout_session", 400, id=session["id"])
    assert twice.error is not None
    assert "expire" in twice.error.message.lower()
    wrong_mode = fails(
        target,
        "create_checkout_session",
        400,
        mode="subscription",
        line_items=[{"price": item_price, "quantity": 1}],
        success_url="https://example.com/success",
    )
    assert wrong_mode.error is not None
    assert "recurring price" in wrong_mode.error.message


def test_setup_intents(target: Target) -> None:
    cus = customer(target)
    setup = obj(target, "create_setup_intent", customer=cus, payment_method_types="card", usage="off_session")
    assert setup["status"] == "requires_payment_method"
    confirmed = obj(target, "confirm_setup_intent", id=setup["id"], payment_method="pm_card_visa")
    assert confirmed["status"] == "succeeded"
    assert obj(target, "retrieve_setup_intent", id=setup["id"])["customer"] == cus
    assert setup["id"] in ids(ok(target, "list_setup_intents", customer=cus))
    other = obj(target, "create_setup_intent", customer=cus, payment_method_types="card")
    assert obj(target, "cancel_setup_intent", id=other["id"], cancellation_reason="abandoned")["status"] == (
        "canceled"
    )
    # Typical failure: a succeeded setup intent cannot be canceled.
    refused = fails(target, "cancel_setup_intent", 400, id=setup["id"])
    assert refused.error is not None
    assert "succeeded" in refused.error.message


def test_payment_methods(target: Target) -> None:
    cus = customer(target)
    created = obj(
        target,
        "create_payment_method",
        type="card",
        **{"card.token": "tok_visa", "billing_details.name": "Ada"},
    )
    assert created["id"].startswith("pm_")
    assert created["card"]["last4"] == "4242"
    attached = obj(target, "attach_payment_method", id=created["id"], customer=cus)
    assert attached["customer"] == cus
    listed = ok(target, "list_payment_methods", customer=cus, type="card")
    assert ids(listed) == [created["id"]]
    assert listed.table.loc[0, "card.last4"] == "4242"
    detached = obj(target, "detach_payment_method", id=created["id"])
    assert detached["customer"] is None
    failure = fails(target, "attach_payment_method", 400, id="pm_card_visa", customer="cus_missing")
    assert failure.error is not None
    assert failure.error.message == "No such customer: 'cus_missing'"


def test_test_clocks(target: Target, sandbox: Any) -> None:
    start = 1_767_225_600  # 1 January 2026
    clock = obj(target, "create_test_clock", frozen_time=start, name="Renewals")
    assert (clock["status"], clock["frozen_time"]) == ("ready", start)
    cus = obj(target, "create_customer", email="clock@example.com", test_clock=clock["id"])
    assert (cus["test_clock"], cus["created"]) == (clock["id"], start)
    assert ids(ok(target, "list_test_clocks")) == [clock["id"]]
    advancing = obj(target, "advance_test_clock", id=clock["id"], frozen_time=start + 86_400)
    assert advancing["status"] == "advancing"
    assert sandbox.runtime.scheduler.wait_idle()
    ready = obj(target, "retrieve_test_clock", id=clock["id"])
    assert (ready["status"], ready["frozen_time"]) == ("ready", start + 86_400)
    # Typical failure: a clock only moves forward.
    failure = fails(target, "advance_test_clock", 400, id=clock["id"], frozen_time=start)
    assert failure.error is not None
    assert failure.error.param == "frozen_time"
    deleted = obj(target, "delete_test_clock", id=clock["id"])
    assert deleted["deleted"] is True


def test_coupons(target: Target) -> None:
    percent = obj(target, "create_coupon", percent_off="15", duration="forever", name="Launch")
    assert (percent["percent_off"], percent["currency"]) == (15, None)
    fixed = obj(target, "create_coupon", id="FIVE", amount_off=500, currency="usd")
    assert (fixed["id"], fixed["amount_off"]) == ("FIVE", 500)
    assert obj(target, "retrieve_coupon", id="FIVE")["currency"] == "usd"
    assert obj(target, "update_coupon", id="FIVE", name="Five off")["name"] == "Five off"
    assert sorted(ids(ok(target, "list_coupons"))) == sorted([percent["id"], "FIVE"])
    assert obj(target, "delete_coupon", id="FIVE")["deleted"] is True
    # Typical failures: caught before the call (a percentage given a currency; amount_off typed in dollars
    # warns), and Stripe's answer for an id that is taken.
    with_currency = run("create_coupon", {"percent_off": "10", "currency": "usd"}, target=target)
    assert with_currency.blocked
    assert with_currency.warnings[-1].pitfall == "coupon_percent_with_currency"
    dollars = ok(target, "create_coupon", amount_off=5, currency="usd")
    assert any(w.code == "amount.looks_like_major_units" and "500" in w.fix for w in dollars.warnings)
    both = run("create_coupon", {"percent_off": "10", "amount_off": 100, "currency": "usd"}, target=target)
    assert both.blocked
    taken = fails(target, "create_coupon", 400, id=percent["id"], percent_off="5")
    assert taken.error is not None
    assert taken.error.code == "resource_already_exists"


def test_promotion_codes_at_checkout(target: Target) -> None:
    coupon = obj(target, "create_coupon", percent_off="10")
    promo = obj(
        target,
        "create_promotion_code",
        **{"promotion.coupon": coupon["id"], "code": "TEN", "max_redemptions": 1},
        **{"restrictions.minimum_amount": 1000, "restrictions.minimum_amount_currency": "usd"},
    )
    assert (promo["code"], promo["promotion"]["coupon"]) == ("TEN", coupon["id"])
    assert obj(target, "retrieve_promotion_code", id=promo["id"])["restrictions"]["minimum_amount"] == 1000
    assert ids(ok(target, "list_promotion_codes", code="ten")) == [promo["id"]]
    session = obj(
        target,
        "create_checkout_session",
        mode="payment",
        success_url="https://example.com/ok",
        line_items=[{"price": price(target, amount=2000), "quantity": 1}],
        discounts=[{"promotion_code": promo["id"]}],
    )
    assert session["amount_total"] == 1800
    both = run(
        "create_checkout_session",
        {"mode": "payment", "success_url": "https://example.com/ok", "allow_promotion_codes": True,
         "line_items": [{"price": price(target), "quantity": 1}], "discounts": [{"coupon": coupon["id"]}]},
        target=target,
    )  # fmt: skip
    assert both.blocked
    assert both.warnings[-1].pitfall == "checkout_promotion_codes_and_discounts"
    assert obj(target, "update_promotion_code", id=promo["id"], active=False)["active"] is False
    inactive = run(
        "create_checkout_session",
        {"mode": "payment", "success_url": "https://example.com/ok",
         "line_items": [{"price": price(target), "quantity": 1}],
         "discounts": [{"promotion_code": promo["id"]}]},
        target=target,
    )  # fmt: skip
    assert inactive.blocked
    assert inactive.warnings[-1].pitfall == "promotion_code_not_redeemable"
    assert "inactive" in inactive.warnings[-1].message


def test_tax_rates(target: Target) -> None:
    vat = obj(target, "create_tax_rate", display_name="VAT", percentage="20", inclusive=True, country="FR")
    assert (vat["percentage"], vat["inclusive"]) == (20, True)
    assert obj(target, "retrieve_tax_rate", id=vat["id"])["country"] == "FR"
    assert obj(target, "update_tax_rate", id=vat["id"], active=False)["active"] is False
    assert ids(ok(target, "list_tax_rates", active=False)) == [vat["id"]]
    missing = run("create_tax_rate", {"display_name": "VAT", "percentage": "20"}, target=target)
    assert missing.blocked  # inclusive is required: say which way the tax goes
    unknown = fails(target, "retrieve_tax_rate", 404, id="txr_missing")
    assert unknown.error is not None
    assert unknown.error.code == "resource_missing"


def test_credit_notes(target: Target) -> None:
    cus = customer(target)
    invoice = obj(target, "create_invoice", customer=cus, collection_method="send_invoice", days_until_due=7)
    obj(target, "create_invoice_item", customer=cus, invoice=invoice["id"], amount=3000, currency="usd")
    obj(target, "finalize_invoice", id=invoice["id"])
    preview = obj(target, "preview_credit_note", invoice=invoice["id"], amount=1000)
    assert (preview["total"], preview["pre_payment_amount"]) == (1000, 1000)
    note = obj(target, "create_credit_note", invoice=invoice["id"], amount=1000, memo="Goodwill")
    assert note["number"].endswith("-CN-01")
    assert obj(target, "retrieve_invoice", id=invoice["id"])["amount_due"] == 2000
    assert ids(ok(target, "list_credit_notes", invoice=invoice["id"])) == [note["id"]]
    assert obj(target, "retrieve_credit_note", id=note["id"])["memo"] == "Goodwill"
    assert obj(target, "void_credit_note", id=note["id"])["status"] == "void"
    # Typical failure: more than the invoice is worth.
    too_much = fails(target, "create_credit_note", 400, invoice=invoice["id"], amount=9000)
    assert too_much.error is not None
    assert "remains creditable" in str(too_much.error.message)


def test_customer_balance_transactions(target: Target) -> None:
    cus = customer(target)
    credit = obj(
        target,
        "create_customer_balance_transaction",
        customer=cus,
        amount=-500,
        currency="usd",
        description="Goodwill",
    )
    assert (credit["amount"], credit["ending_balance"], credit["type"]) == (-500, -500, "adjustment")
    assert ids(ok(target, "list_customer_balance_transactions", customer=cus)) == [credit["id"]]
    # Typical failure: a customer that does not exist.
    unknown = fails(
        target, "create_customer_balance_transaction", 404, customer="cus_missing", amount=-5, currency="usd"
    )
    assert unknown.error is not None
    assert unknown.error.code == "resource_missing"
