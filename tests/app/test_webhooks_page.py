"""Webhooks: the app's receiver accepts only correctly signed events and keeps each session's apart; the page
registers a sandbox endpoint, shows events arriving with their verdict, lists /v1/events, and the verifier
gives Stripe's exact message for every kind of failure."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

import pytest
from playground_helpers import errors, no_exception, open_page, rerun_until, texts
from streamlit.testing.v1 import AppTest

from core import webhooks
from core.environments import Connection, Environment, EnvironmentConfig, WebhookSettings
from core.secrets import Secret
from ui import connections_step, state, webhook_receiver, webhook_session, webhook_verifier

PAGE = "pages/webhooks.py"
EVENT = json.dumps(
    {"id": "evt_1", "object": "event", "type": "product.created", "data": {"object": {"id": "p"}}}
)


def post(url: str, body: str, signature: str | None) -> int:
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers["Stripe-Signature"] = signature
    request = urllib.request.Request(url, data=body.encode(), method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


@pytest.fixture(scope="module")
def receiver() -> webhook_receiver.Receiver:
    return webhook_receiver.start()


def test_receiver_accepts_only_correctly_signed_events(receiver: webhook_receiver.Receiver) -> None:
    token, secret = webhook_receiver.new_token(), "whsec_" + "a" * 32
    receiver.inbox.register(token, Secret(secret))
    url = receiver.url_for(token)
    assert post(url, EVENT, webhooks.sign(EVENT, secret)) == 200
    assert post(url, EVENT, webhooks.sign(EVENT, "whsec_" + "b" * 32)) == 400  # wrong secret
    assert post(url, EVENT.replace("evt_1", "evt_2"), webhooks.sign(EVENT, secret)) == 400  # tampered body
    assert post(url, EVENT, None) == 400  # no signature at all
    old = webhooks.sign(EVENT, secret, timestamp=int(time.time()) - 3600)
    assert post(url, EVENT, old) == 400  # replayed an hour later
    verdicts = [item.verdict for item in reversed(receiver.inbox.received(token))]
    assert verdicts == ["ok", "no_match", "no_match", "missing_header", "too_old"]
    assert receiver.inbox.received(token)[-1].event_type == "product.created"


def test_receiver_keeps_sessions_apart(receiver: webhook_receiver.Receiver) -> None:
    mine, theirs = webhook_receiver.new_token(), webhook_receiver.new_token()
    receiver.inbox.register(mine, Secret("whsec_" + "m" * 32))
    receiver.inbox.register(theirs, Secret("whsec_" + "t" * 32))
    assert post(receiver.url_for(mine), EVENT, webhooks.sign(EVENT, "whsec_" + "m" * 32)) == 200
    assert len(receiver.inbox.received(mine)) == 1
    assert receiver.inbox.received(theirs) == []
    # Their secret cannot post into my inbox, and an unknown token is not an endpoint.
    assert post(receiver.url_for(mine), EVENT, webhooks.sign(EVENT, "whsec_" + "t" * 32)) == 400
    assert post(receiver.url_for("unknown"), EVENT, webhooks.sign(EVENT, "whsec_" + "m" * 32)) == 404


def registered() -> AppTest:
    at = open_page(PAGE)
    at.button(key="webhooks_register").click().run()
    no_exception(at)
    assert not at.error
    return at


def test_registered_endpoint_receives_signed_events_live() -> None:
    at = registered()
    endpoint = at.session_state[webhook_session.ENDPOINT]
    assert endpoint.id.startswith("we_")
    assert endpoint.secret.reveal() not in texts(at)  # the whsec is shown masked
    assert endpoint.secret.masked in texts(at)
    at.button(key="webhooks_trigger").click().run()
    at = rerun_until(at, lambda a: bool(a.dataframe) and len(a.dataframe[0].value) > 0)
    feed = at.dataframe[0].value
    row = feed[feed["event type"] == "product.created"].iloc[0]
    assert row["signature"] == "valid"
    assert row["answered"] == 200
    assert str(row["object id"]).startswith("prod_")


def test_a_forged_event_is_answered_400_and_shown_rejected() -> None:
    at = registered()
    at.button(key="webhooks_forge").click().run()
    assert "answered the forged event with HTTP 400" in texts(at)
    feed = at.dataframe[0].value
    assert list(feed["signature"]) == ["no_match"]
    assert list(feed["answered"]) == [400]


def test_removing_the_endpoint_stops_the_feed() -> None:
    at = registered()
    at.button(key="webhooks_remove").click().run()
    no_exception(at)
    assert webhook_session.ENDPOINT not in at.session_state
    assert at.button(key="webhooks_register")


def test_recent_events_lists_what_happened() -> None:
    at = open_page("pages/actions.py")
    at.selectbox(key="actions_pick").set_value("create_customer").run()
    at.toggle(key="actions_create_customer_optional").set_value(True).run()  # e-mail is optional
    at.text_input(key="actions_create_customer_email").input("events@example.com").run()
    at.button(key="actions_create_customer_run").click().run()
    at.switch_page(PAGE).run()
    at.button(key="webhooks_events_load").click().run()
    assert "customer.created" in list(at.dataframe[0].value["type"])
    at.text_input(key="webhooks_events_type").input("product.created").run()
    at.button(key="webhooks_events_load").click().run()
    assert at.dataframe[0].value.empty


def verify(payload: str, header: str | None, secret: str) -> AppTest:
    at = open_page(PAGE)
    at.text_area(key=webhook_verifier.PAYLOAD).input(payload)
    at.text_input(key=webhook_verifier.HEADER).input(header or "")
    at.text_input(key=webhook_verifier.SECRET).input(secret)
    at.button(key="webhooks_verify_run").click().run()
    no_exception(at)
    return at


SECRET = "whsec_" + "s" * 32


@pytest.mark.parametrize(
    ("header", "secret", "stripe_says"),
    [
        (None, SECRET, "No Stripe-Signature header value was provided."),
        ("garbage", SECRET, "Unable to extract timestamp and signatures from header"),
        ("t=1700000000,v0=abc", SECRET, "No signatures found with expected scheme v1"),
        ("sign", "whsec_" + "x" * 32, "No signatures found matching the expected signature for payload"),
        ("old", SECRET, "Timestamp outside the tolerance zone"),
    ],
    ids=["missing", "bad-header", "wrong-scheme", "bad-secret", "too-old"],
)
def test_verifier_gives_stripes_exact_verdict(header: str | None, secret: str, stripe_says: str) -> None:
    if header == "sign":
        header = webhooks.sign(EVENT, SECRET)
    elif header == "old":
        header = webhooks.sign(EVENT, SECRET, timestamp=int(time.time()) - 3600)
    at = verify(EVENT, header, secret)
    assert at.text_input(key=webhook_verifier.SECRET).value == ""  # the whsec left the page
    assert secret not in texts(at)
    assert any(stripe_says in c.value for c in at.code)
    assert any("Rejected" in e for e in errors(at))


def test_verifier_accepts_the_signed_example_and_catches_one_changed_character() -> None:
    at = open_page(PAGE)
    at.button(key="webhooks_verify_example").click().run()
    at.button(key="webhooks_verify_run").click().run()
    assert any("Valid signature: checkout.session.completed" in s.value for s in at.success)
    payload = at.text_area(key=webhook_verifier.PAYLOAD).value
    at.text_area(key=webhook_verifier.PAYLOAD).input(payload.replace('"complete"', '"completE"'))
    at.button(key="webhooks_verify_run").click().run()
    assert any("No signatures found matching the expected signature for payload" in c.value for c in at.code)


def test_connection_webhook_settings_show_the_path_and_a_masked_secret() -> None:
    at = AppTest.from_file(open_page.__globals__["APP"], default_timeout=60).run()
    whsec = "whsec_" + "Q" * 32
    connection = Connection(
        name="Shop",
        environments={
            Environment.EDITOR: EnvironmentConfig(
                webhook=WebhookSettings(enabled=True, path="/stripe/webhook", signing_secret=Secret(whsec))
            ),
            Environment.STAGING: EnvironmentConfig(
                webhook=WebhookSettings(enabled=True, path="stripe/webhook")
            ),
        },
    )
    at.session_state[state.CONNECTIONS] = [connection]
    at.session_state[connections_step.ACTIVE] = "Shop"
    at.switch_page(PAGE).run()
    no_exception(at)
    shown = texts(at)
    assert "Shop · Editor" in shown
    assert "path `/stripe/webhook`" in shown
    assert whsec not in shown
    assert Secret(whsec).masked in shown
    assert "https://<your-backend>.weweb.io/api/stripe/webhook" in shown
    flagged = "\n".join(errors(at) + [w.value for w in at.warning])
    assert "the webhook path 'stripe/webhook' must start with '/'" in flagged
    assert "no signing secret" in flagged
    assert "has no Secret Key" not in flagged  # only the webhook's own checks belong on this page


def test_a_connection_without_a_key_gets_a_message_not_a_crash() -> None:
    at = AppTest.from_file(open_page.__globals__["APP"], default_timeout=60).run()
    at.session_state[state.CONNECTIONS] = [Connection(name="Empty")]
    at.session_state[connections_step.ACTIVE] = "Empty"
    at.switch_page(PAGE).run()
    no_exception(at)
    assert any("has no secret or restricted key" in w.value for w in at.warning)
    at.button(key="webhooks_events_load").click().run()
    no_exception(at)
    assert any("No API key" in e for e in errors(at))


def test_trigger_an_event_runs_the_sandbox_scenario_and_it_arrives_signed() -> None:
    at = registered()
    names = at.selectbox(key="webhooks_trigger_event").options
    assert "checkout.session.completed" in names
    assert at.selectbox(key="webhooks_trigger_event").value == "checkout.session.completed"
    at.selectbox(key="webhooks_trigger_event").select("invoice.payment_failed").run()
    at.button(key="webhooks_trigger_run").click().run()
    no_exception(at)
    assert not at.error
    at = rerun_until(
        at,
        lambda a: bool(a.dataframe) and "invoice.payment_failed" in set(a.dataframe[0].value["event type"]),
    )
    feed = at.dataframe[0].value
    failed = feed[feed["event type"] == "invoice.payment_failed"].iloc[0]
    assert failed["signature"] == "valid"
    assert failed["answered"] == 200
