"""Secrets never leak (AppTest): the setup and playground flows with live-looking, test, restricted and
webhook secrets; then every element of every page, the logs of this process, the request log and its CSV,
snippets, exception texts and every file written are searched. Zero occurrences of any full secret.

The real keys of the session's sandbox account (which the flows need to succeed) are searched too.
"""

from __future__ import annotations

import os
import stat
import tempfile
import time
from pathlib import Path

import pytest
import stripe
from secrets_scan import (
    FAKE_TEST_SK,
    LIVE_PK,
    LIVE_RK,
    LIVE_SK,
    PLANTED,
    WHSEC,
    captured_logs,
    file_leaks,
    files_written_since,
    leaks,
    tree_strings,
)
from setup_helpers import open_page
from streamlit.testing.v1 import AppTest

from core import runner
from core.client import ClientCache, Target
from core.environments import Environment
from core.secrets import Secret
from sandbox.control import ControlClient
from ui import connections_step, request_log, sandbox, state

ROOT = Path(__file__).resolve().parents[2]
PAGES = [
    "pages/home.py",
    "pages/keys.py",
    "pages/connections.py",
    "pages/test_connection.py",
    "pages/actions.py",
    "pages/data.py",
    "pages/flows.py",
    "pages/webhooks.py",
    "pages/request_log.py",
]


def _paste(at: AppTest, key: str, value: str) -> AppTest:
    at.text_input(key=key).input(value).run()
    assert at.text_input(key=key).value == "", f"{key} kept the pasted key"
    return at


def _env(at: AppTest, env: Environment) -> AppTest:
    """Open the environment's tab in Step 2, as the person does."""
    return at.button_group(key="connections_environment").set_value(env.value).run()


def _click_all(at: AppTest, label_start: str) -> AppTest:
    for button in [b for b in at.button if str(b.label).startswith(label_start)]:
        button.click().run()
    return at


