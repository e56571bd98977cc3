"""The setup model as WeWeb has it: a connection is one Stripe account's keys with a slot per environment;
progress per slot; step 1's keys land in the first connection; nothing switches to live keys, deletes or
overwrites without asking."""

from __future__ import annotations

from pathlib import Path

import pytest
from setup_helpers import LIVE_PK, LIVE_SK, account, open_page, plain, sandbox_connection, texts
from streamlit.testing.v1 import AppTest

from core.environments import Connection, Environment, EnvironmentConfig, render_env
from core.secrets import Secret
from ui import connections_step, keys_step, setup_model, state

PAGE = "pages/connections.py"


def create(at: AppTest, name: str) -> AppTest:
    at.text_input(key="connections_new_name").input(name)
    return next(b for b in at.button if b.label == "Create connection").click().run()


def stored(at: AppTest) -> list[Connection]:
    found = at.session_state[state.CONNECTIONS]
    assert isinstance(found, list)
    return found


def test_step_two_says_what_a_connection_is_in_the_guides_words() -> None:
    at = open_page(PAGE)
    assert next(c.value for c in at.caption) == setup_model.CAPTION
    model = next(e for e in at.expander if e.label == "What is a connection?")
    text = plain(model.markdown[0].value)
    assert "A connection is one Stripe account's keys" in text.replace("**", "")
    assert "“Stripe – Editor” or “Stripe – Production”: they are just names" in text
    assert model.get("graphviz_chart"), "the model is drawn, not only said"
    assert at.text_input(key="connections_new_name").placeholder == "Stripe"


def test_step_one_keys_go_into_the_first_connections_editor_slot_and_the_page_says_so() -> None:
    at = open_page("pages/keys.py")
    mine = account(at)
    at.session_state[keys_step.PUBLISHABLE] = Secret(mine.publishable_key)
    at.session_state[keys_step.SECRET] = Secret(mine.secret_key)
    at.switch_page(PAGE).run()
    at = create(at, "Stripe")
    editor = stored(at)[0][Environment.EDITOR]
    assert editor.secret_key == Secret(mine.secret_key)
    assert editor.publishable_key == Secret(mine.publishable_key)
    assert "Your keys from step 1 are in the Editor slot of “Stripe”: nothing to copy." in texts(at)
    assert "Editor is ready" in texts(at)
    at = create(at, "Second account")
    assert stored(at)[1][Environment.EDITOR].secret_key is None  # only the first connection takes them


def test_home_follows_what_is_done_whatever_filled_the_connection() -> None:
    at = open_page("pages/home.py")
    sandbox_connection(at, "From .env")  # keys that never passed through step 1's fields
    at.run()
    hint = next(i.value for i in at.info if i.value.startswith("Next:"))
    assert hint == "Next: step 3, Test the connection."
    assert "Your connection already holds keys (step 2)." in [c.value for c in at.caption]
    assert "**From .env**  \nEditor: keys ✓ · not tested" in [m.value for m in at.markdown]


def test_webhook_settings_show_only_the_environments_in_use() -> None:
    at = open_page("pages/home.py")
    sandbox_connection(at, "Stripe")
    at.switch_page("pages/webhooks.py").run()
    cards = [m.value for m in at.markdown if "path `" in m.value]
    assert len(cards) == 1, cards
    assert cards[0].startswith("**Stripe · Editor**")


def test_delete_asks_and_can_be_undone_until_the_next_change() -> None:
    at = open_page(PAGE)
    at = create(at, "Keep me")
    at.button(key="connections_keep-me_delete").click().run()  # the popover's "Yes, delete it"
    assert stored(at) == []
    assert "Deleted “Keep me”." in texts(at)
    at.button(key="connections_undo_delete").click().run()
    assert [c.name for c in stored(at)] == ["Keep me"]
    at.button(key="connections_keep-me_delete").click().run()
    at = create(at, "Something else")  # the next change: no way back any more
    assert not any(b.key == "connections_undo_delete" for b in at.button)


def test_a_connection_from_env_over_a_same_named_one_asks_and_shows_what_changes(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    at = open_page(PAGE)
    mine = sandbox_connection(at, "Stripe")
    incoming = Connection(
        "Stripe",
        {Environment.PRODUCTION: EnvironmentConfig(Secret(LIVE_PK), Secret(LIVE_SK))},
        api_base="https://api.stripe.com",
    )
    env_file = tmp_path / ".env"
    env_file.write_text(render_env(incoming))
    monkeypatch.setenv("PLAYGROUND_ENV_FILE", str(env_file))
    at.run()
    question = next(plain(w.value) for w in at.warning if "exists already" in w.value)
    assert "Server: Sandbox → Stripe" in question
    assert "Editor · Secret Key: `sk_test_" in question
    assert "→ none" in question
    assert "Production · Secret Key: none → `sk_live_" in question
    assert LIVE_SK not in question
    assert mine[Environment.EDITOR].secret_key.reveal() not in question
    assert stored(at)[0] is mine  # nothing changed yet
    next(b for b in at.button if b.label.startswith("Replace “Stripe”")).click().run()
    assert stored(at)[0][Environment.PRODUCTION].secret_key == Secret(LIVE_SK)
    assert len(stored(at)) == 1
    assert at.session_state[connections_step.ACTIVE_ENVIRONMENT] != "production"  # not live without a yes
    assert at.session_state[connections_step.PENDING_LIVE] == ("Stripe", "production")


def test_opening_a_live_slot_in_step_two_edits_it_without_making_it_where_calls_go() -> None:
    at = open_page(PAGE)
    mine = sandbox_connection(at, "Stripe")
    mine[Environment.PRODUCTION].publishable_key = Secret(LIVE_PK)
    mine[Environment.PRODUCTION].secret_key = Secret(LIVE_SK)
    at.run()
    at.button_group(key="connections_environment").set_value("production").run()
    assert any(t.key == "connections_stripe_production_secret" for t in at.text_input)  # editing Production
    assert at.session_state[connections_step.ACTIVE_ENVIRONMENT] == "editor"  # calls still go to the Editor
    assert at.session_state[connections_step.PENDING_LIVE] == ("Stripe", "production")
