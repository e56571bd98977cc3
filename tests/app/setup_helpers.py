"""Shared helpers for the setup pages' AppTests (a plain module: pytest collects nothing here)."""

from __future__ import annotations

import re

import stripe
from streamlit.testing.v1 import AppTest

from core.environments import Connection, Environment, EnvironmentConfig
from core.secrets import Secret
from sandbox.control import ControlClient
from ui import connections_step, sandbox, state
from ui.navigation import ROOT

APP = str(ROOT / "app.py")
# Keys of one made-up account: every key of an account shares its id after the "5" (core.keys).
ACCOUNT = "1PlaygroundAcct0"

TEST_PK = "pk_test_5" + ACCOUNT + "A1b2C3d4E5" * 8 + "f6"
TEST_SK = "sk_test_5" + ACCOUNT + "Z9y8X7w6V5" * 8 + "u4"
LIVE_PK = "pk_live_5" + ACCOUNT + "P1o2I3u4Y5" * 8 + "t6"
LIVE_SK = "sk_live_5" + ACCOUNT + "Q1w2E3r4T5" * 8 + "y6"


def plain(markdown: str) -> str:
    """What the person reads: markdown escapes removed (core's texts are escaped before rendering)."""
    return re.sub(r"\\(.)", r"\1", markdown)


def texts(at: AppTest) -> str:
    """Every markdown, caption and alert on the page (and sidebar), unescaped, one per line."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    for alerts in (at.error, at.warning, at.info, at.success):
        parts += [a.value for a in alerts]
    return plain("\n".join(parts))


def errors(at: AppTest) -> list[str]:
    return [plain(e.value) for e in at.error]


def warnings(at: AppTest) -> list[str]:
    return [plain(w.value) for w in at.warning]


def open_page(path: str, **session: object) -> AppTest:
    """The app on Home (which creates this session's sandbox account), then on ``path``."""
    at = AppTest.from_file(APP, default_timeout=60)
    for name, value in session.items():
        at.session_state[name] = value
    at.run()
    if path != "pages/home.py":
        at.switch_page(path).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def account(at: AppTest) -> sandbox.SandboxAccount:
    found = at.session_state[sandbox.ACCOUNT]
    assert isinstance(found, sandbox.SandboxAccount)
    return found


def sandbox_connection(
    at: AppTest, name: str, env: Environment = Environment.EDITOR, secret: Secret | None = None
) -> Connection:
    """A connection on this session's sandbox account with its keys in ``env``; stored and active."""
    mine = account(at)
    config = EnvironmentConfig(Secret(mine.publishable_key), secret or Secret(mine.secret_key))
    connection = Connection(name=name, environments={env: config}, api_base=mine.api_base)
    at.session_state[state.CONNECTIONS] = [connection]
    at.session_state[connections_step.ACTIVE] = name
    at.session_state[connections_step.ACTIVE_ENVIRONMENT] = env.value
    return connection


def sandbox_client(at: AppTest) -> stripe.StripeClient:
    mine = account(at)
    return stripe.StripeClient(mine.secret_key, base_addresses={"api": mine.api_base})


def restricted_key(mine: sandbox.SandboxAccount, permissions: list[str]) -> Secret:
    """A restricted key on ``mine`` with exactly ``permissions``, made through the sandbox's control API."""
    return Secret(ControlClient(mine.api_base, mine.secret_key).restricted_key(permissions))
