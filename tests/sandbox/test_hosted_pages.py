"""The browser pages' allow-list, the redirect-URL rule and the pages' safety headers (issue 25).

The app serves these pages on its own origin, so they must not run anything a person typed and must never
send a browser to a ``javascript:`` or ``data:`` URL; everything here goes through the real sandbox over HTTP.
"""

from __future__ import annotations

import html
from typing import Any
from urllib.parse import urlsplit

import pytest
import stripe
from payment_http import get, post_form

from sandbox import hosted_pages

SUCCESS = "https://shop.example/ok?session_id={CHECKOUT_SESSION_ID}"
SCRIPT = "<script>alert('pwned')</script>"
REFUSED = (
    "javascript:alert(1)",
    "JavaScript:alert(document.cookie)",
    "data:text/html,<script>alert(1)</script>",
    "shop.example/ok",  # no scheme
    "//shop.example/ok",  # scheme-relative
    "ftp://shop.example/ok",
    "https://",  # no host
    "https://shop.example/ok page",  # whitespace
    "https://shop.example:port/",  # a port that is not a number
)


def _line(name: str = "Tea") -> dict[str, Any]:
    return {
        "price_data": {"currency": "usd", "unit_amount": 500, "product_data": {"name": name}},
        "quantity": 1,
    }


def _session(client: stripe.StripeClient, **extra: Any) -> stripe.checkout.Session:
    return client.v1.checkout.sessions.create(
        {"mode": "payment", "success_url": SUCCESS, "line_items": [_line()], **extra}
    )


@pytest.mark.parametrize("field", ["success_url", "cancel_url"])
@pytest.mark.parametrize("value", REFUSED)
def test_checkout_refuses_urls_a_browser_must_not_be_sent_to(
    stripe_client: stripe.StripeClient, field: str, value: str
) -> None:
    before = len(stripe_client.v1.checkout.sessions.list({"limit": 100}).data)
    with pytest.raises(stripe.InvalidRequestError) as refused:
        _session(stripe_client, **{field: value})
    assert refused.value.http_status == 400
    assert refused.value.code == "url_invalid"
    assert refused.value.user_message == "Not a valid URL"
    assert refused.value.param == field
    assert len(stripe_client.v1.checkout.sessions.list({"limit": 100}).data) == before  # nothing stored


def test_over_long_url_gets_stripes_length_error_and_5000_is_fine(stripe_client: stripe.StripeClient) -> None:
    prefix = "https://shop.example/ok?pad="
    with pytest.raises(stripe.InvalidRequestError) as refused:
        _session(stripe_client, cancel_url=prefix + "x" * (5001 - len(prefix)))
    assert (refused.value.code, refused.value.param) == ("url_invalid", "cancel_url")
    assert refused.value.user_message == "Invalid URL: URL must be 5000 characters or less."
    longest = prefix + "x" * (5000 - len(prefix))
    assert _session(stripe_client, cancel_url=longest).cancel_url == longest


