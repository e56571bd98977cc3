"""Only where it belongs: the servers listen on loopback by default, the webhook receiver accepts only
correctly signed requests, and one account's secret key cannot reach another account through the control API.
"""

from __future__ import annotations

import json
import socket
import subprocess
import time
from pathlib import Path

import requests
import stripe
from sandbox_cli import serve

import sandbox as sandbox_package
from core import webhooks
from core.secrets import Secret
from sandbox.__main__ import parse_args
from ui import webhook_receiver

LOOPBACK_HEX = "0100007F"  # 127.0.0.1 as /proc/net/tcp writes it


def _listening_addresses(port: int) -> set[str]:
    """The local addresses a socket LISTENs on for ``port``, read from the kernel's own table."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            address, hex_port = fields[1].split(":")
            if int(hex_port, 16) == port and fields[3] == "0A":  # 0A = LISTEN
                found.add(address)
    return found


def _port(url: str) -> int:
    return int(url.rsplit(":", 1)[1].split("/")[0])


def test_the_cli_defaults_to_loopback() -> None:
    assert parse_args([]).host == "127.0.0.1"
    process, api_base = serve("--memory", stderr=subprocess.DEVNULL)
    try:
        assert _listening_addresses(_port(api_base)) == {LOOPBACK_HEX}
    finally:
        process.terminate()
        process.wait(timeout=15)


def test_the_in_process_sandbox_and_the_receiver_bind_loopback(
    sandbox: sandbox_package.SandboxHandle,
) -> None:
    assert _listening_addresses(_port(sandbox.api_base)) == {LOOPBACK_HEX}
    receiver = webhook_receiver.start()
    assert _listening_addresses(_port(receiver.base_url)) == {LOOPBACK_HEX}


def test_the_receiver_rejects_unsigned_and_badly_signed_requests() -> None:
    receiver = webhook_receiver.start()
    token = webhook_receiver.new_token()
    whsec = "whsec_" + "S" * 32
    receiver.inbox.register(token, Secret(whsec))
    url = receiver.url_for(token)
    body = json.dumps({"id": "evt_1", "object": "event", "type": "product.created", "data": {"object": {}}})

    unsigned = requests.post(url, data=body, timeout=10)
    assert unsigned.status_code == 400
    wrong_secret = webhooks.sign(body, "whsec_" + "X" * 32)
    assert (
        requests.post(url, data=body, headers={"Stripe-Signature": wrong_secret}, timeout=10).status_code
        == 400
    )
    good = webhooks.sign(body, whsec)
    tampered = body.replace("product.created", "charge.refunded")
    assert (
        requests.post(url, data=tampered, headers={"Stripe-Signature": good}, timeout=10).status_code == 400
    )
    stale = webhooks.sign(body, whsec, timestamp=int(time.time()) - 3600)
    assert requests.post(url, data=body, headers={"Stripe-Signature": stale}, timeout=10).status_code == 400
    not_ascii = {"Stripe-Signature": "t=1,v1=\u00e9t\u00e9".encode().decode("latin-1")}
    assert requests.post(url, data=body, headers=not_ascii, timeout=10).status_code == 400
    assert requests.post(url, data=body, headers={"Stripe-Signature": good}, timeout=10).status_code == 200
    verdicts = [r.status for r in receiver.inbox.received(token)]
    assert verdicts == [200, 400, 400, 400, 400, 400]  # newest first
    # an unknown token is not an endpoint, signed or not
    other = receiver.url_for(webhook_receiver.new_token())
    assert requests.post(other, data=body, headers={"Stripe-Signature": good}, timeout=10).status_code == 404


def _control(
    sandbox: sandbox_package.SandboxHandle, method: str, path: str, key: str, body: object = None
) -> requests.Response:
    return requests.request(
        method, sandbox.api_base + path, headers={"Authorization": f"Bearer {key}"}, json=body, timeout=10
    )


def test_one_accounts_key_cannot_reach_another_account(sandbox: sandbox_package.SandboxHandle) -> None:
    a, b = sandbox.create_account(), sandbox.create_account()
    client_b = stripe.StripeClient(b["secret_key"], base_addresses={"api": sandbox.api_base})
    client_a = stripe.StripeClient(a["secret_key"], base_addresses={"api": sandbox.api_base})
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        dead_url = f"http://127.0.0.1:{closed.getsockname()[1]}/hook"
    client_b.v1.webhook_endpoints.create({"url": dead_url, "enabled_events": ["*"]})
    product = client_b.v1.products.create({"name": "B's"})
    intent = client_b.v1.payment_intents.create({"amount": 1000, "currency": "usd"})

    # read: A's key sees none of B's objects
    assert client_a.v1.products.list().data == []
    for path in (f"/v1/products/{product.id}", f"/v1/payment_intents/{intent.id}"):
        assert _control(sandbox, "GET", path, a["secret_key"]).status_code == 404
    # control endpoints: authenticate, deliveries, redeliver, faults
    authenticate = _control(
        sandbox,
        "POST",
        f"/_sandbox/payment_intents/{intent.id}/authenticate",
        a["secret_key"],
        {"outcome": "fail"},
    )
    assert authenticate.status_code == 404
    deadline = time.monotonic() + 10
    deliveries: list[dict[str, object]] = []
    while not deliveries and time.monotonic() < deadline:
        sandbox.runtime.drain()
        deliveries = _control(sandbox, "GET", "/_sandbox/webhook_deliveries", b["secret_key"]).json()["data"]
        time.sleep(0.05)
    assert deliveries, "B's events should have been delivered (and failed) to its endpoint"
    assert _control(sandbox, "GET", "/_sandbox/webhook_deliveries", a["secret_key"]).json()["data"] == []
    redeliver = _control(
        sandbox, "POST", f"/_sandbox/webhook_deliveries/{deliveries[0]['id']}/redeliver", a["secret_key"]
    )
    assert redeliver.status_code in (400, 404)
    # reset with A's key wipes A only
    assert _control(sandbox, "POST", "/_sandbox/reset", a["secret_key"]).json()["account"] == a["id"]
    assert client_b.v1.products.retrieve(product.id).name == "B's"
    # B's publishable key is no key to the control API
    assert _control(sandbox, "POST", "/_sandbox/reset", b["publishable_key"]).status_code in (401, 403)
    assert client_b.v1.products.retrieve(product.id).name == "B's"
