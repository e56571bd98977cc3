"""sandbox.control.ControlClient against the real sandbox: every control endpoint through the one client,
checked by what the official SDK then sees (never by the client's own answer alone)."""

from __future__ import annotations

import time
import urllib.error
from collections.abc import Callable

import pytest
import stripe

import sandbox as sandbox_package
from sandbox.control import ControlClient, ControlError, SandboxAccount


@pytest.fixture
def control(sandbox: sandbox_package.SandboxHandle) -> ControlClient:
    return sandbox.control()


@pytest.fixture
def mine(control: ControlClient) -> tuple[SandboxAccount, ControlClient]:
    account = control.create_account()
    return account, control.for_account(account)


class Masked:
    """What core.secrets.Secret looks like to the client: a key that only ``reveal()`` shows."""

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value


def test_health_and_is_running(sandbox: sandbox_package.SandboxHandle, control: ControlClient) -> None:
    assert sandbox.is_running
    assert control.health()
    assert not ControlClient("http://127.0.0.1:9").health()  # nothing listens on the discard port


def test_is_running_is_false_once_stopped() -> None:
    handle = sandbox_package.start()
    assert handle.is_running
    handle.stop()
    assert not handle.is_running
    assert not handle.control().health()


def test_create_account_and_its_keys_work_with_the_sdk(
    control: ControlClient, make_client: Callable[..., stripe.StripeClient]
) -> None:
    account = control.create_account(email="amy@example.com", business_name="Amy's")
    assert account.id.startswith("acct_")
    assert account.api_base == control.api_base
    assert account.publishable_key.startswith("pk_test_")
    assert account.secret_key.startswith("sk_test_")
    assert account.secret_key not in repr(account)
    seen = make_client(account.secret_key).v1.accounts.retrieve_current()
    assert (seen.id, seen.email) == (account.id, "amy@example.com")


def test_restricted_key_holds_exactly_its_permissions(
    mine: tuple[SandboxAccount, ControlClient], make_client: Callable[..., stripe.StripeClient]
) -> None:
    _, client = mine
    key = client.restricted_key(["rak_product_read"])
    assert key.startswith("rk_test_")
    restricted = make_client(key)
    assert restricted.v1.products.list().data == []
    with pytest.raises(stripe.PermissionError):
        restricted.v1.products.create({"name": "No"})
    with pytest.raises(ControlError) as refused:
        client.restricted_key(["rak_nonsense_read"])
    assert (refused.value.status, refused.value.param) == (400, "permissions")
    assert "Unknown permission(s): rak_nonsense_read" in refused.value.message


def test_a_masked_key_is_accepted_and_never_shown(
    control: ControlClient, make_client: Callable[..., stripe.StripeClient]
) -> None:
    account = control.create_account()
    client = control.for_account(Masked(account.secret_key))
    assert account.secret_key not in repr(client)
    client.restricted_key([])


def test_reset_deletes_the_accounts_objects(
    mine: tuple[SandboxAccount, ControlClient], make_client: Callable[..., stripe.StripeClient]
) -> None:
    account, client = mine
    sdk = make_client(account.secret_key)
    sdk.v1.products.create({"name": "Gone soon"})
    client.reset()
    assert sdk.v1.products.list().data == []


def test_delete_account_ends_its_keys(
    control: ControlClient, make_client: Callable[..., stripe.StripeClient]
) -> None:
    account = control.create_account()
    client = control.for_account(account)
    client.delete_account()
    assert not client.knows_key()
    with pytest.raises(stripe.AuthenticationError):
        make_client(account.secret_key).v1.products.list()


def test_faults_arm_list_and_clear(
    mine: tuple[SandboxAccount, ControlClient], make_client: Callable[..., stripe.StripeClient]
) -> None:
    account, client = mine
    armed = client.arm_fault("429", 2, path_prefix="/v1/products")
    assert armed["faults"] == [{"mode": "429", "remaining": 2, "path_prefix": "/v1/products"}]
    assert client.faults() == armed["faults"]
    sdk = make_client(account.secret_key, max_network_retries=0)
    with pytest.raises(stripe.RateLimitError):
        sdk.v1.products.list()
    client.clear_faults()
    assert client.faults() == []
    assert sdk.v1.products.list().data == []
    with pytest.raises(ControlError) as refused:
        client.arm_fault("explode")  # type: ignore[arg-type]
    assert refused.value.param == "mode"


def test_latency_slows_the_accounts_requests(
    mine: tuple[SandboxAccount, ControlClient], make_client: Callable[..., stripe.StripeClient]
) -> None:
    account, client = mine
    sdk = make_client(account.secret_key)
    client.set_latency(300)
    started = time.monotonic()
    sdk.v1.products.list()
    slow = time.monotonic() - started
    client.set_latency(0)
    assert slow >= 0.3
    with pytest.raises(ControlError) as refused:
        client.set_latency(-1)
    assert refused.value.param == "ms"


def test_advance_time_moves_the_accounts_clock(
    mine: tuple[SandboxAccount, ControlClient], make_client: Callable[..., stripe.StripeClient]
) -> None:
    account, client = mine
    sdk = make_client(account.secret_key)
    before = sdk.v1.products.create({"name": "Before"}).created
    now = client.advance_time(86_400)
    assert now >= before + 86_400
    after = sdk.v1.products.create({"name": "After"}).created
    assert after >= before + 86_400


