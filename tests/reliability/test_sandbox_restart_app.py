"""Nothing lost (app side): the app notices its sandbox is gone, says so, restarts it on the same database,
and the session keeps its account, its data and working connections."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import stripe

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "app"))
from setup_helpers import open_page, sandbox_connection, warnings

from ui import sandbox, state


@pytest.fixture(autouse=True)
def _isolated_app_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLAYGROUND_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("PLAYGROUND_ENV_FILE", str(tmp_path / ".env"))


def test_a_dead_sandbox_is_noticed_restarted_and_the_session_keeps_its_data() -> None:
    sandbox._started.clear()  # this test's own server, on this test's own database file
    at = open_page("pages/home.py")
    before = at.session_state[sandbox.ACCOUNT]
    assert isinstance(before, sandbox.SandboxAccount)
    sandbox_connection(at, "Sandbox")
    client = stripe.StripeClient(before.secret_key, base_addresses={"api": before.api_base})
    product = client.v1.products.create({"name": "Survives the restart"})

    sandbox._started().stop()  # the server dies under the running app
    assert not sandbox.alive(before.api_base)

    at.switch_page("pages/test_connection.py").run()
    assert not at.exception, [e.value for e in at.exception]
    after = at.session_state[sandbox.ACCOUNT]
    assert after.api_base != before.api_base
    assert sandbox.alive(after.api_base)
    assert after.id == before.id  # same database file: the account and its data are kept
    said = " ".join(warnings(at))
    assert f"The local sandbox stopped answering at {before.api_base}" in said
    assert f"restarted at {after.api_base}" in said
    assert f"your sandbox account `{before.id}` and its data were kept" in said
    assert [c.api_base for c in at.session_state[state.CONNECTIONS]] == [after.api_base]

    again = stripe.StripeClient(after.secret_key, base_addresses={"api": after.api_base})
    assert again.v1.products.retrieve(product.id).name == "Survives the restart"
    at.button(
        key=next(b.key for b in at.button if str(b.label).startswith("Run List Products"))
    ).click().run()
    assert "The connection works: List Products returned 1 product." in " ".join(s.value for s in at.success)

    at.run()  # told once: the next run is quiet
    assert not any("stopped answering" in w for w in warnings(at))
    sandbox._started.clear()
