"""Record what the pinned Stripe CLI sends for ``listen``, ``logs tail`` and ``events resend``.

A small server on 127.0.0.1 plays Stripe's part just enough for the CLI to go on (a session, a websocket, one
event and one request log), and writes down the shape of everything the CLI sends: the session form's
parameters, the websocket's query, headers and subprotocol, the messages the CLI answers with, the resend
request. The shape, not the values (no key, no host name, no timestamps), is what the sandbox must understand:
``tests/node/stripe_cli_capture.json`` holds it, and ``tests/sandbox/test_stripe_cli_listen.py`` checks that
the pinned CLI still sends exactly that.

Regenerate after bumping @stripe/cli:
``cd tests && python stripe_cli_recorder.py > node/stripe_cli_capture.json``
"""

from __future__ import annotations

import http.server
import json
import subprocess
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import uvicorn
from node_packages import cli_env, stripe_cli
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

FAKE_KEY = "sk_test_" + "0" * 24
# Headers every HTTP client sends or that carry values of this machine; the capture keeps the CLI's own.
_TRANSPORT_HEADERS = {
    "host",
    "content-length",
    "connection",
    "sec-websocket-key",
    "upgrade",
    "accept-encoding",
}


def _shape_form(body: str) -> dict[str, Any]:
    """Parameter names; the values that are protocol constants (features, flags), others as "<str>"."""
    shaped: dict[str, Any] = {}
    for name, value in urllib.parse.parse_qsl(body, keep_blank_values=True):
        constant = name in ("websocket_features[]", "for_stripecli", "filters")
        shaped[name] = value if constant else "<str>"
    return shaped


def _shape_message(text: str) -> dict[str, Any]:
    message = json.loads(text)
    return {"type": message.get("type"), "keys": sorted(message)}


class Recorder:
    def __init__(self) -> None:
        self.seen: list[dict[str, Any]] = []
        self.port = 0
        self._condition = threading.Condition()

    def note(self, entry: dict[str, Any]) -> None:
        with self._condition:
            self.seen.append(entry)
            self._condition.notify_all()

    def wait_for(self, predicate: Callable[[list[dict[str, Any]]], bool], timeout: float = 20) -> bool:
        with self._condition:
            return self._condition.wait_for(lambda: predicate(self.seen), timeout)

    def app(self) -> Starlette:
        async def sessions(request: Request) -> JSONResponse:
            form = _shape_form((await request.body()).decode())
            self.note(
                {
                    "request": "POST /v1/stripecli/sessions",
                    "headers": sorted(set(request.headers) - _TRANSPORT_HEADERS),
                    "form": form,
                }
            )
            feature = form.get("websocket_features[]", "webhooks")
            return JSONResponse(
                {
                    "websocket_url": f"ws://127.0.0.1:{self.port}/ws",
                    "websocket_id": "cliws_recorded",
                    "websocket_authorized_feature": feature,
                    "reconnect_delay": 5,
                    "secret": "whsec_recorded",
                    "display_connect_filter_warning": False,
                    "default_version": "2026-10-28.endive",
                    "latest_version": "2026-10-28.endive",
                    "device_token": "",
                }
            )

        async def retry(request: Request) -> JSONResponse:
            form = _shape_form((await request.body()).decode())
            self.note({"request": "POST /v1/events/{id}/retry", "form": form})
            return JSONResponse({"id": request.path_params["event"], "object": "event"})

        async def websocket(ws: WebSocket) -> None:
            feature = ws.query_params.get("websocket_feature", "")
            self.note(
                {
                    "websocket": feature,
                    "query": sorted(ws.query_params),
                    "headers": sorted(set(ws.headers) - _TRANSPORT_HEADERS),
                    "subprotocol": ws.headers.get("sec-websocket-protocol"),
                }
            )
            await ws.accept(subprotocol=ws.headers.get("sec-websocket-protocol"))
            if feature == "webhooks":
                payload = json.dumps(
                    {
                        "id": "evt_recorded",
                        "object": "event",
                        "type": "customer.created",
                        "created": 1,
                        "api_version": "2026-10-28.endive",
                        "data": {"object": {"id": "cus_1", "object": "customer"}},
                        "livemode": False,
                        "pending_webhooks": 0,
                        "request": {"id": None, "idempotency_key": None},
                    }
                )
                await ws.send_text(
                    json.dumps(
                        {
                            "type": "webhook_event",
                            "webhook_id": "cliws_recorded",
                            "webhook_conversation_id": "wc_1",
                            "event_payload": payload,
                            "endpoint": {"api_version": None},
                            "http_headers": {
                                "Content-Type": "application/json",
                                "Stripe-Signature": "t=1,v1=00",
                            },
                        }
                    )
                )
            else:
                payload = json.dumps(
                    {
                        "created_at": 1,
                        "livemode": False,
                        "method": "GET",
                        "request_id": "req_1",
                        "status": 200,
                        "url": "/v1/customers",
                        "error": {},
                    }
                )
                await ws.send_text(
                    json.dumps(
                        {"type": "request_log_event", "request_log_id": "resp_1", "event_payload": payload}
                    )
                )
            try:
                while True:
                    self.note({"websocket": feature, "sent": _shape_message(await ws.receive_text())})
            except WebSocketDisconnect:
                pass

        return Starlette(
            routes=[
                Route("/v1/stripecli/sessions", sessions, methods=["POST"]),
                Route("/v1/events/{event}/retry", retry, methods=["POST"]),
                WebSocketRoute("/ws", websocket),
            ]
        )


