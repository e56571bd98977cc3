"""Where the person stands in the three setup steps of the WeWeb guide, read from the session.

Home and the sidebar both show it, so it is computed once here, from what the setup pages stored (keys,
connections, test results) and never from a flag that could go stale.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.environments import Environment
from ui import connections_step, keys_step, test_step


@dataclass(frozen=True)
class Step:
    """One setup step: what it is, whether it is done, a one-line note, and the page that does it."""

    number: int
    title: str
    done: bool
    note: str
    page: str


def _ready_environments() -> list[str]:
    return [
        f"{c.name} · {env.label}"
        for c in connections_step.connections()
        for env in Environment
        if connections_step.env_ready(c, env)
    ]


def setup_steps() -> list[Step]:
    """The three steps in order, with their state in this session."""
    keys_ok = keys_step.done()
    ready = _ready_environments()
    passed = [f"{name} · {env.label}" for name, env in test_step.passed()]
    return [
        Step(
            1,
            "Get your Stripe keys",
            keys_ok,
            "A publishable and a secret (or restricted) key, checked and belonging together."
            if keys_ok
            else "Paste a publishable key and a secret or restricted key (or use the sandbox's).",
            "pages/keys.py",
        ),
        Step(
            2,
            "Create a connection per environment",
            bool(ready),
            "Ready: " + ", ".join(ready) + "."
            if ready
            else "Name a connection and fill in keys for Editor, Staging and Production.",
            "pages/connections.py",
        ),
        Step(
            3,
            "Test the connection",
            bool(passed),
            "List Products answered for " + ", ".join(passed) + "."
            if passed
            else "Run List Products: a list, even an empty one, means the connection works.",
            "pages/test_connection.py",
        ),
    ]
