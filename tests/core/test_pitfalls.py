"""The pitfall catalog and its detectors, before a call (inputs) and after one (real stripe exceptions)."""

from __future__ import annotations

import re
import socket
from pathlib import Path
from typing import Any

import pytest
import stripe
from hypothesis import given, settings
from hypothesis import strategies as st
from sandbox_keys import restricted_key

from core import pitfalls
from core.environments import Environment, key_mode_findings
from core.findings import Finding, Severity
from core.keys import KeyField, inspect_key
from core.pitfalls import (
    CANCELABLE_STATUSES,
    CATALOG,
    amount_findings,
    cancel_not_allowed,
    capture_not_allowed,
    describe_permission,
    editor_limitation,
    from_stripe_error,
    missing_permission,
)
from core.secrets import Secret

ROOT = Path(__file__).resolve().parents[2]
BODY = "51Habcdef" + "x7Y" * 30


def error_body(**fields: Any) -> dict[str, Any]:
    return {"error": {k: v for k, v in fields.items() if v is not None}}


def one(findings: list[Finding]) -> Finding:
    assert len(findings) == 1, [f.code for f in findings]
    return findings[0]


class TestCatalog:
    def test_ids_unique_and_complete(self) -> None:
        ids = [p.id for p in CATALOG]
        assert len(ids) == len(set(ids))
        required = {
            "live_key_in_editor",
            "test_key_in_production",
            "amounts_in_cents",
            "restricted_key_permissions",
            "payment_intent_cannot_be_canceled",
            "editor_limitation_setup_intents",
            "editor_limitation_charges",
            "editor_limitation_payment_methods",
            "editor_limitation_checkout_sessions",
            "editor_limitation_invoice_items",
            *(f"http_{code}" for code in (400, 401, 402, 403, 404, 409, 429, 500)),
            "publishable_key_as_secret",
            "secret_key_in_publishable_field",
            "livemode_mismatch",
            "missing_return_url",
            "stripe_unreachable",
        }
        assert required <= set(ids)

    def test_entries_are_filled_in(self) -> None:
        for p in CATALOG:
            assert p.title
            assert p.what_happened.endswith(".")
            assert p.how_to_fix
            assert p.doc_url.startswith("https://")
            assert isinstance(p.severity, Severity)

    def test_get(self) -> None:
        assert pitfalls.get("http_403").title == "403 Forbidden"
        assert pitfalls.get("amounts_in_smallest_unit").id == "amounts_in_cents"  # alias
        with pytest.raises(KeyError, match="Unknown pitfall 'nope'"):
            pitfalls.get("nope")

    def test_explain(self) -> None:
        f = one(cancel_not_allowed("succeeded"))
        entry = pitfalls.explain(f)
        assert entry is not None
        assert entry.title == "Payment Intent cannot be canceled"
        assert pitfalls.explain(Finding("x", Severity.INFO, "m", "f")) is None
        assert pitfalls.explain(Finding("x", Severity.INFO, "m", "f", pitfall="unknown_id")) is None

    def test_every_pitfall_id_used_in_the_code_is_in_the_catalog(self) -> None:
        used: set[str] = set()
        for folder in ("core", "ui", "pages"):
            for path in (ROOT / folder).rglob("*.py"):
                used |= set(re.findall(r'pitfall="([a-z0-9_]+)"', path.read_text(encoding="utf-8")))
        assert used
        for pitfall_id in used:
            pitfalls.get(pitfall_id)