def test_no_secret_leaks_through_the_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLAYGROUND_SHARED", "0")  # this machine: "Save to .env" is offered
    started = time.time() - 1
    seen: list[str] = []
    with captured_logs() as logs:
        at = open_page("pages/keys.py")
        mine = at.session_state[sandbox.ACCOUNT]
        real_sk = mine.secret_key
        api_base = mine.api_base
        restricted = ControlClient(api_base, real_sk).restricted_key(
            ["rak_product_read", "rak_product_write"]
        )
        secrets = [*PLANTED, real_sk, restricted]

        # Step 1: keys (a live pair, then the sandbox's test pair)
        _paste(at, "keys_publishable", LIVE_PK)
        _paste(at, "keys_secret", LIVE_SK)
        seen.append(tree_strings(at))
        _paste(at, "keys_secret", FAKE_TEST_SK)
        seen.append(tree_strings(at))
        _paste(at, "keys_publishable", mine.publishable_key)
        _paste(at, "keys_secret", real_sk)
        seen.append(tree_strings(at))

        # Step 2: one connection, a key per environment, a webhook secret
        at.switch_page("pages/connections.py").run()
        at.text_input(key="connections_new_name").input("Leak check")
        next(b for b in at.button if b.label == "Create connection").click().run()
        prefix = "connections_leak-check"
        _env(at, Environment.EDITOR)
        _paste(at, f"{prefix}_editor_publishable", mine.publishable_key)
        _paste(at, f"{prefix}_editor_secret", real_sk)
        at.toggle(key=f"{prefix}_editor_webhook_enabled").set_value(True).run()
        _paste(at, f"{prefix}_editor_webhook_secret", WHSEC)
        seen.append(tree_strings(at))
        _env(at, Environment.STAGING)
        _paste(at, f"{prefix}_staging_secret", restricted)
        seen.append(tree_strings(at))
        _env(at, Environment.PRODUCTION)
        _paste(at, f"{prefix}_production_publishable", LIVE_PK)
        _paste(at, f"{prefix}_production_secret", LIVE_RK)
        seen.append(tree_strings(at))
        at.button(key="connections_save").click().run()  # the one explicit write of keys to disk
        seen.append(tree_strings(at))

        # Step 3: the test call in every environment (the live one fails: a live key is refused)
        at.switch_page("pages/test_connection.py").run()
        _click_all(at, "Run List Products")
        seen.append(tree_strings(at))

        # Playground: a write and a list on the active connection, a webhook endpoint and an event
        at.session_state[connections_step.ACTIVE_ENVIRONMENT] = Environment.EDITOR.value
        at.switch_page("pages/actions.py").run()
        at.selectbox(key="actions_pick").set_value("create_product").run()
        at.text_input(key="actions_create_product_name").input("Leak check product").run()
        at.button(key="actions_create_product_run").click().run()
        seen.append(tree_strings(at))
        at.selectbox(key="actions_pick").set_value("list_products").run()
        at.button(key="actions_list_products_run").click().run()
        seen.append(tree_strings(at))
        at.switch_page("pages/webhooks.py").run()
        if at.button(key="webhooks_register"):
            at.button(key="webhooks_register").click().run()
        seen.append(tree_strings(at))

        # Every page, as it is now
        for page in PAGES:
            at.switch_page(page).run()
            seen.append(tree_strings(at))

        entries = at.session_state[request_log.LOG]
        csv = request_log.to_frame(entries).to_csv(index=False)
        records = "\n".join(repr(e) + str(e.record.as_dict()) for e in entries)

        # Snippets and exception texts straight from core, with each secret as the key
        core_texts = []
        for key in secrets:
            result = runner.run(
                "create_product",
                {"name": "snippet"},
                target=Target(Secret(key), api_base, "Editor", "leak"),
                clients=ClientCache(max_network_retries=0, timeout=5),
            )
            assert result.snippets is not None
            core_texts += [result.snippets.python, result.snippets.curl, str(result), repr(result)]
            core_texts += [
                result._repr_html_(),
                str(result.error),
                str(result.guidance),
                str(result.warnings),
            ]
            try:
                stripe.StripeClient(key, base_addresses={"api": api_base}).v1.products.list()
            except stripe.StripeError as error:
                core_texts += [str(error), repr(error)]
            core_texts += [str(Secret(key)), repr(Secret(key)), f"{Secret(key)}"]

    assert at.session_state[state.CONNECTIONS], "the flow should have created a connection"
    assert len(entries) >= 3, "the flow should have logged its calls"
    tested = at.session_state[state.TEST_RESULTS]
    assert {env for _, env in tested} == {"editor", "staging", "production"}, tested
    assert [e.record.status for e in entries if e.record.action_id == "create_product"] == [200]

    everything = {
        "pages": "\n".join(seen),
        "logs": "\n".join(logs),
        "request log": records,
        "request log CSV": csv,
        "core": "\n".join(core_texts),
    }
    found = {where: leaks(text, secrets) for where, text in everything.items()}
    assert not any(found.values()), found

    # The folder of the file the app's sandbox really writes: the sandbox is started once per process, by
    # whichever test came first, so PLAYGROUND_DATA_DIR may by now name another folder (suite order).
    data_dir = Path(sandbox._started().runtime.store.path).parent
    env_file = Path(os.environ["PLAYGROUND_ENV_FILE"])
    written = files_written_since(
        [ROOT, data_dir, env_file.parent, Path(tempfile.gettempdir())], started, skip=[env_file]
    )
    written = [p for p in written if not str(p).startswith(str(tmp_path))]
    assert any(data_dir in p.parents for p in written), "the scan must cover the sandbox file the flow wrote"
    assert not file_leaks(written, secrets)
    # the explicit "Save to .env": the keys are in it, and only its owner may read it
    assert LIVE_RK in env_file.read_text()
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600
