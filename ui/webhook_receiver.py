"""The app's own webhook receiver: a small Starlette server on 127.0.0.1, started once per process.

Why a separate server: Streamlit pages cannot answer HTTP POSTs, and a webhook must never wait for a page.
``st.cache_resource`` starts it on first use in a daemon thread (like the sandbox); each browser session
registers its own endpoint under an unguessable path token with its own ``whsec_`` secret, so sessions never
see each other's events. The receiver does what a backend must: verify the raw body against the
``Stripe-Signature`` header (``core.webhooks``), answer 400 to anything not correctly signed and 200
otherwise. What it received lives in memory, per token, and is gone when the app stops.

Only loopback can reach it: the sandbox (same machine) delivers to it, real Stripe cannot. To receive real
test-mode events on a laptop, forward them with the Stripe CLI (``stripe listen --forward-to …``) or a tunnel.
"""

from __future__ import annotations

import collections
import datetime as dt
import json
import secrets
import socket
import threading
import time
from dataclasses import dataclass, field

import streamlit as st
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from core import webhooks
from core.secrets import Secret

HOOK_PATH = "/hooks"
MAX_EVENTS_PER_TOKEN = 200
MAX_BODY_BYTES = 1_000_000
MAX_ENDPOINTS = 1_000  # one per browser session that registered; the oldest is forgotten first


@dataclass(frozen=True)
class Received:
    """One POST to an endpoint: what came in and the verdict on its signature."""

    time: dt.datetime
    status: int  # what the receiver answered: 200 accepted, 400 rejected
    verdict: str  # core.webhooks code: ok / no_match / too_old / missing_header / …
    message: str  # Stripe's exact text on failure, the event summary on success
    event_id: str | None
    event_type: str | None
    object_id: str | None
    body: str


@dataclass
class _Box:
    secret: Secret
    events: collections.deque[Received] = field(
        default_factory=lambda: collections.deque(maxlen=MAX_EVENTS_PER_TOKEN)
    )


class Inbox:
    """Received requests per endpoint token; thread-safe (the server thread writes, pages read)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._boxes: dict[str, _Box] = {}

    def register(self, token: str, secret: Secret) -> None:
        with self._lock:
            box = self._boxes.get(token)
            if box is None:
                self._boxes[token] = _Box(secret)
                while len(self._boxes) > MAX_ENDPOINTS:  # dicts keep insertion order: drop the oldest
                    del self._boxes[next(iter(self._boxes))]
            else:
                box.secret = secret

    def unregister(self, token: str) -> None:
        with self._lock:
            self._boxes.pop(token, None)

    def knows(self, token: str) -> bool:
        with self._lock:
            return token in self._boxes

    def received(self, token: str) -> list[Received]:
        """Newest first."""
        with self._lock:
            box = self._boxes.get(token)
            return list(reversed(box.events)) if box else []

    def receive(self, token: str, body: bytes, signature: str | None) -> tuple[int, dict[str, object]]:
        """Verify and keep one delivery; returns the HTTP status and body to answer with."""
        with self._lock:
            box = self._boxes.get(token)
        if box is None:
            return 404, {"error": "No webhook endpoint at this address."}
        verdict = webhooks.verify(body, signature, box.secret)
        event = verdict.event or {}
        data = event.get("data") if isinstance(event, dict) else None
        obj = data.get("object") if isinstance(data, dict) else None
        item = Received(
            time=dt.datetime.now(dt.UTC),
            status=200 if verdict.ok else 400,
            verdict=verdict.code,
            message=verdict.title,
            event_id=verdict.event_id,
            event_type=verdict.event_type,
            object_id=obj.get("id") if isinstance(obj, dict) and isinstance(obj.get("id"), str) else None,
            body=body.decode("utf-8", errors="replace")[:20_000],
        )
        with self._lock:
            box.events.append(item)
        if verdict.ok:
            return 200, {"received": True}
        return 400, {"error": verdict.stripe_message or verdict.explanation}


def build_app(inbox: Inbox) -> Starlette:
    async def hook(request: Request) -> Response:
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            return JSONResponse({"error": "Body too large for a Stripe event."}, status_code=413)
        status, answer = inbox.receive(
            request.path_params["token"], body, request.headers.get("stripe-signature")
        )
        return JSONResponse(answer, status_code=status)

    return Starlette(routes=[Route(HOOK_PATH + "/{token}", hook, methods=["POST"])])


@dataclass(frozen=True)
class Receiver:
    base_url: str
    inbox: Inbox

    def url_for(self, token: str) -> str:
        return f"{self.base_url}{HOOK_PATH}/{token}"


def start(host: str = "127.0.0.1") -> Receiver:
    """Serve a new receiver from a daemon thread on a free loopback port; returns once it accepts."""
    inbox = Inbox()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(build_app(inbox), log_level="warning", access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="webhook-receiver", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the webhook receiver did not start")
        time.sleep(0.01)
    return Receiver(f"http://{host}:{port}", inbox)


@st.cache_resource(show_spinner="Starting the webhook receiver…")
def receiver() -> Receiver:
    """The process-wide receiver (one server; one inbox per endpoint token)."""
    return start()


def new_token() -> str:
    return secrets.token_urlsafe(18)


def summary(item: Received) -> dict[str, object]:
    """A row of the live feed."""
    return {
        "received": item.time,
        "answered": item.status,
        "signature": "valid" if item.verdict == "ok" else item.verdict,
        "event type": item.event_type,
        "event id": item.event_id,
        "object id": item.object_id,
        "detail": item.message,
    }


def pretty(body: str) -> object:
    try:
        parsed: object = json.loads(body)
    except ValueError:
        return {"raw body (not JSON)": body}
    return parsed