def test_payment_and_setup_intents_refuse_a_script_return_url(stripe_client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as on_create:
        stripe_client.v1.payment_intents.create(
            {
                "amount": 1000,
                "currency": "usd",
                "payment_method": "pm_card_authenticationRequired",
                "confirm": True,
                "return_url": "javascript:alert(1)",
            }
        )
    assert (on_create.value.code, on_create.value.param) == ("url_invalid", "return_url")
    pi = stripe_client.v1.payment_intents.create({"amount": 1000, "currency": "usd"})
    with pytest.raises(stripe.InvalidRequestError) as on_confirm:
        stripe_client.v1.payment_intents.confirm(
            pi.id, {"payment_method": "pm_card_visa", "return_url": "data:text/html,hi"}
        )
    assert (on_confirm.value.code, on_confirm.value.param) == ("url_invalid", "return_url")
    assert stripe_client.v1.payment_intents.retrieve(pi.id).status == "requires_payment_method"
    with pytest.raises(stripe.InvalidRequestError) as on_setup:
        stripe_client.v1.setup_intents.create({"return_url": "example.com/back"})
    assert (on_setup.value.code, on_setup.value.param) == ("url_invalid", "return_url")


def test_nested_redirect_fields_are_named_as_stripe_names_them() -> None:
    with pytest.raises(Exception) as refused:  # noqa: PT011 - StripeError is the sandbox's own
        hosted_pages.check_redirect_params({"after_completion": {"redirect": {"url": "javascript:x"}}})
    assert getattr(refused.value, "param", None) == "after_completion[redirect][url]"
    hosted_pages.check_redirect_params({"after_completion": {"type": "hosted_confirmation"}})  # no URL: fine


def test_every_link_the_sandbox_gives_a_browser_is_on_the_allow_list(
    stripe_client: stripe.StripeClient,
) -> None:
    session = _session(stripe_client)
    pi = stripe_client.v1.payment_intents.create(
        {
            "amount": 1000,
            "currency": "usd",
            "payment_method": "pm_card_authenticationRequired",
            "confirm": True,
            "return_url": "https://shop.example/back",
        }
    )
    paid = stripe_client.v1.payment_intents.create(
        {
            "amount": 700,
            "currency": "usd",
            "payment_method": "pm_card_visa",
            "payment_method_types": ["card"],
            "confirm": True,
        }
    )
    charge = stripe_client.v1.charges.retrieve(str(paid.latest_charge))
    invoice = _open_invoice(stripe_client, "Consulting")
    assert pi.next_action is not None
    assert pi.next_action.redirect_to_url is not None
    links = [
        session.url,
        pi.next_action.redirect_to_url.url,
        charge.receipt_url,
        invoice.hosted_invoice_url,
    ]
    for link in links:
        assert link is not None
        assert hosted_pages.is_hosted_path(urlsplit(link).path), link
    for control in ("/v1/products", "/_sandbox/accounts", "/_sandbox/health", "/_sandbox/time", "/c/payx/a"):
        assert not hosted_pages.is_hosted_path(control)


def _open_invoice(client: stripe.StripeClient, description: str) -> stripe.Invoice:
    customer = client.v1.customers.create({"name": "Ada"})
    draft = client.v1.invoices.create(
        {"customer": customer.id, "collection_method": "send_invoice", "days_until_due": 7}
    )
    client.v1.invoice_items.create(
        {
            "customer": customer.id,
            "invoice": draft.id,
            "amount": 1200,
            "currency": "usd",
            "description": description,
        }
    )
    return client.v1.invoices.finalize_invoice(str(draft.id))


def _assert_safe_page(url: str) -> str:
    page = get(url)
    assert page.status == 200, page.text
    assert page.headers["content-security-policy"] == hosted_pages.CONTENT_SECURITY_POLICY
    assert "script-src" not in page.headers["content-security-policy"]  # default-src 'none' covers scripts
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "no-referrer"
    assert "<script" not in page.text.lower()
    return page.text


def test_what_people_typed_is_text_on_every_hosted_page(stripe_client: stripe.StripeClient) -> None:
    escaped = html.escape(SCRIPT, quote=True)
    session = _session(stripe_client, line_items=[_line(SCRIPT)], cancel_url="https://shop.example/c?a=1&b=2")
    assert session.url is not None
    checkout = _assert_safe_page(session.url)
    assert escaped in checkout
    assert "https://shop.example/c?a=1&amp;b=2" in checkout

    invoice = _open_invoice(stripe_client, SCRIPT)
    assert invoice.hosted_invoice_url is not None
    assert escaped in _assert_safe_page(invoice.hosted_invoice_url)

    paid = stripe_client.v1.payment_intents.create(
        {
            "amount": 700,
            "currency": "usd",
            "payment_method": "pm_card_visa",
            "payment_method_types": ["card"],
            "confirm": True,
            "description": SCRIPT,
        }
    )
    receipt = stripe_client.v1.charges.retrieve(str(paid.latest_charge)).receipt_url
    assert receipt is not None
    assert escaped in _assert_safe_page(receipt)

    challenge = stripe_client.v1.payment_intents.create(
        {
            "amount": 1000,
            "currency": "usd",
            "payment_method": "pm_card_authenticationRequired",
            "confirm": True,
            "return_url": "https://shop.example/back",
        }
    )
    assert challenge.next_action is not None
    assert challenge.next_action.redirect_to_url is not None
    _assert_safe_page(str(challenge.next_action.redirect_to_url.url))


def test_not_found_pages_carry_the_headers_and_the_api_does_not(
    sandbox: Any, stripe_client: stripe.StripeClient
) -> None:
    missing = get(f"{sandbox.public_url}/c/pay/acct_nope/cs_test_nope")
    assert missing.status == 404
    assert missing.headers["content-security-policy"] == hosted_pages.CONTENT_SECURITY_POLICY
    api = get(f"{sandbox.api_base}/_sandbox/health")
    assert "content-security-policy" not in api.headers


def test_a_paid_session_redirects_to_its_success_url_only(stripe_client: stripe.StripeClient) -> None:
    session = _session(stripe_client)
    assert session.url is not None
    paid = post_form(session.url, {"card": "4242424242424242"})
    assert paid.status == 303
    assert paid.headers["location"] == SUCCESS.replace("{CHECKOUT_SESSION_ID}", str(session.id))
