"""The sandbox's control API (``/_sandbox/…``) for a target: its :class:`sandbox.control.ControlClient`.

The control API stands in for what a person does in Stripe's Dashboard or with a browser (3D Secure, the
native triggers). A refusal raises :class:`sandbox.control.ControlError`, an ``OSError`` like an unreachable
server, which ``ui.request_log.call`` logs and shows like any failed call.
"""

from __future__ import annotations

from core.client import Target
from sandbox.control import ControlClient


def client(target: Target) -> ControlClient:
    """The control client for the sandbox ``target`` points at, acting with its secret key."""
    if target.api_base is None:
        raise ValueError("This target calls Stripe itself: the sandbox's control API is not there.")
    return ControlClient(target.api_base, target.secret)
