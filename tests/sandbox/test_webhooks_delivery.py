"""Webhook delivery to a REAL HTTP receiver on 127.0.0.1: signatures verified with stripe-python, retries,
redelivery, the loopback-only rule, and delivery that never holds up the caller."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlencode

import pytest
import requests
import stripe

import sandbox
from sandbox._webhooks import (
    USER_AGENT,
    EndpointTarget,
    RetryPolicy,
    WebhookDispatcher,
    new_endpoint_secret,
)
from sandbox.resources import webhook_endpoints


@dataclass
class Received:
    body: str
    headers: dict[str, str]
    event: Any = None
    error: str | None = None


@dataclass
class Receiver:
    """A tiny webhook receiver that verifies every delivery the way a real integration would."""

    secret: str = ""
    statuses: list[int] = field(default_factory=list)  # answers to give, in order; then 200
    delay: float = 0.0
    received: list[Received] = field(default_factory=list)
    url: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def handle(self, body: str, headers: dict[str, str]) -> int:
        if self.delay:
            time.sleep(self.delay)
        item = Received(body, headers)
        try:
            item.event = stripe.Webhook.construct_event(body, headers.get("stripe-signature"), self.secret)
        except (stripe.SignatureVerificationError, ValueError) as exc:
            item.error = str(exc)
        with self.lock:
            self.received.append(item)
            status = self.statuses.pop(0) if self.statuses else 200
        return 400 if item.error else status

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.received) >= count:
                    return list(self.received)
            time.sleep(0.02)
        raise AssertionError(f"expected {count} deliveries, got {len(self.received)}")


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    rec = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length).decode("utf-8")
            headers = {k.lower(): v for k, v in self.headers.items()}
            status = rec.handle(body, headers)
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(json.dumps({"received": status == 200}).encode())

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    rec.url = f"http://127.0.0.1:{server.server_address[1]}/webhooks"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield rec
    server.shutdown()
    server.server_close()


def _event(n: int, event_type: str = "invoice.paid") -> dict[str, Any]:
    return {
        "id": f"evt_{n}",
        "object": "event",
        "type": event_type,
        "created": int(time.time()),
        "livemode": False,
        "pending_webhooks": 1,
        "api_version": "2026-10-28.endive",
        "request": {"id": None, "idempotency_key": None},
        "data": {"object": {"id": f"in_{n}", "object": "invoice"}},
    }


def _dispatcher(endpoints: Callable[[], list[EndpointTarget]], **kwargs: Any) -> WebhookDispatcher:
    kwargs.setdefault("retry", RetryPolicy(max_attempts=3, base_delay=0.05, timeout=5))
    return WebhookDispatcher(lambda account: endpoints() if account == "acct_1" else [], **kwargs)


def test_dispatcher_delivers_signed_events_with_stripes_headers(receiver: Receiver) -> None:
    receiver.secret = new_endpoint_secret()
    target = EndpointTarget("we_1", receiver.url, receiver.secret, ("invoice.paid",))
    dispatcher = _dispatcher(lambda: [target])
    try:
        dispatcher.publish("acct_1", [_event(1), _event(2, "invoice.voided"), _event(3)])
        got = receiver.wait_for(2)
        assert dispatcher.wait_idle()
        assert [r.error for r in got] == [None, None]
        assert sorted(r.event.id for r in got) == ["evt_1", "evt_3"]
        assert got[0].headers["content-type"].startswith("application/json")
        assert got[0].headers["user-agent"] == USER_AGENT
        deliveries = dispatcher.deliveries("acct_1")
        assert {d["event"] for d in deliveries} == {"evt_1", "evt_3"}
        assert all(d["status"] == "succeeded" for d in deliveries)
        assert all(d["attempts"][0]["status_code"] == 200 for d in deliveries)
        assert dispatcher.deliveries("acct_other") == []
    finally:
        dispatcher.close()


def test_failures_are_retried_with_backoff_then_given_up(receiver: Receiver) -> None:
    receiver.secret = new_endpoint_secret()
    receiver.statuses = [500, 503, 500, 500]
    target = EndpointTarget("we_1", receiver.url, receiver.secret, ("*",))
    dispatcher = _dispatcher(lambda: [target])
    try:
        dispatcher.publish("acct_1", [_event(1)])
        receiver.wait_for(3)
        assert dispatcher.wait_idle()
        (delivery,) = dispatcher.deliveries("acct_1")
        assert delivery["status"] == "failed"
        assert [a["attempt"] for a in delivery["attempts"]] == [1, 2, 3]
        assert [a["status_code"] for a in delivery["attempts"]] == [500, 503, 500]
        # exponential backoff: the second wait is longer than the first
        starts = [a["created"] for a in delivery["attempts"]]
        assert starts == sorted(starts)
        time.sleep(0.2)
        assert len(receiver.received) == 3  # bounded: no fourth attempt
    finally:
        dispatcher.close()


def test_a_retry_that_succeeds_ends_the_delivery(receiver: Receiver) -> None:
    receiver.secret = new_endpoint_secret()
    receiver.statuses = [500]
    target = EndpointTarget("we_1", receiver.url, receiver.secret, ("*",))
    dispatcher = _dispatcher(lambda: [target])
    try:
        dispatcher.publish("acct_1", [_event(1)])
        receiver.wait_for(2)
        assert dispatcher.wait_idle()
        (delivery,) = dispatcher.deliveries("acct_1")
        assert delivery["status"] == "succeeded"
        assert [a["status_code"] for a in delivery["attempts"]] == [500, 200]
        assert all(r.error is None for r in receiver.received)
    finally:
        dispatcher.close()


def test_connection_errors_are_recorded() -> None:
    target = EndpointTarget("we_1", "http://127.0.0.1:9/nothing-listens", new_endpoint_secret(), ("*",))
    dispatcher = _dispatcher(lambda: [target], retry=RetryPolicy(max_attempts=2, base_delay=0.01, timeout=2))
    try:
        dispatcher.publish("acct_1", [_event(1)])
        assert dispatcher.wait_idle()
        (delivery,) = dispatcher.deliveries("acct_1")
        assert delivery["status"] == "failed"
        assert delivery["attempts"][0]["status_code"] is None
        assert delivery["attempts"][0]["error"].startswith("Could not connect")
    finally:
        dispatcher.close()


def test_non_loopback_hosts_are_refused_unless_allow_listed() -> None:
    target = EndpointTarget("we_1", "https://hooks.example.com/stripe", new_endpoint_secret(), ("*",))
    dispatcher = _dispatcher(lambda: [target])
    try:
        dispatcher.publish("acct_1", [_event(1)])
        (delivery,) = dispatcher.deliveries("acct_1")
        assert delivery["status"] == "refused"
        assert delivery["attempts"] == []
        assert "allow-webhook-host hooks.example.com" in delivery["refused_reason"]
    finally:
        dispatcher.close()


def test_redelivery_sends_the_same_event_again(receiver: Receiver) -> None:
    receiver.secret = new_endpoint_secret()
    target = EndpointTarget("we_1", receiver.url, receiver.secret, ("*",))
    dispatcher = _dispatcher(lambda: [target])
    try:
        dispatcher.publish("acct_1", [_event(7)])
        receiver.wait_for(1)
        assert dispatcher.wait_idle()
        (first,) = dispatcher.deliveries("acct_1")
        assert dispatcher.redeliver("acct_other", first["id"]) is None
        again = dispatcher.redeliver("acct_1", first["id"])
        assert again is not None
        assert again["redelivery_of"] == first["id"]
        got = receiver.wait_for(2)
        assert [r.event.id for r in got] == ["evt_7", "evt_7"]
        assert got[0].body == got[1].body
        assert all(r.error is None for r in got)
    finally:
        dispatcher.close()


def test_a_slow_receiver_does_not_hold_up_publish(receiver: Receiver) -> None:
    receiver.secret = new_endpoint_secret()
    receiver.delay = 1.0
    target = EndpointTarget("we_1", receiver.url, receiver.secret, ("*",))
    dispatcher = _dispatcher(lambda: [target])
    try:
        returned = threading.Event()
        dispatcher.publish("acct_1", [_event(1)])
        returned.set()
        # publish came back while the receiver is still sleeping on the first delivery
        assert returned.is_set()
        assert receiver.received == []
        receiver.wait_for(1)
    finally:
        dispatcher.close()


# --- through a running sandbox: the API call → event → signed POST to the receiver ----------------------


@pytest.fixture(scope="module")
def hooked() -> Iterator[sandbox.SandboxHandle]:
    """A sandbox of this module's own, with short retry delays so failures are retried within the test."""
    handle = sandbox.start()
    webhook_endpoints.configure(handle.runtime, retry=RetryPolicy(max_attempts=3, base_delay=0.05, timeout=5))
    yield handle
    handle.stop()


