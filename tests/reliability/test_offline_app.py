"""Faults get clear answers in the app: the test-connection page against an address that refuses connections
and against real Stripe (unreachable here) says so in words, with no traceback and no exception."""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "app"))
from setup_helpers import errors, open_page, texts

from core.environments import Connection, Environment, EnvironmentConfig
from core.secrets import Secret
from ui import connections_step, state

SK = "sk_test_" + "OfflineKey0123456789" * 5
PK = "pk_test_" + "OfflineKey0123456789" * 5


@pytest.fixture(autouse=True)
def _isolated_app_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLAYGROUND_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("PLAYGROUND_ENV_FILE", str(tmp_path / ".env"))


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@pytest.mark.parametrize("where", ["refused", "stripe"])
def test_the_test_call_says_the_server_is_unreachable(where: str) -> None:
    api_base = f"http://127.0.0.1:{_closed_port()}" if where == "refused" else None
    connection = Connection(
        name="Offline",
        environments={Environment.EDITOR: EnvironmentConfig(Secret(PK), Secret(SK))},
        api_base=api_base,
    )
    at = open_page(
        "pages/test_connection.py",
        **{state.CONNECTIONS: [connection], connections_step.ACTIVE: "Offline"},
    )
    run = next(b for b in at.button if str(b.label).startswith("Run List Products"))
    run.click().run()
    assert not at.exception, [e.value for e in at.exception]
    shown = texts(at) + "\n".join(errors(at))
    if where == "stripe":
        assert "Could not reach Stripe (https://api.stripe.com)" in shown
        assert "switch the connection to the local sandbox" in shown
    else:
        assert f"Could not reach the sandbox at {api_base}" in shown
    assert "Traceback" not in shown
    assert SK not in shown
