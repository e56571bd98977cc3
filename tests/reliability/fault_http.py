"""An SDK HTTP client that records every attempt (a plain module: pytest collects nothing here).

The recorder is the SDK's own requests-based HTTP client with a note of each attempt (the Idempotency-Key it
carried, the status or the network error, Stripe's Idempotent-Replayed header), so a test can see retries
the SDK otherwise hides.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import requests
import stripe


@dataclass
class Attempt:
    method: str
    path: str
    idempotency_key: str | None
    status: int | None  # None: no HTTP answer (dropped connection, timeout)
    replayed: bool = False


class RecordingHTTPClient(stripe.RequestsClient):
    """``stripe.RequestsClient`` that keeps a list of every attempt (retries included)."""

    def __init__(self, timeout: float = 10.0) -> None:
        super().__init__(timeout=timeout)
        self.attempts: list[Attempt] = []

    def request(self, method: str, url: str, headers: Any, post_data: Any = None) -> Any:
        path = requests.utils.urlparse(url).path
        key = (headers or {}).get("Idempotency-Key")
        try:
            content, status, response_headers = super().request(method, url, headers, post_data)
        except stripe.APIConnectionError:
            self.attempts.append(Attempt(method.upper(), path, key, None))
            raise
        replayed = response_headers.get("Idempotent-Replayed") == "true"
        self.attempts.append(Attempt(method.upper(), path, key, status, replayed))
        return content, status, response_headers