class TestBeforeACall:
    def test_live_key_outside_production(self) -> None:
        report = inspect_key("sk_live_" + BODY)
        f = one(key_mode_findings(Environment.EDITOR, {"secret_key": report}))
        assert f.pitfall == "live_key_in_editor"
        assert pitfalls.explain(f) is pitfalls.get("live_key_in_editor")
        assert f.severity is Severity.ERROR
        assert f.field == "editor.secret_key"
        assert key_mode_findings("production", {"secret_key": report}) == []
        assert key_mode_findings("editor", {"secret_key": inspect_key("sk_test_" + BODY)}) == []

    def test_test_key_in_production(self) -> None:
        pk = inspect_key("pk_test_" + BODY)
        f = one(key_mode_findings("production", {"publishable_key": pk}))
        assert f.pitfall == "test_key_in_production"
        assert f.field == "production.publishable_key"
        assert key_mode_findings("staging", {"secret_key": inspect_key("sk_test_" + BODY)}) == []

    def test_amount_findings_delegate_to_money(self) -> None:
        f = amount_findings(10, "usd")[1]
        assert f.pitfall == "amounts_in_cents"
        assert f.fix == "Did you mean 1000 ($10.00)?"
        assert amount_findings(1000, "usd") == []

    @pytest.mark.parametrize("status", CANCELABLE_STATUSES)
    def test_cancelable_statuses(self, status: str) -> None:
        assert cancel_not_allowed(status) == []

    def test_cancel_succeeded(self) -> None:
        f = one(cancel_not_allowed("succeeded", "pi_123"))
        assert f.pitfall == "payment_intent_cannot_be_canceled"
        assert f.message.startswith("Payment Intent pi_123 has succeeded")
        assert (
            "requires_payment_method, requires_capture, requires_confirmation, requires_action, processing"
            in (f.message)
        )
        assert "Refund Payment" in f.fix

    def test_cancel_canceled(self) -> None:
        assert "already canceled" in one(cancel_not_allowed("canceled")).message

    def test_capture(self) -> None:
        assert capture_not_allowed("requires_capture") == []
        f = one(capture_not_allowed("requires_confirmation", "pi_9"))
        assert f.pitfall == "payment_intent_cannot_be_captured"
        assert "Confirm it first" in f.fix

    @pytest.mark.parametrize(
        ("resource", "operation", "pitfall_id"),
        [
            ("setup_intents", "create", "editor_limitation_setup_intents"),
            ("Setup Intent", "confirm", "editor_limitation_setup_intents"),
            ("charges", "list", "editor_limitation_charges"),
            ("payment_methods", "attach", "editor_limitation_payment_methods"),
            ("payment_method", "detach", "editor_limitation_payment_methods"),
            ("checkout.session", "expire", "editor_limitation_checkout_sessions"),
            ("Checkout Sessions", "list line items", "editor_limitation_checkout_sessions"),
            ("checkout_sessions", "retrieve", "editor_limitation_checkout_sessions"),
            ("invoice_items", "list", "editor_limitation_invoice_items"),
            ("invoiceitems", "delete", "editor_limitation_invoice_items"),
        ],
    )
    def test_editor_limitations(self, resource: str, operation: str, pitfall_id: str) -> None:
        f = one(editor_limitation(resource, operation))
        assert f.pitfall == pitfall_id
        assert f.severity is Severity.WARNING
        assert "custom API" in f.message

    @pytest.mark.parametrize(
        ("resource", "operation"),
        [
            ("checkout_sessions", "create"),
            ("invoice_items", "create"),
            ("products", "delete"),
            ("prices", "list"),
        ],
    )
    def test_in_the_editor(self, resource: str, operation: str) -> None:
        assert editor_limitation(resource, operation) == []

    def test_checkout_message_names_what_is_available(self) -> None:
        f = one(editor_limitation("checkout_sessions", "expire"))
        assert f.message.startswith("'Expire' for Checkout Sessions is not in WeWeb's editor: only Create")


