"""Step 2 in AppTest: creating connections, the environment checks inline, and saving only when local."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from setup_helpers import (
    APP,
    LIVE_PK,
    LIVE_SK,
    TEST_PK,
    TEST_SK,
    errors,
    open_page,
    texts,
    warnings,
)
from streamlit.testing.v1 import AppTest

from core.environments import Connection, Environment, load_env_file
from core.secrets import Secret
from ui import connections_step, state

PAGE = "pages/connections.py"


def create(at: AppTest, name: str) -> AppTest:
    at.text_input(key="connections_new_name").input(name)
    submit = next(b for b in at.button if b.label == "Create connection")
    return submit.click().run()


def paste(at: AppTest, connection: str, env: Environment, which: str, value: str) -> AppTest:
    at.button_group(key="connections_environment").set_value(env.value).run()  # open its tab
    return at.text_input(key=f"connections_{connection}_{env.value}_{which}").input(value).run()


def connections(at: AppTest) -> list[Connection]:
    stored = at.session_state[state.CONNECTIONS]
    assert isinstance(stored, list)
    return stored


def test_without_connections_the_page_asks_for_the_first_one() -> None:
    at = open_page(PAGE)
    assert "Create your first connection above." in texts(at)


def test_creating_a_connection_makes_it_active_on_the_sandbox() -> None:
    at = create(open_page(PAGE), "Stripe – Editor")
    assert [c.name for c in connections(at)] == ["Stripe – Editor"]
    assert connections(at)[0].api_base is not None  # the sandbox is the default server
    assert at.session_state[connections_step.ACTIVE] == "Stripe – Editor"


@pytest.mark.parametrize(
    ("name", "problem"),
    [("   ", "Give the connection a name"), ("stripe - editor", "exists already")],
)
def test_a_missing_or_duplicate_name_is_refused(name: str, problem: str) -> None:
    at = create(create(open_page(PAGE), "Stripe – Editor"), name)
    assert any(problem in e for e in errors(at))
    assert len(connections(at)) == 1


def test_valid_test_keys_make_the_editor_ready() -> None:
    at = create(open_page(PAGE), "Stripe – Editor")
    at = paste(at, "stripe-editor", Environment.EDITOR, "publishable", TEST_PK)
    at = paste(at, "stripe-editor", Environment.EDITOR, "secret", TEST_SK)
    assert not errors(at)
    assert "Editor is ready" in texts(at)
    assert connections(at)[0][Environment.EDITOR].secret_key.reveal() == TEST_SK
    assert at.text_input(key="connections_stripe-editor_editor_secret").value == ""


def test_a_live_key_in_the_editor_is_an_error() -> None:
    at = create(open_page(PAGE), "Stripe – Editor")
    at = paste(at, "stripe-editor", Environment.EDITOR, "secret", LIVE_SK)
    assert any("Editor uses a live secret key" in e for e in errors(at))
    assert "Editor is ready" not in texts(at)


def test_a_test_key_in_production_is_a_warning_not_an_error() -> None:
    at = create(open_page(PAGE), "Stripe – Production")
    at = paste(at, "stripe-production", Environment.PRODUCTION, "publishable", TEST_PK)
    at = paste(at, "stripe-production", Environment.PRODUCTION, "secret", TEST_SK)
    mode_warnings = [w for w in warnings(at) if "Production uses" in w]
    assert len(mode_warnings) == 1, mode_warnings  # one problem, one warning, naming both keys
    assert "Production uses test keys (pk_test_…, sk_test_…)" in mode_warnings[0]
    assert not errors(at)
    assert "Production is ready" in texts(at)


def test_live_keys_in_production_pass_without_mode_findings() -> None:
    at = create(open_page(PAGE), "Stripe – Production")
    at = paste(at, "stripe-production", Environment.PRODUCTION, "publishable", LIVE_PK)
    at = paste(at, "stripe-production", Environment.PRODUCTION, "secret", LIVE_SK)
    assert not errors(at)
    assert not any("Production uses" in w for w in warnings(at))


def test_keys_from_different_modes_are_a_mismatch() -> None:
    at = create(open_page(PAGE), "Stripe – Staging")
    at = paste(at, "stripe-staging", Environment.STAGING, "publishable", TEST_PK)
    at = paste(at, "stripe-staging", Environment.STAGING, "secret", LIVE_SK)
    found = errors(at)
    assert any("test key" in e and "live key" in e for e in found)
    assert any("Staging uses a live secret key" in e for e in found)


def test_a_missing_secret_key_is_an_error() -> None:
    at = create(open_page(PAGE), "Stripe – Editor")
    at = paste(at, "stripe-editor", Environment.EDITOR, "publishable", TEST_PK)
    assert any("Editor has no Secret Key" in e for e in errors(at))


def test_an_enabled_webhook_without_signing_secret_is_a_warning() -> None:
    at = create(open_page(PAGE), "Stripe – Editor")
    at = paste(at, "stripe-editor", Environment.EDITOR, "secret", TEST_SK)
    at.toggle(key="connections_stripe-editor_editor_webhook_enabled").set_value(True).run()
    assert connections(at)[0][Environment.EDITOR].webhook.enabled
    assert any("no signing secret" in w for w in warnings(at))


def test_use_sandbox_keys_fills_the_environment_with_this_sessions_keys() -> None:
    at = create(open_page(PAGE), "Stripe – Editor")
    at.button(key="connections_stripe-editor_editor_sandbox").click().run()
    config = connections(at)[0][Environment.EDITOR]
    mine = at.session_state["setup_sandbox_account"]
    assert config.secret_key == Secret(mine.secret_key)
    assert "Editor is ready" in texts(at)


def test_on_a_shared_server_nothing_is_saved_only_downloaded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLAYGROUND_SHARED", "1")
    at = create(open_page(PAGE), "Stripe – Editor")
    assert "This app runs on a shared server, so nothing is written to its disk" in texts(at)
    assert not [b for b in at.button if b.label == "Save to .env"]
    assert [b for b in at.get("download_button")]


def test_saving_locally_writes_a_private_env_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("OTHER=kept\n")
    monkeypatch.setenv("PLAYGROUND_SHARED", "0")
    monkeypatch.setenv("PLAYGROUND_ENV_FILE", str(env_file))
    at = create(open_page(PAGE), "Stripe – Editor")
    at = paste(at, "stripe-editor", Environment.EDITOR, "secret", TEST_SK)
    at.button(key="connections_save").click().run()
    assert f"Saved to {env_file}" in texts(at)
    assert stat.S_IMODE(os.stat(env_file).st_mode) == 0o600
    assert "OTHER=kept" in env_file.read_text()
    loaded = load_env_file(env_file)
    assert loaded is not None
    assert loaded.name == "Stripe – Editor"
    assert loaded[Environment.EDITOR].secret_key.reveal() == TEST_SK


def test_a_connection_in_env_is_offered_masked_and_used_on_request(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(
        f"STRIPE_CONNECTION_NAME='Stripe – Editor'\nSTRIPE_EDITOR_PUBLISHABLE_KEY={TEST_PK}\n"
        f"STRIPE_EDITOR_SECRET_KEY={TEST_SK}\nSTRIPE_API_BASE=http://127.0.0.1:9\n"
    )
    monkeypatch.setenv("PLAYGROUND_ENV_FILE", str(env_file))
    at = open_page("pages/home.py")
    shown = texts(at)
    assert "Found in .env" in shown
    assert TEST_SK[:8] + "…" + TEST_SK[-4:] in shown
    assert TEST_SK not in shown
    assert not at.session_state[state.CONNECTIONS]  # offered, not applied
    at.button(key="offer_0_use").click().run()
    used = connections(at)
    assert [c.name for c in used] == ["Stripe – Editor"]
    # A saved sandbox address points at the sandbox that is running now.
    assert used[0].api_base == at.session_state["setup_sandbox_account"].api_base


def test_picking_a_connection_makes_it_active_and_follows_to_an_environment_with_keys() -> None:
    at = create(open_page(PAGE), "Stripe – Production")
    at = paste(at, "stripe-production", Environment.PRODUCTION, "secret", TEST_SK)
    at = create(at, "Stripe – Editor")
    at.session_state[connections_step.ACTIVE_ENVIRONMENT] = "editor"
    at.selectbox(key="connections_pick").select("Stripe – Production").run()
    assert at.session_state[connections_step.ACTIVE] == "Stripe – Production"
    assert at.session_state[connections_step.ACTIVE_ENVIRONMENT] == "production"


def test_a_connection_in_streamlit_secrets_is_offered_too() -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["STRIPE_CONNECTION_NAME"] = "From secrets"
    at.secrets["STRIPE_PRODUCTION_SECRET_KEY"] = LIVE_SK
    at.run()
    shown = texts(at)
    assert "Found in Streamlit secrets" in shown
    assert LIVE_SK not in shown
    at.button(key="offer_0_use").click().run()
    used = connections(at)
    assert [c.name for c in used] == ["From secrets"]
    assert used[0].api_base is None  # no STRIPE_API_BASE: real Stripe


def test_a_save_that_cannot_write_says_so_and_keeps_the_keys(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PLAYGROUND_SHARED", "0")
    monkeypatch.setenv("PLAYGROUND_ENV_FILE", str(tmp_path / "missing-folder" / ".env"))
    at = create(open_page(PAGE), "Stripe – Editor")
    at = paste(at, "stripe-editor", Environment.EDITOR, "secret", TEST_SK)
    at.button(key="connections_save").click().run()
    assert not at.exception
    assert any("Nothing was saved; download the .env instead." in e for e in errors(at))
    assert connections(at)[0][Environment.EDITOR].secret_key.reveal() == TEST_SK


def test_deleting_a_connection_removes_it_and_its_test_results() -> None:
    at = create(create(open_page(PAGE), "Stripe – Editor"), "Stripe – Production")
    at.session_state[state.TEST_RESULTS][("Stripe – Production", "editor")] = object()
    at.button(key="connections_stripe-production_delete").click().run()
    assert not at.exception
    assert [c.name for c in connections(at)] == ["Stripe – Editor"]
    assert ("Stripe – Production", "editor") not in at.session_state[state.TEST_RESULTS]
    assert at.selectbox(key="connections_pick").value == "Stripe – Editor"
