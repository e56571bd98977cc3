"""The sandbox's control API (``/_sandbox/…``) for a target: its :class:`sandbox.control.ControlClient`.

The control API stands in for what a person does in Stripe's Dashboard or with a browser (3D Secure, the
native triggers, moving the clock). A session is given it as its ``core.session.SandboxControl`` (the client
has exactly those methods) and records every call like a call to Stripe; a refusal raises
:class:`sandbox.control.ControlError`, which the session records and shows like any failed call.
"""

from __future__ import annotations

from core.client import Target
from core.session import SandboxControl
from sandbox.control import ControlClient


def client(target: Target) -> ControlClient:
    """The control client for the sandbox ``target`` points at, acting with its secret key."""
    if target.api_base is None:
        raise ValueError("This target calls Stripe itself: the sandbox's control API is not there.")
    return ControlClient(target.display_base, target.secret)


def for_target(target: Target) -> SandboxControl | None:
    """What a session of ``target`` may ask the sandbox; None on Stripe (it has no control API)."""
    if not (target.is_sandbox and target.secret):
        return None
    return client(target)
