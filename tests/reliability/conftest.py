"""Reliability fixtures: an SDK client that records every attempt it makes, and a fault-arming helper.

The recorder is the SDK's own requests-based HTTP client with a note of each attempt (the Idempotency-Key it
carried, the status or the network error, Stripe's Idempotent-Replayed header), so a test can see retries
the SDK otherwise hides.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import stripe
from fault_http import RecordingHTTPClient

import sandbox as sandbox_package
from sandbox.control import FaultMode


@pytest.fixture
def recording_client(
    sandbox: sandbox_package.SandboxHandle, account: dict[str, str]
) -> Callable[..., tuple[stripe.StripeClient, RecordingHTTPClient]]:
    """``make(retries=2, timeout=10)`` → (a StripeClient for ``account``, its recorder)."""

    def make(retries: int = 2, timeout: float = 10.0) -> tuple[stripe.StripeClient, RecordingHTTPClient]:
        recorder = RecordingHTTPClient(timeout=timeout)
        client = stripe.StripeClient(
            account["secret_key"],
            base_addresses={"api": sandbox.api_base},
            http_client=recorder,
            max_network_retries=retries,
        )
        return client, recorder

    return make


@pytest.fixture
def arm(sandbox: sandbox_package.SandboxHandle, account: dict[str, str]) -> Callable[..., dict[str, Any]]:
    """``arm(mode, count=1, **extra)``: arm a fault for ``account`` (``ControlClient.arm_fault``)."""
    control = sandbox.control(account["secret_key"])

    def post(mode: FaultMode, count: int = 1, **extra: Any) -> dict[str, Any]:
        return control.arm_fault(mode, count, **extra)

    return post