class TestPermissions:
    @pytest.mark.parametrize(
        ("slug", "expected"),
        [
            ("rak_plan_write", ("Prices", "Write")),
            ("rak_plan_read", ("Prices", "Read")),
            ("rak_product_write", ("Products", "Write")),
            ("rak_payment_intent_read", ("Payment Intents", "Read")),
            ("rak_invoice_item_write", ("Invoice Items", "Write")),
            ("rak_checkout_session_write", ("Checkout Sessions", "Write")),
            ("rak_accounts_kyc_basic_read", ("Accounts Kyc Basic", "Read")),
        ],
    )
    def test_describe(self, slug: str, expected: tuple[str, str]) -> None:
        assert describe_permission(slug) == expected

    def test_describe_rejects_non_slugs(self) -> None:
        with pytest.raises(ValueError, match="not a restricted-key permission"):
            describe_permission("plan_write")

    def test_missing_permission(self) -> None:
        f = one(missing_permission("rak_plan_write"))
        assert f.message == "This restricted key lacks `rak_plan_write`."
        assert f.fix.startswith(
            "In the Dashboard, API keys → edit the key → Prices: Write (`rak_plan_write`)"
        )
        assert f.pitfall == "restricted_key_permissions"

    def test_alternatives(self) -> None:
        f = one(
            missing_permission("rak_setup_intent_read", alternatives=["rak_confirmation_token_client_read"])
        )
        assert "`rak_setup_intent_read` or `rak_confirmation_token_client_read`" in f.message
        assert "Setup Intents: Read" in f.fix
        assert "Confirmation Tokens: Read" in f.fix


RK = "rk_test_" + BODY