class _Target(http.server.BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length") or 0))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args: Any) -> None:
        pass


@contextmanager
def _servers(recorder: Recorder) -> Iterator[int]:
    server = uvicorn.Server(uvicorn.Config(recorder.app(), host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    recorder.port = server.servers[0].sockets[0].getsockname()[1]
    target = http.server.HTTPServer(("127.0.0.1", 0), _Target)
    target_thread = threading.Thread(target=target.serve_forever, daemon=True)
    target_thread.start()
    try:
        yield target.server_port
    finally:
        target.shutdown()
        target.server_close()
        server.should_exit = True
        thread.join(timeout=10)


def _run_until(
    args: list[str], env: dict[str, str], recorder: Recorder, done: Callable[[list[Any]], bool]
) -> None:
    process = subprocess.Popen(
        [str(stripe_cli()), *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        recorder.wait_for(done)
    finally:
        process.terminate()
        process.wait(timeout=10)


def capture() -> dict[str, Any]:
    """Run the pinned CLI against a recorder and return the shape of what it sent."""
    recorder = Recorder()
    with tempfile.TemporaryDirectory() as home, _servers(recorder) as target_port:
        env = cli_env(Path(home), FAKE_KEY)
        base = ["--api-base", f"http://127.0.0.1:{recorder.port}"]

        def answered(feature: str, kind: str) -> Callable[[list[Any]], bool]:
            return lambda seen: any(
                e.get("websocket") == feature and e.get("sent", {}).get("type") == kind for e in seen
            )

        _run_until(
            [
                "listen",
                "--events",
                "customer.created",
                "--forward-to",
                f"http://127.0.0.1:{target_port}/hook",
                "--skip-update",
                *base,
            ],
            env,
            recorder,
            answered("webhooks", "webhook_response"),
        )
        _run_until(
            ["logs", "tail", "--filter-http-method", "GET", "--filter-status-code-type", "4XX", *base],
            env,
            recorder,
            answered("request_logs", "event_ack"),
        )
        subprocess.run(
            [str(stripe_cli()), "events", "resend", "evt_recorded", *base],
            env=env,
            capture_output=True,
            timeout=60,
        )
        subprocess.run(
            [str(stripe_cli()), "listen", "--print-secret", *base], env=env, capture_output=True, timeout=60
        )
        version = subprocess.run(
            [str(stripe_cli()), "version"], env=env, capture_output=True, text=True, timeout=60
        ).stdout.split("\n", 1)[0]
    return {"cli_version": version.strip(), "seen": recorder.seen}


if __name__ == "__main__":
    print(json.dumps(capture(), indent=2))
