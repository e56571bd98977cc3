"""``stripe listen``, ``stripe logs tail`` and ``stripe events resend`` work offline against the sandbox.

The contract is ``tests/node/stripe_cli_capture.json``: what the pinned CLI was recorded sending
(``tests/stripe_cli_recorder.py``). The first test records the pinned CLI again and compares, so a CLI bump
that changes the protocol fails here, next to the capture to refresh. The others run the real CLI against the
real sandbox: events forwarded to a local receiver that verifies each ``Stripe-Signature`` with
stripe-python's ``Webhook.construct_event`` under the ``whsec_`` the CLI printed, a request shown by
``logs tail`` while it runs, and ``events resend``.
"""

from __future__ import annotations

import http.server
import json
import re
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import stripe
from node_packages import NODE_DIR, cli_env, stripe_cli
from stripe_cli_recorder import capture

import sandbox as sandbox_package

CAPTURE = json.loads((NODE_DIR / "stripe_cli_capture.json").read_text())
# The fields the CLI reads from a session (its StripeCLISession), in the sandbox's answer.
SESSION_FIELDS = {
    "websocket_url", "websocket_id", "websocket_authorized_feature", "reconnect_delay", "secret",
    "display_connect_filter_warning", "default_version", "latest_version", "device_token",
}  # fmt: skip


def test_the_pinned_cli_still_speaks_the_captured_protocol() -> None:
    assert capture() == CAPTURE


class Running:
    """A long-running CLI command whose output is collected as it comes."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            [str(stripe_cli()), *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        self.output = ""
        self._lock = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            with self._lock:
                self.output += line
                self._lock.notify_all()

    def wait_for(self, pattern: str, count: int = 1, timeout: float = 20) -> list[str]:
        with self._lock:
            self._lock.wait_for(lambda: len(re.findall(pattern, self.output)) >= count, timeout)
            found = re.findall(pattern, self.output)
        assert len(found) >= count, f"waited for {count} x {pattern!r}; the CLI said:\n{self.output[-3000:]}"
        return found

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self._reader.join(timeout=5)


@pytest.fixture
def cli(tmp_path: Path, sandbox: sandbox_package.SandboxHandle, account: dict[str, str]) -> Iterator[Any]:
    started: list[Running] = []

    def start(*args: str) -> Running:
        running = Running([*args, "--api-base", sandbox.api_base], cli_env(tmp_path, account["secret_key"]))
        started.append(running)
        return running

    yield start
    for running in started:
        running.stop()
        assert account["secret_key"] not in running.output, "the CLI printed the secret key"


class Receiver:
    """A webhook endpoint on 127.0.0.1 that keeps what it received."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                outer.received.append((dict(self.headers), body))
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"received": true}')

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/webhooks"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def wait_for(self, count: int, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(self.received) >= count, f"received {len(self.received)} of {count} deliveries"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    target = Receiver()
    yield target
    target.close()