class TestFromStripeError:
    def test_permission_error_names_the_dashboard_row(self) -> None:
        message = (
            f"The provided key '{RK}' does not have the required permissions for this endpoint on account "
            "'acct_1ABCdef'. Having the 'rak_plan_write' permission would allow this request to continue."
        )
        error = stripe.PermissionError(
            message,
            http_status=403,
            json_body=error_body(type="invalid_request_error", message=message),
            headers={"request-id": "req_abc"},
        )
        f = one(from_stripe_error(error))
        assert f.pitfall == "restricted_key_permissions"
        assert f.message.startswith("This restricted key lacks `rak_plan_write`.")
        assert "Prices: Write" in f.fix
        assert "(request req_abc)" in f.message
        assert RK not in f.message

    def test_permission_error_plural(self) -> None:
        message = (
            "The provided key 'rk_test_***abc' does not have the required permissions for this endpoint on "
            "account 'acct_1'. Having the 'rak_confirmation_token_client_read', 'rak_setup_intent_read' "
            "permissions would allow this request to continue."
        )
        f = one(from_stripe_error(stripe.PermissionError(message, http_status=403)))
        assert "`rak_confirmation_token_client_read` or `rak_setup_intent_read`" in f.message

    def test_permission_error_without_slug(self) -> None:
        message = (
            "The provided key 'rk_test_***abc' does not have the required permissions for this endpoint on "
            "account 'acct_1'. This is a restricted API key, but the required permissions are not "
            "available for use by restricted keys."
        )
        f = one(from_stripe_error(stripe.PermissionError(message, http_status=403)))
        assert f.code == "stripe.permission_not_for_restricted_keys"
        assert f.fix == "Use the secret key (sk_…) for this call."

    def test_no_such_price(self) -> None:
        error = stripe.InvalidRequestError(
            "No such price: 'price_x'",
            "id",
            code="resource_missing",
            http_status=404,
            json_body=error_body(type="invalid_request_error", code="resource_missing", param="id"),
        )
        f = one(from_stripe_error(error))
        assert f.pitfall == "http_404"
        assert f.message.startswith("No price 'price_x' exists for this key (param id).")
        assert "wrong or truncated" in f.message
        assert "other mode" in f.message
        assert "another Stripe account" in f.message
        assert f.field == "id"

    def test_no_such_price_in_params_is_400(self) -> None:
        error = stripe.InvalidRequestError(
            "No such price: 'price_1Abc'",
            "line_items[0][price]",
            code="resource_missing",
            http_status=400,
            json_body=error_body(code="resource_missing", param="line_items[0][price]"),
        )
        f = one(from_stripe_error(error))
        assert f.field == "line_items[0][price]"
        assert "'price_1Abc'" in f.message

    def test_no_payment_source_is_about_the_card_not_a_wrong_id(self) -> None:
        """Stripe says this with code resource_missing: guidance keyed on the code alone blamed the ID."""
        message = (
            "This customer has no attached payment source or default payment method. Please consider adding "
            "a default payment method. For more information, visit "
            "https://stripe.com/docs/billing/subscriptions/payment-methods-setting#payment-method-priority."
        )
        error = stripe.InvalidRequestError(
            message,
            None,
            code="resource_missing",
            http_status=400,
            json_body=error_body(code="resource_missing"),
        )
        f = one(from_stripe_error(error))
        assert f.code == "stripe.customer_without_payment_method"
        assert "wrong or truncated" not in f.message
        assert "pm_card_visa" in f.fix
        assert "default_incomplete" in f.fix

    def test_livemode_mismatch(self) -> None:
        message = (
            "No such customer: 'cus_Q1'; a similar object exists in live mode, but a test mode key was "
            "used to make this request."
        )
        f = one(
            from_stripe_error(
                stripe.InvalidRequestError(message, "id", code="resource_missing", http_status=404)
            )
        )
        assert f.pitfall == "livemode_mismatch"
        assert f.message.startswith(
            "The customer 'cus_Q1' exists in live mode, but this request used a test key."
        )
        assert f.fix == "Use a live key for this object, or create the customer again in test mode."

    @pytest.mark.parametrize(
        ("decline", "fragment", "test_pm"),
        [
            ("insufficient_funds", "insufficient funds", "pm_card_visa_chargeDeclinedInsufficientFunds"),
            ("generic_decline", "unspecified reason", "pm_card_visa_chargeDeclined"),
            ("lost_card", "reported lost", "pm_card_visa_chargeDeclinedLostCard"),
        ],
    )
    def test_card_declined(self, decline: str, fragment: str, test_pm: str) -> None:
        error = stripe.CardError(
            "Your card was declined.",
            None,
            "card_declined",
            http_status=402,
            json_body=error_body(type="card_error", code="card_declined", decline_code=decline),
        )
        f = one(from_stripe_error(error))
        assert f.pitfall == "card_declined"
        assert f.message.startswith(f"The card was declined ({decline}): ")
        assert fragment in f.message
        assert test_pm in f.message

    def test_card_error_code_without_decline_code(self) -> None:
        error = stripe.CardError(
            "Your card has expired.",
            "exp_month",
            "expired_card",
            http_status=402,
            json_body=error_body(type="card_error", code="expired_card", param="exp_month"),
        )
        f = one(from_stripe_error(error))
        assert "(expired_card)" in f.message
        assert f.field == "exp_month"

    def test_authentication_required(self) -> None:
        error = stripe.CardError(
            "This payment requires authentication.",
            None,
            "authentication_required",
            http_status=402,
            json_body=error_body(code="authentication_required", decline_code="authentication_required"),
        )
        assert "on-session" in one(from_stripe_error(error)).fix

    def test_401_masks_the_key_from_the_message(self) -> None:
        key = "sk_test_" + BODY
        f = one(
            from_stripe_error(stripe.AuthenticationError(f"Invalid API Key provided: {key}", http_status=401))
        )
        assert f.pitfall == "http_401"
        assert key not in f.message
        assert "sk_test_" + "*" * 95 in f.message

    def test_401_uses_the_given_key_when_the_message_has_none(self) -> None:
        key = Secret("sk_test_" + BODY)
        f = one(from_stripe_error(stripe.AuthenticationError("Unauthorized", http_status=401), key=key))
        assert f"({key.masked})" in f.message
        assert key.reveal() not in f.message

    def test_401_publishable_key(self) -> None:
        message = (
            "This API call cannot be made with a publishable API key. Please use a secret API key. You can "
            "find a list of your API keys at https://dashboard.stripe.com/account/apikeys."
        )
        error = stripe.AuthenticationError(message, http_status=401, code="secret_key_required")
        assert one(from_stripe_error(error)).pitfall == "publishable_key_as_secret"

    def test_401_expired(self) -> None:
        error = stripe.AuthenticationError(
            "Expired API Key provided: rk_test_****abcd", http_status=401, code="api_key_expired"
        )
        f = one(from_stripe_error(error))
        assert f.pitfall == "api_key_expired"
        assert "(rk_test_****abcd)" in f.message

    def test_401_no_key(self) -> None:
        error = stripe.AuthenticationError("You did not provide an API key. You need to ...", http_status=401)
        assert one(from_stripe_error(error)).code == "stripe.no_api_key"

    def test_connection_error(self) -> None:
        f = one(from_stripe_error(stripe.APIConnectionError("Unexpected error communicating with Stripe.")))
        assert f.pitfall == "stripe_unreachable"
        # A timeout can follow a write that went through: never promise that nothing changed.
        assert "nothing was sent" not in f.message
        assert "may or may not have been carried out" in f.message
        assert "idempotency key" in f.message

    def test_cancel_unexpected_state(self) -> None:
        message = (
            "You cannot cancel this PaymentIntent because it has a status of succeeded. Only a "
            "PaymentIntent with one of the following statuses may be canceled: requires_payment_method, "
            "requires_capture, requires_confirmation, requires_action, processing."
        )
        error = stripe.InvalidRequestError(
            message, None, code="payment_intent_unexpected_state", http_status=400
        )
        f = one(from_stripe_error(error))
        assert f.pitfall == "payment_intent_cannot_be_canceled"
        assert "has succeeded" in f.message

    def test_capture_unexpected_state(self) -> None:
        message = (
            "This PaymentIntent could not be captured because it has a status of requires_confirmation. "
            "Only a PaymentIntent with one of the following statuses may be captured: requires_capture."
        )
        error = stripe.InvalidRequestError(
            message, None, code="payment_intent_unexpected_state", http_status=400
        )
        assert one(from_stripe_error(error)).pitfall == "payment_intent_cannot_be_captured"

    def test_missing_return_url(self) -> None:
        message = (
            "A `return_url` must be specified because this Payment Intent is configured to automatically "
            "accept the payment methods enabled in the Dashboard, some of which may require a full page "
            "redirect."
        )
        error = stripe.InvalidRequestError(
            message, None, code="payment_intent_unexpected_state", http_status=400
        )
        f = one(from_stripe_error(error))
        assert f.pitfall == "missing_return_url"
        assert "allow_redirects]=never" in f.fix

    def test_amount_errors(self) -> None:
        small = stripe.InvalidRequestError(
            "Amount must be at least $0.50 usd", "amount", code="amount_too_small", http_status=400
        )
        assert one(from_stripe_error(small)).pitfall == "amount_too_small"
        integer = stripe.InvalidRequestError(
            "Invalid integer: 10.5", "amount", code="parameter_invalid_integer", http_status=400
        )
        f = one(from_stripe_error(integer))
        assert f.pitfall == "amounts_in_cents"
        assert f.field == "amount"

    def test_parameter_missing(self) -> None:
        error = stripe.InvalidRequestError(
            "Missing required param: currency.",
            "currency",
            code="parameter_missing",
            http_status=400,
            json_body=error_body(code="parameter_missing", param="currency"),
        )
        f = one(from_stripe_error(error))
        assert f.pitfall == "http_400"
        assert f.message.startswith("A required value is missing: currency.")
        assert f.fix == "Fill in currency."

    def test_idempotency(self) -> None:
        error = stripe.IdempotencyError(
            "Keys for idempotent requests can only be used with the same parameters they were first used "
            "with.",
            http_status=400,
            json_body=error_body(type="idempotency_error"),
        )
        assert one(from_stripe_error(error)).pitfall == "idempotency_key_reused"

    def test_409_429_500(self) -> None:
        assert one(from_stripe_error(stripe.APIError("conflict", http_status=409))).pitfall == "http_409"
        assert (
            one(from_stripe_error(stripe.RateLimitError("Too many", http_status=429))).pitfall == "http_429"
        )
        lock = stripe.RateLimitError(
            "This object cannot be accessed right now", http_status=429, code="lock_timeout"
        )
        assert "lock_timeout" in one(from_stripe_error(lock)).message
        assert one(from_stripe_error(stripe.APIError("boom", http_status=500))).pitfall == "http_500"
        assert one(from_stripe_error(stripe.APIError("bad gateway", http_status=502))).pitfall == "http_500"

    def test_unknown_route_404(self) -> None:
        error = stripe.InvalidRequestError(
            "Unrecognized request URL (GET: /v1/plans/).", None, http_status=404
        )
        assert one(from_stripe_error(error)).pitfall == "http_404"

    def test_generic_400(self) -> None:
        error = stripe.InvalidRequestError(
            "Received unknown parameter: foo", "foo", code="parameter_unknown", http_status=400
        )
        f = one(from_stripe_error(error))
        assert f.pitfall == "http_400"
        assert f.field == "foo"

    def test_signature_error(self) -> None:
        error = stripe.SignatureVerificationError(
            "No signatures found matching the expected signature", "t=1,v1=x"
        )
        assert one(from_stripe_error(error)).pitfall == "webhook_signature"

    def test_not_a_stripe_error(self) -> None:
        assert from_stripe_error(ValueError("x")) == []


