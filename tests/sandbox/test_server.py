"""sandbox.start(): options, handle, and a clean stop."""

from __future__ import annotations

import requests

import sandbox as sandbox_package


def test_start_options_and_stop() -> None:
    handle = sandbox_package.start(public_url="http://pages.example.test:8080/")
    try:
        assert handle.api_base.startswith("http://127.0.0.1:")
        assert handle.public_url == "http://pages.example.test:8080"
        assert handle.runtime.public_url == "http://pages.example.test:8080"
        assert requests.get(handle.api_base + "/_sandbox/health", timeout=5).json() == {"status": "ok"}
        keys = handle.create_account()
        assert keys["id"].startswith("acct_")
        assert len(keys["secret_key"]) == 107  # the length of current Stripe keys
    finally:
        handle.stop()
    try:
        requests.get(handle.api_base + "/_sandbox/health", timeout=2)
    except requests.ConnectionError:
        pass
    else:
        raise AssertionError("the server still answers after stop()")


def test_default_public_url_is_the_api_base() -> None:
    handle = sandbox_package.start()
    try:
        assert handle.public_url == handle.api_base
    finally:
        handle.stop()


def test_stop_closes_every_event_sink_and_the_webhook_workers() -> None:
    """Runtime.close() closes the sinks that can be closed: a custom one, and the webhook dispatcher whose
    workers would otherwise keep retrying deliveries of a stopped sandbox."""
    import threading

    import stripe

    class ClosingSink:
        def __init__(self) -> None:
            self.events: list[str] = []
            self.closed = False

        def publish(self, account: str, events: list[dict[str, object]]) -> None:
            self.events.extend(str(e["type"]) for e in events)

        def close(self) -> None:
            self.closed = True

    handle = sandbox_package.start()
    sink = ClosingSink()
    before = set(threading.enumerate())
    try:
        handle.runtime.add_sink(sink)
        keys = handle.create_account()
        client = stripe.StripeClient(keys["secret_key"], base_addresses={"api": handle.api_base})
        # nothing listens on port 9: the delivery fails and waits for its retry on a worker thread
        client.v1.webhook_endpoints.create({"url": "http://127.0.0.1:9/hook", "enabled_events": ["*"]})
        client.v1.products.create({"name": "Kept"})
        assert handle.runtime.drain()
        workers = [t for t in set(threading.enumerate()) - before if t.name.startswith("sandbox-webhooks")]
        assert workers, "the delivery should have started the dispatcher's workers"
    finally:
        handle.stop()
    assert sink.events == ["product.created"]
    assert sink.closed
    assert not [t for t in workers if t.is_alive()]