@dataclass
class Account:
    client: stripe.StripeClient
    secret_key: str
    publishable_key: str
    base: str

    def control(self, method: str, path: str, key: str | None = None) -> requests.Response:
        headers = {"Authorization": f"Bearer {key or self.secret_key}"} if key != "" else {}
        return requests.request(method, self.base + path, headers=headers, timeout=10)

    def deliveries(self, **query: str) -> list[dict[str, Any]]:
        reply = self.control("GET", "/_sandbox/webhook_deliveries?" + urlencode(query))
        assert reply.status_code == 200, reply.text
        data: list[dict[str, Any]] = reply.json()["data"]
        return data

    def wait_for_delivery(self, done: Callable[[list[dict[str, Any]]], bool], timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if done(self.deliveries()):
                return
            time.sleep(0.05)
        raise AssertionError(f"deliveries never matched: {self.deliveries()}")


@pytest.fixture
def acct(hooked: sandbox.SandboxHandle) -> Account:
    keys = hooked.create_account()
    client = stripe.StripeClient(keys["secret_key"], base_addresses={"api": hooked.api_base})
    return Account(client, keys["secret_key"], keys["publishable_key"], hooked.api_base)


def _endpoint(acct: Account, url: str, events: list[str]) -> str:
    created = acct.client.v1.webhook_endpoints.create(params={"url": url, "enabled_events": events})
    secret: str = created.secret
    return secret


def test_api_events_reach_the_receiver_signed(acct: Account, receiver: Receiver) -> None:
    receiver.secret = _endpoint(acct, receiver.url, ["customer.created"])
    cus = acct.client.v1.customers.create(params={"email": "hook@example.com"})
    acct.client.v1.customers.update(cus.id, params={"name": "not delivered: customer.updated is not enabled"})
    (got,) = receiver.wait_for(1)
    assert got.error is None  # stripe.Webhook.construct_event accepted the signature
    event = acct.client.v1.events.list(params={"type": "customer.created"}).data[0]
    assert got.event.id == event.id
    assert got.event.data.object.id == cus.id
    assert got.event.pending_webhooks == 1
    assert got.headers["user-agent"] == USER_AGENT
    assert got.headers["content-type"] == "application/json; charset=utf-8"
    acct.wait_for_delivery(lambda ds: len(ds) == 1 and ds[0]["status"] == "succeeded")
    (delivery,) = acct.deliveries()
    assert delivery["event"] == event.id
    assert delivery["event_type"] == "customer.created"
    assert delivery["attempts"][0]["status_code"] == 200
    assert delivery["attempts"][0]["duration_ms"] >= 0
    time.sleep(0.2)
    assert len(receiver.received) == 1


def test_a_failed_delivery_is_retried(acct: Account, receiver: Receiver) -> None:
    receiver.secret = _endpoint(acct, receiver.url, ["*"])
    receiver.statuses = [500]
    acct.client.v1.products.create(params={"name": "Retry me"})
    receiver.wait_for(2)
    acct.wait_for_delivery(lambda ds: len(ds) == 1 and ds[0]["status"] == "succeeded")
    (delivery,) = acct.deliveries()
    assert [(a["attempt"], a["status_code"]) for a in delivery["attempts"]] == [(1, 500), (2, 200)]
    assert all(r.error is None for r in receiver.received)


def test_redeliver_through_the_control_api(acct: Account, receiver: Receiver) -> None:
    receiver.secret = _endpoint(acct, receiver.url, ["product.created"])
    acct.client.v1.products.create(params={"name": "Again"})
    receiver.wait_for(1)
    acct.wait_for_delivery(lambda ds: len(ds) == 1 and ds[0]["status"] == "succeeded")
    (first,) = acct.deliveries()
    reply = acct.control("POST", f"/_sandbox/webhook_deliveries/{first['id']}/redeliver")
    assert reply.status_code == 200, reply.text
    assert reply.json()["redelivery_of"] == first["id"]
    got = receiver.wait_for(2)
    assert got[0].event.id == got[1].event.id == first["event"]
    assert all(r.error is None for r in got)
    missing = acct.control("POST", "/_sandbox/webhook_deliveries/whdel_nope/redeliver")
    assert missing.status_code == 404
    assert missing.json()["error"]["message"] == "No such webhook delivery: 'whdel_nope'"


def test_the_control_api_needs_this_accounts_secret_key(
    acct: Account, receiver: Receiver, hooked: sandbox.SandboxHandle
) -> None:
    receiver.secret = _endpoint(acct, receiver.url, ["*"])
    acct.client.v1.products.create(params={"name": "Mine"})
    acct.wait_for_delivery(lambda ds: len(ds) == 1)
    other = hooked.create_account()
    assert acct.control("GET", "/_sandbox/webhook_deliveries", key=other["secret_key"]).json()["data"] == []
    mine = acct.deliveries()[0]["id"]
    stolen = acct.control("POST", f"/_sandbox/webhook_deliveries/{mine}/redeliver", key=other["secret_key"])
    assert stolen.status_code == 404
    assert acct.control("GET", "/_sandbox/webhook_deliveries", key="").status_code == 401
    public = acct.control("GET", "/_sandbox/webhook_deliveries", key=acct.publishable_key)
    assert public.status_code == 401
    assert public.json()["error"]["code"] == "secret_key_required"


def test_only_loopback_hosts_are_contacted(acct: Account) -> None:
    _endpoint(acct, "https://hooks.example.com/stripe", ["*"])
    acct.client.v1.products.create(params={"name": "Nowhere"})
    acct.wait_for_delivery(lambda ds: len(ds) == 1)
    (delivery,) = acct.deliveries()
    assert delivery["status"] == "refused"
    assert delivery["attempts"] == []
    assert "--allow-webhook-host hooks.example.com" in delivery["refused_reason"]


def _lan_address() -> str | None:
    """A non-loopback address of this machine (no packet is sent), or None on a loopback-only host."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("10.255.255.255", 1))
        address = str(probe.getsockname()[0])
    except OSError:
        return None
    finally:
        probe.close()
    return None if address.startswith("127.") or address == "0.0.0.0" else address  # noqa: S104


def test_an_allow_listed_host_is_delivered_to() -> None:
    address = _lan_address()
    if address is None:
        pytest.skip("this machine has no non-loopback IPv4 address to test the allow-list with")
    rec = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
            self.send_response(rec.handle(body, {k.lower(): v for k, v in self.headers.items()}))
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer((address, 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://{address}:{server.server_address[1]}/hook"
    strict = sandbox.start()
    allowing = sandbox.start(allow_webhook_hosts=[address])
    try:
        for handle, expected in ((strict, "refused"), (allowing, "succeeded")):
            keys = handle.create_account()
            client = stripe.StripeClient(keys["secret_key"], base_addresses={"api": handle.api_base})
            rec.secret = client.v1.webhook_endpoints.create(
                params={"url": url, "enabled_events": ["*"]}
            ).secret
            client.v1.products.create(params={"name": "LAN"})
            account = Account(client, keys["secret_key"], keys["publishable_key"], handle.api_base)
            account.wait_for_delivery(lambda ds, want=expected: len(ds) == 1 and ds[0]["status"] == want)
        assert len(rec.received) == 1
        assert rec.received[0].error is None
    finally:
        strict.stop()
        allowing.stop()
        server.shutdown()
        server.server_close()


def test_a_slow_receiver_does_not_delay_the_api_call(acct: Account, receiver: Receiver) -> None:
    receiver.secret = _endpoint(acct, receiver.url, ["product.created"])
    receiver.delay = 1.5
    product = acct.client.v1.products.create(params={"name": "Fast"})
    # The call has answered and its event is readable, while the receiver is still holding the delivery.
    assert acct.client.v1.events.list(params={"type": "product.created"}).data[0].data.object.id == product.id
    assert receiver.received == []
    # Events reach the dispatcher just after the commit; the delivery then waits on the sleeping receiver.
    acct.wait_for_delivery(lambda ds: len(ds) == 1)
    assert acct.deliveries()[0]["status"] == "pending"
    assert receiver.received == []
    (got,) = receiver.wait_for(1)
    assert got.event.data.object.id == product.id


def test_pending_webhooks_drops_as_deliveries_succeed(acct: Account, receiver: Receiver) -> None:
    receiver.secret = _endpoint(acct, receiver.url, ["product.created"])
    _endpoint(acct, "http://127.0.0.1:9/nothing-listens", ["product.created"])
    acct.client.v1.products.create(params={"name": "Counted"})
    receiver.wait_for(1)
    acct.wait_for_delivery(lambda ds: {d["status"] for d in ds} == {"succeeded", "failed"})
    event = acct.client.v1.events.list(params={"type": "product.created"}).data[0]
    assert event.pending_webhooks == 1  # delivered to one endpoint, never to the other
    assert acct.client.v1.events.list(params={"delivery_success": True}).data == []
    assert [e.id for e in acct.client.v1.events.list(params={"delivery_success": False}).data] == [event.id]


def test_a_whole_billing_flow_arrives_signed(acct: Account, receiver: Receiver) -> None:
    receiver.secret = _endpoint(acct, receiver.url, ["invoice.paid", "customer.subscription.created"])
    client = acct.client
    cus = client.v1.customers.create(params={"email": "flow@example.com"})
    pm = client.v1.payment_methods.attach("pm_card_visa", params={"customer": cus.id})
    client.v1.customers.update(cus.id, params={"invoice_settings": {"default_payment_method": pm.id}})
    product = client.v1.products.create(params={"name": "Flow"})
    price = client.v1.prices.create(
        params={
            "product": product.id,
            "unit_amount": 2500,
            "currency": "usd",
            "recurring": {"interval": "month"},
        }
    )
    sub = client.v1.subscriptions.create(params={"customer": cus.id, "items": [{"price": price.id}]})
    got = receiver.wait_for(2)
    assert all(r.error is None for r in got)
    by_type = {r.event.type: r.event for r in got}
    assert set(by_type) == {"invoice.paid", "customer.subscription.created"}
    assert by_type["customer.subscription.created"].data.object.id == sub.id
    assert by_type["invoice.paid"].data.object.id == sub.latest_invoice
    assert by_type["invoice.paid"].data.object.amount_paid == 2500