@settings(max_examples=200)
@given(
    st.text(
        alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=16, max_size=99
    ),
    st.sampled_from([400, 401, 402, 403, 404, 409, 429, 500]),
    st.sampled_from(["sk", "rk", "pk"]),
)
def test_error_findings_never_contain_a_key(body: str, status: int, prefix: str) -> None:
    key = f"{prefix}_live_{body}"
    message = f"Invalid API Key provided: {key}; the key '{key}' lacks 'rak_plan_write' on 'acct_1'."
    error = stripe.StripeError(message, http_status=status, json_body=error_body(message=message))
    findings = from_stripe_error(error, key=Secret(key))
    assert findings
    for f in findings:
        assert key not in f.message + f.fix + repr(f)
        assert f.pitfall is not None
        pitfalls.get(f.pitfall)


class TestAgainstTheSandbox:
    """Real errors from the sandbox through the official SDK, read by from_stripe_error."""

    def test_sandbox_keys_pass_the_key_checks(self, account: dict[str, str]) -> None:
        assert inspect_key(account["secret_key"], KeyField.SECRET).findings == ()
        assert inspect_key(account["publishable_key"], KeyField.PUBLISHABLE).findings == ()

    def test_missing_permission(self, sandbox: Any, account: dict[str, str], make_client: Any) -> None:
        key = restricted_key(sandbox, account, "rak_product_write")
        assert [f.code for f in inspect_key(key, KeyField.SECRET).findings] == ["key.restricted"]
        client = make_client(key)
        product = client.v1.products.create(params={"name": "T-shirt"})
        with pytest.raises(stripe.PermissionError) as info:
            client.v1.prices.create(params={"product": product.id, "currency": "usd", "unit_amount": 1000})
        f = one(from_stripe_error(info.value, key=Secret(key)))
        assert f.message.startswith("This restricted key lacks `rak_plan_write`.")
        assert f.fix.startswith("In the Dashboard, API keys → edit the key → Prices: Write")
        assert key not in f.message + f.fix

    def test_invalid_key(self, make_client: Any) -> None:
        key = "sk_test_51" + "Z" * 97
        with pytest.raises(stripe.AuthenticationError) as info:
            make_client(key).v1.products.list()
        f = one(from_stripe_error(info.value, key=Secret(key)))
        assert f.pitfall == "http_401"
        assert key not in f.message
        assert "sk_test_" in f.message

    def test_live_key_on_the_sandbox_says_the_sandbox_is_test_mode_only(self, make_client: Any) -> None:
        """QA: the sandbox refuses every live key; 'mistyped, truncated, rolled or deleted' was wrong."""
        key = "sk_live_51" + "Z" * 97
        with pytest.raises(stripe.AuthenticationError) as info:
            make_client(key).v1.products.list()
        f = one(from_stripe_error(info.value, key=Secret(key)))
        assert f.code == "sandbox.live_key_refused"
        assert f.message.startswith("The local sandbox does not accept live keys")
        assert "mistyped" not in f.message
        assert "Use test keys" in f.fix
        assert "real Stripe" in f.fix
        assert key not in f.message + f.fix

    def test_publishable_key_as_secret(self, account: dict[str, str], make_client: Any) -> None:
        with pytest.raises(stripe.AuthenticationError) as info:
            make_client(account["publishable_key"]).v1.products.list()
        assert one(from_stripe_error(info.value)).pitfall == "publishable_key_as_secret"

    def test_no_such_price(self, stripe_client: stripe.StripeClient) -> None:
        with pytest.raises(stripe.InvalidRequestError) as info:
            stripe_client.v1.prices.retrieve("price_doesnotexist")
        f = one(from_stripe_error(info.value))
        assert f.pitfall == "http_404"
        assert f.message.startswith("No price 'price_doesnotexist' exists for this key")

    def test_amount_too_small(self, stripe_client: stripe.StripeClient) -> None:
        with pytest.raises(stripe.InvalidRequestError) as info:
            stripe_client.v1.payment_intents.create(params={"amount": 10, "currency": "usd"})
        assert one(from_stripe_error(info.value)).pitfall == "amount_too_small"
        # …which the pre-call check would have caught, with the amount the person meant:
        assert amount_findings(10, "usd")[1].fix == "Did you mean 1000 ($10.00)?"

    def test_cancel_a_succeeded_payment_intent(self, stripe_client: stripe.StripeClient) -> None:
        intent = stripe_client.v1.payment_intents.create(
            params={
                "amount": 1000,
                "currency": "usd",
                "payment_method": "pm_card_visa",
                "payment_method_types": ["card"],
                "confirm": True,
            }
        )
        assert intent.status == "succeeded"
        assert (
            one(cancel_not_allowed(intent.status, intent.id)).pitfall == "payment_intent_cannot_be_canceled"
        )
        with pytest.raises(stripe.InvalidRequestError) as info:
            stripe_client.v1.payment_intents.cancel(intent.id)
        f = one(from_stripe_error(info.value))
        assert f.pitfall == "payment_intent_cannot_be_canceled"
        assert "has succeeded" in f.message

    def test_card_declined(self, stripe_client: stripe.StripeClient) -> None:
        with pytest.raises(stripe.CardError) as info:
            stripe_client.v1.payment_intents.create(
                params={
                    "amount": 1000,
                    "currency": "usd",
                    "payment_method": "pm_card_visa_chargeDeclinedInsufficientFunds",
                    "payment_method_types": ["card"],
                    "confirm": True,
                }
            )
        f = one(from_stripe_error(info.value))
        assert f.pitfall == "card_declined"
        assert "(insufficient_funds)" in f.message

    def test_unreachable(self) -> None:
        with socket.socket() as s:  # a port nobody listens on
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        client = stripe.StripeClient(
            "sk_test_" + BODY, base_addresses={"api": f"http://127.0.0.1:{port}"}, max_network_retries=0
        )
        with pytest.raises(stripe.APIConnectionError) as info:
            client.v1.products.list()
        assert one(from_stripe_error(info.value)).pitfall == "stripe_unreachable"
