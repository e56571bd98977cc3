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


@dataclass(frozen=True)
class EnvironmentProgress:
    """One slot of one connection: are its keys ready, and did its test call pass (None: not run yet)."""

    connection: str
    environment: Environment
    keys_ready: bool
    tested: bool | None

    @property
    def line(self) -> str:
        keys = "keys ✓" if self.keys_ready else "keys ✗"
        test = "not tested" if self.tested is None else ("test ✓" if self.tested else "test ✗")
        return f"{self.environment.label}: {keys} · {test}"


def environments_in_use() -> list[EnvironmentProgress]:
    """Every slot of every connection that has a secret key, in connection then environment order.

    Whatever put the keys there (typed in step 2, copied from step 1, the sandbox, ``.env``, Streamlit
    secrets) counts the same: progress is read from the connections, not from how they were filled.
    """
    found = []
    for connection in connections_step.connections():
        for env in Environment:
            if not connection[env].secret_key:
                continue
            report = test_step.result(connection, env)
            found.append(
                EnvironmentProgress(
                    connection.name,
                    env,
                    connections_step.env_ready(connection, env),
                    None if report is None else report.ok,
                )
            )
    return found


def lines_by_connection() -> dict[str, list[str]]:
    """Every connection (in order) with the progress line of each slot in use; empty when it has no keys."""
    in_use = environments_in_use()
    return {
        c.name: [slot.line for slot in in_use if slot.connection == c.name]
        for c in connections_step.connections()
    }


def setup_steps() -> list[Step]:
    """The three steps in order, with their state in this session.

    A later step done means the earlier ones are done too, whatever their own page holds: keys that reached
    a connection from ``.env`` never passed through step 1's fields, yet step 1 is behind that person.
    """
    in_use = environments_in_use()
    ready = [f"{p.connection} · {p.environment.label}" for p in in_use if p.keys_ready]
    passed = [f"{p.connection} · {p.environment.label}" for p in in_use if p.tested]
    keys_typed = keys_step.done()
    return [
        Step(
            1,
            "Get your Stripe keys",
            keys_typed or bool(ready),
            "A publishable and a secret (or restricted) key, checked and belonging together."
            if keys_typed
            else "Your connection already holds keys (step 2)."
            if ready
            else "Paste a publishable key and a secret or restricted key (or use the sandbox's).",
            "pages/keys.py",
        ),
        Step(
            2,
            "Create a connection and fill the environments you use",
            bool(ready) or bool(passed),
            "Ready: " + ", ".join(ready) + "."
            if ready
            else "Name a connection (one Stripe account) and fill its Editor, Staging or Production slot.",
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


def next_step(steps: list[Step]) -> Step | None:
    """The first step not done, or None when all three are."""
    return next((s for s in steps if not s.done), None)
