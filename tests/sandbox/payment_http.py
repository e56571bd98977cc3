"""Plain HTTP for the tests that act as the customer (hosted pages, control endpoints): stdlib only.

The SDK covers the API; these calls are what a browser or a test harness sends, so they must not follow
redirects (the 303 to success_url is part of what the tests check).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    text: str

    def json(self) -> Any:
        return json.loads(self.text)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def send(method: str, url: str, *, body: bytes | None = None, headers: dict[str, str] | None = None) -> Reply:
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with _OPENER.open(request, timeout=15) as response:
            return Reply(
                response.status, {k.lower(): v for k, v in response.headers.items()}, response.read().decode()
            )
    except urllib.error.HTTPError as error:
        return Reply(error.code, {k.lower(): v for k, v in error.headers.items()}, error.read().decode())


def get(url: str) -> Reply:
    return send("GET", url)


def post_form(url: str, data: dict[str, str]) -> Reply:
    body = urllib.parse.urlencode(data).encode()
    return send("POST", url, body=body, headers={"Content-Type": "application/x-www-form-urlencoded"})


def post_json(url: str, payload: dict[str, Any], key: str | None = None) -> Reply:
    headers = {"Content-Type": "application/json"}
    if key:
        headers["Authorization"] = f"Bearer {key}"
    return send("POST", url, body=json.dumps(payload).encode(), headers=headers)
