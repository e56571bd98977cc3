"""Shared fixtures: a real sandbox server over HTTP and the official SDK pointed at it.

Fixtures (names are stable; other test packages rely on them):

- ``sandbox`` (session): an in-process sandbox (``sandbox.start()``, in-memory SQLite, random port).
  ``sandbox.api_base`` is the URL for ``StripeClient(base_addresses={"api": ...})``; ``sandbox.runtime`` the
  server's runtime (``runtime.drain()`` waits for event sinks).
- ``account`` (function): a fresh account ``{"id", "publishable_key", "secret_key"}``: tests never share data.
- ``stripe_client`` (function): ``stripe.StripeClient`` for ``account``'s secret key whose HTTP client
  validates EVERY response against the OpenAPI response schema of its operation (sandbox/spec/openapi.json).
- ``make_client(key, api_base=None, **options)``: the same validating client for any key (restricted,
  publishable, another account) and, with ``api_base``, for another sandbox server (e.g. a subprocess).
- ``api(method, path, key=..., params=..., headers=...)``: a raw HTTP call (for cases the SDK cannot send,
  e.g. no key or a malformed header); its response is validated the same way. Returns ``requests.Response``.

A response that does not match its schema fails the test (raised inside the call, and checked again at
teardown in case the test swallowed the exception).
"""

from __future__ import annotations

import functools
import json
import os
import re
from collections.abc import Callable, Iterator
from typing import Any

import jsonschema
import pytest
import requests
import stripe
from hypothesis import HealthCheck, settings

import sandbox as sandbox_package
from sandbox._validation import spec_document

# Property tests check properties, not speed: no per-example deadline and no "too slow" health check, which
# fail at random on a loaded 2-core CI machine (timing belongs in bench/, never in a test's verdict).
settings.register_profile(
    "playground",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.load_profile("playground")


_VIOLATIONS: list[str] = []


@functools.cache
def _templates() -> list[tuple[re.Pattern[str], str]]:
    found = []
    for template in spec_document()["paths"]:
        pattern = re.sub(r"\\\{(\w+)\\\}", r"[^/]+", re.escape(template))
        found.append((re.compile(pattern + r"\Z"), template))
    found.sort(key=lambda item: (item[1].count("{"), -len(item[1])))
    return found


@functools.cache
def _validator(template: str, method: str, status_key: str) -> jsonschema.Draft7Validator | None:
    document = spec_document()
    op = document["paths"][template].get(method)
    if op is None:
        return None
    response = op["responses"].get(status_key) or op["responses"].get("default")
    if response is None:
        return None
    schema = response["content"]["application/json"]["schema"]
    return jsonschema.Draft7Validator({**schema, "components": document["components"]})


def validate_response(method: str, url: str, status: int, body: bytes | str) -> None:
    """Raise AssertionError if a /v1 response does not match its operation's schema."""
    path = requests.utils.urlparse(url).path
    if not path.startswith("/v1/"):
        return
    template = next((t for regex, t in _templates() if regex.match(path)), None)
    text = body.decode() if isinstance(body, bytes) else body
    payload = json.loads(text)
    if template is None:  # unknown URL: must still be Stripe's error envelope
        assert status >= 400, f"{method} {path}: {text[:300]}"
        assert isinstance(payload.get("error"), dict), f"{method} {path}: {text[:300]}"
        return
    validator = _validator(template, method.lower(), "200" if status == 200 else "default")
    if validator is None:
        assert status >= 400, f"{method} {template} answered {status} but the spec has no such operation"
        return
    errors = sorted(validator.iter_errors(payload), key=lambda e: list(e.absolute_path))
    if errors:
        detail = "; ".join(
            f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message[:200]}" for e in errors[:5]
        )
        message = f"{method} {path} ({status}) does not match the OpenAPI schema of {template}: {detail}"
        _VIOLATIONS.append(message)
        raise AssertionError(message)


class ValidatingHTTPClient(stripe.RequestsClient):
    """The SDK's own requests-based client, plus a schema check of every response it receives."""

    def request(self, method: str, url: str, headers: Any, post_data: Any = None) -> Any:
        content, status, response_headers = super().request(method, url, headers, post_data)
        validate_response(method, url, status, content)
        return content, status, response_headers


# Loopback only: tests that aim at Stripe's own address (the real-Stripe path, an offline Stripe) send no
# packet beyond this machine, not even a DNS query. Every HTTP client the product uses (requests inside
# stripe-python, urllib, Chromium) honours these variables: traffic to anywhere but loopback goes to a closed
# loopback port and fails at once as "could not connect", which is exactly "Stripe is unreachable".
_LOOPBACK_ONLY_ENV = {
    "HTTPS_PROXY": "http://127.0.0.1:9",
    "HTTP_PROXY": "http://127.0.0.1:9",
    "NO_PROXY": "127.0.0.1,127.0.0.2,localhost,::1",
}


@pytest.fixture(scope="session", autouse=True)
def _loopback_only() -> Iterator[None]:
    saved = {
        name: os.environ.get(name) for name in (*_LOOPBACK_ONLY_ENV, *map(str.lower, _LOOPBACK_ONLY_ENV))
    }
    for name, value in _LOOPBACK_ONLY_ENV.items():
        os.environ[name] = value
        os.environ[name.lower()] = value
    yield
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(scope="session")
def sandbox_server() -> Iterator[sandbox_package.SandboxHandle]:
    handle = sandbox_package.start()
    yield handle
    handle.stop()


@pytest.fixture(scope="session")
def sandbox(sandbox_server: sandbox_package.SandboxHandle) -> sandbox_package.SandboxHandle:
    return sandbox_server


@pytest.fixture
def account(sandbox: sandbox_package.SandboxHandle) -> dict[str, str]:
    return sandbox.create_account()


@pytest.fixture
def make_client(sandbox: sandbox_package.SandboxHandle) -> Callable[..., stripe.StripeClient]:
    def make(key: str, api_base: str | None = None, **options: Any) -> stripe.StripeClient:
        return stripe.StripeClient(
            key,
            base_addresses={"api": api_base or sandbox.api_base},
            http_client=ValidatingHTTPClient(),
            **options,
        )

    return make


@pytest.fixture
def stripe_client(
    account: dict[str, str], make_client: Callable[..., stripe.StripeClient]
) -> stripe.StripeClient:
    return make_client(account["secret_key"])


@pytest.fixture
def api(sandbox: sandbox_package.SandboxHandle, account: dict[str, str]) -> Callable[..., requests.Response]:
    def call(
        method: str,
        path: str,
        key: str | None = "<account>",
        params: Any = None,
        headers: dict[str, str] | None = None,
    ) -> requests.Response:
        sent = dict(headers or {})
        if key == "<account>":
            key = account["secret_key"]
        if key is not None:
            sent.setdefault("Authorization", f"Bearer {key}")
        if method.upper() == "GET":
            response = requests.request(
                method, sandbox.api_base + path, params=params, headers=sent, timeout=30
            )
        else:
            response = requests.request(
                method, sandbox.api_base + path, data=params, headers=sent, timeout=30
            )
        validate_response(method, sandbox.api_base + path, response.status_code, response.content)
        return response

    return call


@pytest.fixture(autouse=True)
def _no_schema_violations() -> Iterator[None]:
    before = len(_VIOLATIONS)
    yield
    new = _VIOLATIONS[before:]
    assert not new, "responses violated the OpenAPI schema:\n" + "\n".join(new)
