"""Guided flows in AppTest against the real sandbox: each step is a real call, lands in the request log, and
moves the highlighted state of its diagram."""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request

from playground_helpers import current_states, errors, no_exception, open_page, texts
from streamlit.testing.v1 import AppTest

from ui import request_log

PAGE = "pages/flows.py"


def click(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click().run()
    no_exception(at)
    return at


def flow(name: str) -> AppTest:
    at = open_page(PAGE)
    if name != "payment":
        at.segmented_control(key="flows_choice").set_value(name).run()
    no_exception(at)
    return at


def logged_actions(at: AppTest) -> list[str]:
    return [entry.record.action_id for entry in at.session_state[request_log.LOG]]


def test_payment_intent_declined_then_3ds_then_refunded() -> None:
    at = flow("payment")
    assert current_states(at) == [""]  # nothing created yet
    at = click(at, "flows_payment_create")
    assert current_states(at) == ["requires_payment_method"]

    at.selectbox(key="flows_payment_card").select("pm_card_visa_chargeDeclined").run()
    at = click(at, "flows_payment_confirm")
    assert any("Your card was declined." in e for e in errors(at))
    assert "decline_code: `generic_decline`" in "\n".join(c.value for c in at.caption)
    assert current_states(at) == ["requires_payment_method"]  # back, ready for another card

    at.selectbox(key="flows_payment_card").select("pm_card_authenticationRequired").run()
    at = click(at, "flows_payment_confirm")
    assert current_states(at) == ["requires_action"]
    at = click(at, "flows_payment_3ds_ok")
    assert current_states(at) == ["succeeded"]

    at.text_input(key="flows_payment_refund_amount").input("500").run()
    assert "500 usd → $5.00" in texts(at)  # the refund amount is previewed in the payment's currency
    at = click(at, "flows_payment_refund")
    # QA: "refunded" is not a PaymentIntent status; the intent stays succeeded and its charge is refunded.
    assert current_states(at) == ["succeeded"]
    assert "Payment Intent: **succeeded (charge partly refunded)**" in texts(at)
    assert '"refunded"' not in at.get("graphviz_chart")[0].proto.spec
    assert "Done: created, paid, refunded." in texts(at)
    actions = logged_actions(at)
    for action in (
        "create_payment_intent",
        "confirm_payment_intent",
        "authenticate_payment_intent",
        "retrieve_payment_intent",
        "refund_payment",
    ):
        assert action in actions


def test_failed_authentication_returns_to_requires_payment_method() -> None:
    at = click(flow("payment"), "flows_payment_create")
    at.selectbox(key="flows_payment_card").select("pm_card_authenticationRequired").run()
    at = click(at, "flows_payment_confirm")
    at = click(at, "flows_payment_3ds_fail")
    assert current_states(at) == ["requires_payment_method"]
    spec = at.get("graphviz_chart")[0].proto.spec
    assert '"requires_action" [fillcolor="#e3e1ff"]' in spec  # visited states stay tinted


def test_amount_preview_in_a_flow_step() -> None:
    at = flow("payment")
    at.selectbox(key="flows_payment_currency").select("kwd").run()
    at.text_input(key="flows_payment_amount").input("1005").run()
    assert any("must end in 0" in e for e in errors(at))
    at = click(at, "flows_payment_create")
    assert current_states(at) == [""]  # blocked before sending: nothing was created
    assert at.session_state[request_log.LOG][-1].record.sent is False


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def _pay_on_hosted_page(url: str) -> int:
    """What the buyer's browser posts on the hosted page (the e2e test clicks through the same form)."""
    body = urllib.parse.urlencode({"email": "buyer@example.com", "number": "4242424242424242"}).encode()
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, data=body, method="POST"), timeout=15) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def test_checkout_product_price_session_pay_and_retrieve() -> None:
    at = flow("checkout")
    at.text_input(key="flows_checkout_amount").input("2500").run()
    assert "2500 usd → $25.00" in texts(at)
    at = click(at, "flows_checkout_catalog")
    at = click(at, "flows_checkout_session")
    assert current_states(at) == ["open"]
    ids = at.session_state["flows_checkout"]["ids"]
    assert ids["session"].startswith("cs_test_")
    links = at.get("link_button")
    assert [b.proto.url for b in links] == [ids["url"]]
    assert "success_url" not in ids["url"]

    assert _pay_on_hosted_page(ids["url"]) == 303  # paid: redirected to the success URL
    at = click(at, "flows_checkout_retrieve")
    assert current_states(at) == ["complete"]
    assert "payment_status paid" in texts(at)
    session = at.session_state["flows_checkout"]["results"]["retrieve"].objects[0]
    assert session["success_url"].endswith("/flows?checkout=success&session_id={CHECKOUT_SESSION_ID}")


