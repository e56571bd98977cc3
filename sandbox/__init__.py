"""A Stripe-compatible HTTP server that runs locally, with its state in SQLite.

It imports neither the app's ``core`` package nor Streamlit. Point the official SDK at it::

    handle = sandbox.start()                      # in-process, in-memory, random free port
    keys = handle.create_account()
    client = stripe.StripeClient(keys["secret_key"], base_addresses={"api": handle.api_base})
    handle.control(keys["secret_key"]).advance_time(3600)   # the control API: sandbox.control
    ...
    handle.stop()

or run ``python -m sandbox`` (see sandbox/README.md).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import uvicorn

from sandbox import _faults
from sandbox._app import Runtime, build_app
from sandbox._store import Store
from sandbox.control import ControlClient, Key
from sandbox.resources import webhook_endpoints

__all__ = ["SandboxHandle", "start"]


@dataclass
class SandboxHandle:
    """A running sandbox. ``api_base`` goes into ``StripeClient(base_addresses={"api": ...})``."""

    api_base: str
    public_url: str
    runtime: Runtime = field(repr=False)
    _server: uvicorn.Server = field(repr=False)
    _thread: threading.Thread = field(repr=False)

    def create_account(self, email: str | None = None, business_name: str | None = None) -> dict[str, str]:
        """A fresh account: ``{"id", "publishable_key", "secret_key"}``; ``email`` and ``business_name``
        are what ``GET /v1/account`` shows."""
        return self.runtime.create_account(email, business_name)

    @property
    def is_running(self) -> bool:
        """True while the server thread serves (``stop()`` ends it; so does a crash), without a round trip."""
        return self._thread.is_alive() and not self._server.should_exit

    def control(self, secret_key: Key | None = None) -> ControlClient:
        """A :class:`sandbox.control.ControlClient` for this server (with ``secret_key``: for its account)."""
        return ControlClient(self.api_base, secret_key)

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self.runtime.close()  # closes the event sinks too (the webhook dispatcher's workers)


def start(
    port: int = 0,
    db: str | None = None,
    host: str = "127.0.0.1",
    public_url: str | None = None,
    log_requests: bool = False,
    allow_webhook_hosts: Sequence[str] = (),
) -> SandboxHandle:
    """Serve the sandbox from a daemon thread and return once it accepts connections.

    ``port=0`` picks a free port; ``db=None`` keeps state in memory; ``public_url`` is the base a browser
    uses for hosted pages (defaults to the API base). Webhooks go only to loopback hosts unless a host is in
    ``allow_webhook_hosts`` (see sandbox/README.md, "Webhooks").
    """
    # proto must be IPPROTO_TCP: asyncio only sets TCP_NODELAY on accepted connections of such sockets, and
    # without it every response waits ~40 ms for the client's delayed ACK (Nagle).
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    bound_port = sock.getsockname()[1]
    display_host = f"[{host}]" if ":" in host else host
    api_base = f"http://{display_host}:{bound_port}"
    runtime = Runtime(Store(db), public_url=(public_url or api_base).rstrip("/"), log_requests=log_requests)
    runtime.api_base = api_base
    webhook_endpoints.configure(runtime, allow_hosts=allow_webhook_hosts)
    app = _faults.wrap(build_app(runtime), runtime)  # POST /_sandbox/faults: see sandbox/_faults.py
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off", timeout_keep_alive=30)
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="sandbox-server", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            sock.close()
            runtime.close()
            raise RuntimeError(f"the sandbox server did not start on {api_base}")
        time.sleep(0.01)
    return SandboxHandle(api_base, runtime.public_url, runtime, server, thread)