def test_settings_read_and_change_billing_and_api_version(
    mine: tuple[SandboxAccount, ControlClient],
) -> None:
    account, client = mine
    current = client.settings()
    assert current["account"] == account.id
    assert current["subscription_after_failed_retries"] == "canceled"
    assert current["api_version"] == current["served_api_version"]
    changed = client.settings(subscription_after_failed_retries="unpaid", api_version="2023-08-16")
    assert changed["subscription_after_failed_retries"] == "unpaid"
    assert changed["api_version"] == "2023-08-16"
    assert client.settings() == changed
    # the older, one-setting path answers the same default version
    assert client.request("GET", "/_sandbox/api_version")["api_version"] == "2023-08-16"
    client.set_api_version(current["api_version"])
    assert client.settings()["api_version"] == current["api_version"]
    with pytest.raises(ControlError) as refused:
        client.settings(api_version="yesterday")
    assert refused.value.param == "api_version"
    with pytest.raises(ControlError) as unknown:
        client.settings(colour="blue")
    assert unknown.value.param == "colour"


def test_triggers_deliveries_and_redelivery(
    mine: tuple[SandboxAccount, ControlClient], make_client: Callable[..., stripe.StripeClient]
) -> None:
    account, client = mine
    assert "customer.created" in client.triggers()
    sdk = make_client(account.secret_key)
    endpoint = sdk.v1.webhook_endpoints.create({"url": "http://127.0.0.1:9/hooks", "enabled_events": ["*"]})
    run = client.trigger("customer.created")
    assert run.event == "customer.created"
    assert run.events == tuple(e.id for e in sdk.v1.events.list({"type": "customer.created"}).data)
    deadline = time.monotonic() + 20
    while not (found := client.deliveries(event=run.events[0])) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert found, "the trigger's event was never delivered"
    assert {d["webhook_endpoint"] for d in found} == {endpoint.id}
    again = client.redeliver(found[0]["id"])
    assert again["event"] == run.events[0]
    with pytest.raises(ControlError) as missing:
        client.redeliver("whdel_nope")
    assert missing.value.status == 404
    with pytest.raises(ControlError) as unknown:
        client.trigger("plan.created")
    assert unknown.value.status == 404


def test_three_d_secure_on_a_payment_intent(
    mine: tuple[SandboxAccount, ControlClient], make_client: Callable[..., stripe.StripeClient]
) -> None:
    account, client = mine
    sdk = make_client(account.secret_key)
    pi = sdk.v1.payment_intents.create(
        {
            "amount": 4500,
            "currency": "usd",
            "payment_method": "pm_card_threeDSecure2Required",
            "confirm": True,
            "return_url": "https://shop.example/back",
        }
    )
    assert pi.status == "requires_action"
    answer = client.authenticate_payment_intent(pi.id)
    assert answer["status"] == "succeeded"
    assert sdk.v1.payment_intents.retrieve(pi.id).status == "succeeded"


def _checkout(sdk: stripe.StripeClient) -> stripe.checkout.Session:
    return sdk.v1.checkout.sessions.create(
        {
            "mode": "payment",
            "success_url": "https://shop.example/ok?session_id={CHECKOUT_SESSION_ID}",
            "line_items": [
                {
                    "price_data": {"currency": "usd", "unit_amount": 5000, "product_data": {"name": "Tea"}},
                    "quantity": 1,
                }
            ],
        }
    )


def test_paying_a_checkout_session(
    mine: tuple[SandboxAccount, ControlClient], make_client: Callable[..., stripe.StripeClient]
) -> None:
    account, client = mine
    sdk = make_client(account.secret_key)
    session = _checkout(sdk)
    declined = client.pay_checkout(session.id, card="4000000000000002")
    assert (declined.result, declined.message) == ("failed", "Your card was declined.")
    assert sdk.v1.checkout.sessions.retrieve(session.id).status == "open"
    paid = client.pay_checkout(session.id, email="amy@example.com")
    assert paid.paid
    assert paid.redirect_url == f"https://shop.example/ok?session_id={session.id}"
    seen = sdk.v1.checkout.sessions.retrieve(session.id)
    assert (seen.status, seen.payment_status) == ("complete", "paid")
    assert paid.checkout_session["status"] == "complete"
    with pytest.raises(ControlError) as closed:
        client.pay_checkout(session.id)
    assert (closed.value.status, closed.value.param) == (400, "session")
    with pytest.raises(ControlError) as missing:
        client.pay_checkout("cs_test_nope")
    assert missing.value.status == 404


def test_a_checkout_payment_waiting_on_three_d_secure(
    mine: tuple[SandboxAccount, ControlClient], make_client: Callable[..., stripe.StripeClient]
) -> None:
    account, client = mine
    sdk = make_client(account.secret_key)
    session = _checkout(sdk)
    waiting = client.pay_checkout(session.id, card="4000002760003184")
    assert waiting.result == "requires_action"
    failed = client.authenticate_checkout(session.id, succeed=False)
    assert failed.result == "failed"
    assert client.pay_checkout(session.id, card="4000002760003184").result == "requires_action"
    done = client.authenticate_checkout(session.id)
    assert done.paid
    assert sdk.v1.checkout.sessions.retrieve(session.id).status == "complete"


def test_control_needs_the_accounts_secret_key(
    control: ControlClient, mine: tuple[SandboxAccount, ControlClient]
) -> None:
    account, _ = mine
    with pytest.raises(ControlError) as keyless:
        control.reset()
    assert keyless.value.status == 401
    for key in (account.publishable_key, "sk_test_unknown"):
        with pytest.raises(ControlError) as refused:
            control.for_account(key).reset()
        assert refused.value.status in (401, 403)
    assert isinstance(refused.value, OSError)  # one ``except OSError`` covers refusals and a dead server
    with pytest.raises(urllib.error.URLError):  # nothing listens on the discard port
        ControlClient("http://127.0.0.1:9", account.secret_key).reset()


def test_knows_key(control: ControlClient, mine: tuple[SandboxAccount, ControlClient]) -> None:
    _, client = mine
    assert client.knows_key()
    assert not control.for_account("sk_test_unknown").knows_key()