def test_checkout_with_a_promotion_code_typed_in_the_code_box() -> None:
    at = flow("checkout")
    at.text_input(key="flows_checkout_amount").input("2000").run()
    at = click(at, "flows_checkout_catalog")
    at.toggle(key="flows_checkout_promo").set_value(True).run()
    at.text_input(key="flows_checkout_code").input("SPRING25").run()
    at.text_input(key="flows_checkout_percent").input("25").run()
    at = click(at, "flows_checkout_session")
    state = at.session_state["flows_checkout"]
    assert state["ids"]["promotion_code"].startswith("promo_")
    assert state["results"]["session"].objects[0]["allow_promotion_codes"] is True
    assert "Type **SPRING25** in the promotion code box" in texts(at)
    url = state["ids"]["url"]
    applied = (
        urllib.request.urlopen(  # the hosted page's code box, as the browser posts it
            urllib.request.Request(url + "/promotion_code", data=b"code=spring25", method="POST"), timeout=15
        )
        .read()
        .decode()
    )
    assert "$15.00" in applied
    assert _pay_on_hosted_page(url) == 303
    at = click(at, "flows_checkout_retrieve")
    assert current_states(at) == ["complete"]
    assert "The promotion code took $5.00 off: the customer paid $15.00" in texts(at)


def test_subscription_becomes_active_with_its_first_invoice_paid() -> None:
    at = flow("subscription")
    at = click(at, "flows_subscription_catalog")
    price = at.session_state["flows_subscription"]["results"]["catalog"].objects[0]
    assert price["recurring"]["interval"] == "month"
    at = click(at, "flows_subscription_customer")
    at = click(at, "flows_subscription_create")
    at = click(at, "flows_subscription_invoice")
    assert current_states(at) == ["active", "paid"]
    assert "Subscription active, first invoice paid" in texts(at)


def test_subscription_with_a_failing_card_stays_incomplete() -> None:
    at = flow("subscription")
    at = click(at, "flows_subscription_catalog")
    at.selectbox(key="flows_subscription_card").select("tok_chargeCustomerFail").run()
    at = click(at, "flows_subscription_customer")
    at = click(at, "flows_subscription_create")
    assert current_states(at)[0] == "incomplete"


def test_invoice_item_invoice_finalize_pay() -> None:
    at = flow("invoice")
    at = click(at, "flows_invoice_customer")
    at.text_input(key="flows_invoice_amount").input("4900").run()
    assert "4900 usd → $49.00" in texts(at)
    at = click(at, "flows_invoice_item")
    at = click(at, "flows_invoice_create")
    assert current_states(at) == ["draft"]
    invoice = at.session_state["flows_invoice"]["results"]["invoice"].objects[0]
    assert invoice["amount_due"] == 4900
    at = click(at, "flows_invoice_finalize")
    assert current_states(at) == ["open"]
    at = click(at, "flows_invoice_pay")
    assert current_states(at) == ["paid"]
    assert "Invoice paid" in texts(at)


def test_start_over_forgets_the_flow() -> None:
    at = click(flow("payment"), "flows_payment_create")
    at = click(at, "flows_payment_reset")
    assert current_states(at) == [""]
    assert "flows_payment_confirm" not in {b.key for b in at.button}