def test_listen_forwards_signed_events_and_resend_sends_again(
    cli: Callable[..., Running],
    receiver: Receiver,
    stripe_client: stripe.StripeClient,
    tmp_path: Path,
    sandbox: sandbox_package.SandboxHandle,
    account: dict[str, str],
) -> None:
    events_wanted = "customer.created,product.created"
    listen = cli("listen", "--events", events_wanted, "--forward-to", receiver.url, "--skip-update")
    [secret] = listen.wait_for(r"Your webhook signing secret is (whsec_\w+)")
    stripe_client.v1.customers.create(params={"email": "jenny@example.com"})
    stripe_client.v1.prices.create(
        params={"currency": "usd", "unit_amount": 5, "product_data": {"name": "x"}}
    )
    receiver.wait_for(2)
    listen.wait_for(r"<--  \[200\] POST " + re.escape(receiver.url), count=2)
    events = []
    for headers, body in receiver.received:
        event = stripe.Webhook.construct_event(body, headers["Stripe-Signature"], secret)
        events.append(event)
        assert "account" not in event, "the CLI would treat the event as a Connect event"
        assert headers["User-Agent"] == "Stripe/1.0 (+https://stripe.com/docs/webhooks)"
    assert sorted(e.type for e in events) == ["customer.created", "product.created"]
    assert "price.created" not in listen.output, "the CLI shows only the events it listens to"
    headers, body = receiver.received[0]
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(body, headers["Stripe-Signature"], "whsec_other")

    customer_event = next(e for e in events if e.type == "customer.created")
    resent = subprocess.run(
        [str(stripe_cli()), "events", "resend", customer_event.id, "--api-base", sandbox.api_base],
        env=cli_env(tmp_path, account["secret_key"]),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert resent.returncode == 0, resent.stderr
    assert json.loads(resent.stdout)["id"] == customer_event.id
    receiver.wait_for(3)
    headers, body = receiver.received[2]
    again = stripe.Webhook.construct_event(body, headers["Stripe-Signature"], secret)
    assert again.id == customer_event.id

    # The same device gets the same secret next time, so a receiver configured with it keeps working.
    listen.stop()
    second = cli("listen", "--events", "customer.created", "--forward-to", receiver.url, "--skip-update")
    assert second.wait_for(r"Your webhook signing secret is (whsec_\w+)") == [secret]


def test_logs_tail_shows_requests_made_while_it_runs(
    cli: Callable[..., Running], stripe_client: stripe.StripeClient
) -> None:
    tail = cli("logs", "tail")
    tail.wait_for(r"Ready! You're now waiting to receive API request logs")
    customer = stripe_client.v1.customers.create()
    with pytest.raises(stripe.InvalidRequestError):
        stripe_client.v1.customers.retrieve("cus_missing")
    [request_id] = tail.wait_for(r"\[200\] POST /v1/customers \[(req_\w+)\]")
    tail.wait_for(r"\[404\] GET /v1/customers/cus_missing")
    assert customer.last_response is not None
    assert request_id == customer.last_response.request_id


def test_logs_tail_filters(cli: Callable[..., Running], stripe_client: stripe.StripeClient) -> None:
    tail = cli("logs", "tail", "--filter-http-method", "GET", "--filter-status-code-type", "4XX")
    tail.wait_for(r"Ready!")
    stripe_client.v1.customers.create()
    with pytest.raises(stripe.InvalidRequestError):
        stripe_client.v1.customers.retrieve("cus_missing")
    tail.wait_for(r"\[404\] GET /v1/customers/cus_missing")
    assert "POST /v1/customers" not in tail.output


# --- the private endpoints' shapes (Stripe's spec does not have them) -------------------------------------


def _session(sandbox: sandbox_package.SandboxHandle, key: str, **form: str) -> requests.Response:
    return requests.post(
        sandbox.api_base + "/v1/stripecli/sessions",
        data=form,
        headers={"Authorization": f"Bearer {key}"},
        timeout=30,
    )


def test_a_session_has_what_the_cli_reads(
    sandbox: sandbox_package.SandboxHandle, account: dict[str, str]
) -> None:
    form = {
        "device_name": "laptop",
        "websocket_features[]": "webhooks",
        "forward_to_url": "http://127.0.0.1:1/x",
    }
    first = _session(sandbox, account["secret_key"], **form)
    assert first.status_code == 200, first.text
    session = first.json()
    assert set(session) == SESSION_FIELDS
    assert session["websocket_url"].startswith("ws://127.0.0.1:")
    assert session["websocket_url"].endswith(f"/_sandbox/stripecli/{account['id']}/ws")
    assert session["websocket_authorized_feature"] == "webhooks"
    assert re.fullmatch(r"whsec_\w{32}", session["secret"])
    second = _session(sandbox, account["secret_key"], **form).json()
    assert second["secret"] == session["secret"]
    assert second["websocket_id"] != session["websocket_id"]
    other_device = _session(sandbox, account["secret_key"], **{**form, "device_name": "desktop"}).json()
    assert other_device["secret"] != session["secret"]

    logs_form = {"device_name": "laptop", "filters": "{}", "websocket_features[]": "request_logs"}
    logs = _session(sandbox, account["secret_key"], **logs_form)
    assert logs.json()["websocket_authorized_feature"] == "request_logs"


def test_session_requests_are_checked(
    sandbox: sandbox_package.SandboxHandle, account: dict[str, str]
) -> None:
    key = account["secret_key"]
    bad = _session(sandbox, key, device_name="laptop", **{"websocket_features[]": "telepathy"})
    assert bad.status_code == 400
    assert bad.json()["error"]["param"] == "websocket_features[0]"
    missing = _session(sandbox, key, **{"websocket_features[]": "webhooks"})
    assert missing.json()["error"]["param"] == "device_name"
    mood = {
        "device_name": "d",
        "filters": '{"filter_mood": ["happy"]}',
        "websocket_features[]": "request_logs",
    }
    filters = _session(sandbox, key, **mood)
    assert filters.status_code == 400
    assert "filter_mood" in filters.json()["error"]["message"]
    assert _session(sandbox, "sk_test_unknown", device_name="d").status_code == 401
    publishable = _session(sandbox, account["publishable_key"], device_name="d")
    assert publishable.status_code == 401


def test_listen_latest_gets_each_event_once(
    cli: Callable[..., Running], receiver: Receiver, stripe_client: stripe.StripeClient
) -> None:
    """The sandbox sends each event for the default and for the latest version; ``--latest`` keeps only the
    latter, a plain listen only the former: either way one delivery per event."""
    latest = cli(
        "listen", "--events", "customer.created", "--forward-to", receiver.url, "--latest", "--skip-update"
    )
    latest.wait_for(r"Ready!")
    stripe_client.v1.customers.create()
    receiver.wait_for(1)
    latest.wait_for(r"<--  \[200\]")
    time.sleep(0.5)  # a duplicate would arrive within this
    assert len(receiver.received) == 1
