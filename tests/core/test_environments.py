"""Environments: mode rules per environment, webhook settings, and the .env load/save contract."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.environments import (
    DEFAULT_WEBHOOK_PATH,
    ENV_VARIABLES,
    Connection,
    EnvFileError,
    Environment,
    EnvironmentConfig,
    WebhookSettings,
    check_connection,
    check_environment,
    connection_from_env,
    env_var,
    key_mode_findings,
    load_env_file,
    render_env,
    save_env_file,
)
from core.findings import Finding, Severity
from core.keys import KeyField, inspect_key
from core.secrets import Secret

BODY = "51Habcdef" + "x7Y" * 30
PK, SK = Secret("pk_test_" + BODY), Secret("sk_test_" + BODY)
PK_LIVE, SK_LIVE = Secret("pk_live_" + BODY), Secret("sk_live_" + BODY)
RK_LIVE = Secret("rk_live_" + BODY)
WHSEC = Secret("whsec_" + "A1b2" * 8)


def codes(findings: list[Finding]) -> list[str]:
    return [f.code for f in findings]


def only(findings: list[Finding], code: str) -> Finding:
    matching = [f for f in findings if f.code == code]
    assert len(matching) == 1, codes(findings)
    return matching[0]


def test_environment_labels() -> None:
    assert [e.label for e in Environment] == ["Editor", "Staging", "Production"]
    assert Environment("editor") is Environment.EDITOR


class TestCheckEnvironment:
    def test_test_keys_in_editor_are_fine(self) -> None:
        assert check_environment(Environment.EDITOR, EnvironmentConfig(PK, SK)) == []
        assert check_environment("staging", EnvironmentConfig(PK, SK)) == []

    def test_live_keys_in_production_are_fine(self) -> None:
        assert check_environment(Environment.PRODUCTION, EnvironmentConfig(PK_LIVE, SK_LIVE)) == []

    @pytest.mark.parametrize("env", [Environment.EDITOR, Environment.STAGING])
    def test_live_key_outside_production_is_one_error_naming_both_keys(self, env: Environment) -> None:
        findings = check_environment(env, EnvironmentConfig(PK_LIVE, SK_LIVE))
        live = only(findings, "env.live_key_outside_production")
        assert live.severity is Severity.ERROR
        assert live.pitfall == "live_key_in_editor"
        assert live.field == f"{env.value}.publishable_key"
        assert f"{env.label} uses live keys (pk_live_…, sk_live_…)" in live.message

    def test_one_live_key_is_named_alone(self) -> None:
        findings = check_environment(Environment.EDITOR, EnvironmentConfig(PK, SK_LIVE))
        live = only(findings, "env.live_key_outside_production")
        assert "Editor uses a live secret key (sk_live_…)" in live.message
        assert live.field == "editor.secret_key"

    def test_live_restricted_key_in_editor(self) -> None:
        findings = check_environment(Environment.EDITOR, EnvironmentConfig(PK, RK_LIVE))
        assert "env.live_key_outside_production" in codes(findings)
        assert "keys.mode_mismatch" in codes(findings)

    def test_test_keys_in_production_are_one_warning(self) -> None:
        findings = check_environment(Environment.PRODUCTION, EnvironmentConfig(PK, SK))
        assert codes(findings) == ["env.test_key_in_production"]
        f = findings[0]
        assert f.severity is Severity.WARNING
        assert "Production uses test keys (pk_test_…, sk_test_…)" in f.message
        assert "no real payments will happen" in f.message
        assert f.pitfall == "test_key_in_production"

    def test_the_rule_is_the_same_for_a_lone_key(self) -> None:
        report = inspect_key(SK.reveal(), KeyField.SECRET)
        assert codes(key_mode_findings("production", {"secret_key": report})) == [
            "env.test_key_in_production"
        ]
        assert key_mode_findings("staging", {"secret_key": report}) == []
        assert key_mode_findings(Environment.EDITOR, {"secret_key": inspect_key("not a key")}) == []

    def test_pair_mode_mismatch(self) -> None:
        findings = check_environment(Environment.EDITOR, EnvironmentConfig(PK_LIVE, SK))
        f = only(findings, "keys.mode_mismatch")
        assert f.message.startswith("Editor: ")
        assert f.field == "editor.secret_key"

    def test_missing_keys(self) -> None:
        findings = check_environment(Environment.EDITOR, EnvironmentConfig(None, PK))
        assert only(findings, "env.publishable_key_missing").severity is Severity.WARNING
        assert only(findings, "key.publishable_in_secret_field").field == "editor.secret_key"
        findings = check_environment(Environment.PRODUCTION, EnvironmentConfig(PK_LIVE, None))
        f = only(findings, "env.secret_key_missing")
        assert f.severity is Severity.ERROR
        assert "sk_live_" in f.fix

    def test_unconfigured_environment_is_info(self) -> None:
        findings = check_environment(Environment.STAGING, EnvironmentConfig())
        assert codes(findings) == ["env.not_configured"]
        assert findings[0].severity is Severity.INFO

    def test_key_problems_are_scoped(self) -> None:
        findings = check_environment(Environment.EDITOR, EnvironmentConfig(SK, SK))
        f = only(findings, "key.secret_in_publishable_field")
        assert f.field == "editor.publishable_key"
        assert f.message.startswith("Editor: This is a secret key")

    def test_webhook_enabled_without_secret(self) -> None:
        cfg = EnvironmentConfig(PK, SK, WebhookSettings(enabled=True))
        f = only(check_environment("editor", cfg), "env.webhook_secret_missing")
        assert f.severity is Severity.WARNING
        assert f.field == "editor.webhook_secret"

    def test_webhook_good(self) -> None:
        cfg = EnvironmentConfig(PK, SK, WebhookSettings(True, "/stripe/webhook", WHSEC))
        assert check_environment("editor", cfg) == []

    @pytest.mark.parametrize(
        ("path", "code"),
        [
            ("", "env.webhook_path_missing"),
            ("stripe/webhook", "env.webhook_path_malformed"),
            ("/stripe webhook", "env.webhook_path_malformed"),
            ("/stripe?x=1", "env.webhook_path_malformed"),
            ("/api/stripe/webhook", "env.webhook_path_api_prefix"),
        ],
    )
    def test_webhook_path_problems(self, path: str, code: str) -> None:
        cfg = EnvironmentConfig(PK, SK, WebhookSettings(True, path, WHSEC))
        assert codes(check_environment("editor", cfg)) == [code]

    def test_webhook_path_fix_suggests_slash(self) -> None:
        cfg = EnvironmentConfig(PK, SK, WebhookSettings(True, "stripe/webhook", WHSEC))
        assert check_environment("editor", cfg)[0].fix == "Use '/stripe/webhook'."

    def test_webhook_secret_malformed(self) -> None:
        cfg = EnvironmentConfig(PK, SK, WebhookSettings(True, "/hook", SK))
        f = only(check_environment("editor", cfg), "key.api_key_in_webhook_field")
        assert f.field == "editor.webhook_secret"

    def test_disabled_webhook_with_secret_is_info(self) -> None:
        cfg = EnvironmentConfig(PK, SK, WebhookSettings(False, "/hook", WHSEC))
        assert codes(check_environment("editor", cfg)) == ["env.webhook_disabled"]

    def test_check_connection_covers_every_environment(self) -> None:
        conn = Connection("x", {Environment.EDITOR: EnvironmentConfig(PK, SK)})
        results = check_connection(conn)
        assert results[Environment.EDITOR] == []
        assert codes(results[Environment.PRODUCTION]) == ["env.not_configured"]


class TestConnection:
    def test_missing_environments_are_filled(self) -> None:
        conn = Connection("x")
        assert set(conn.environments) == set(Environment)
        assert conn["editor"] == EnvironmentConfig()

    def test_repr_is_masked(self) -> None:
        conn = Connection(
            "x", {Environment.EDITOR: EnvironmentConfig(PK, SK, WebhookSettings(True, "/h", WHSEC))}
        )
        text = repr(conn)
        for secret in (PK, SK, WHSEC):
            assert secret.reveal() not in text


FULL = Connection(
    name="Stripe – Editor",
    environments={
        Environment.EDITOR: EnvironmentConfig(PK, SK, WebhookSettings(True, "/stripe/webhook", WHSEC)),
        Environment.PRODUCTION: EnvironmentConfig(PK_LIVE, RK_LIVE, WebhookSettings(False, "/hooks/stripe")),
    },
    api_base="http://127.0.0.1:12111",
)


class TestEnvMapping:
    def test_variable_names(self) -> None:
        assert env_var(Environment.EDITOR, "secret_key") == "STRIPE_EDITOR_SECRET_KEY"
        assert "STRIPE_PRODUCTION_WEBHOOK_SECRET" in ENV_VARIABLES
        assert len(ENV_VARIABLES) == 17
        with pytest.raises(ValueError, match="Unknown setting"):
            env_var("editor", "password")

    def test_from_mapping(self) -> None:
        conn = connection_from_env(
            {
                "STRIPE_CONNECTION_NAME": "Mine",
                "STRIPE_EDITOR_SECRET_KEY": SK.reveal(),
                "STRIPE_EDITOR_WEBHOOK_ENABLED": "Yes",
                "UNRELATED": "1",
            }
        )
        assert conn is not None
        assert conn.name == "Mine"
        assert conn.api_base is None
        assert conn[Environment.EDITOR].secret_key == SK
        assert conn[Environment.EDITOR].publishable_key is None
        assert conn[Environment.EDITOR].webhook.enabled is True
        assert conn[Environment.EDITOR].webhook.path == DEFAULT_WEBHOOK_PATH
        assert conn[Environment.STAGING] == EnvironmentConfig()

    def test_no_variables_means_no_connection(self) -> None:
        assert connection_from_env({"PATH": "/bin"}) is None

    def test_bad_boolean_names_the_variable(self) -> None:
        with pytest.raises(EnvFileError, match="STRIPE_STAGING_WEBHOOK_ENABLED must be true or false"):
            connection_from_env({"STRIPE_STAGING_WEBHOOK_ENABLED": "maybe"})

    def test_bad_boolean_never_echoes_a_key(self) -> None:
        key = "sk_live_" + BODY
        with pytest.raises(EnvFileError) as info:
            connection_from_env({"STRIPE_EDITOR_WEBHOOK_ENABLED": key})
        assert key not in str(info.value)
        assert key[:13] not in str(info.value)
        assert "107-character value" in str(info.value)

    def test_render_contains_every_variable_once(self) -> None:
        text = render_env(FULL)
        for name in ENV_VARIABLES:
            assert sum(1 for line in text.splitlines() if line.startswith(name + "=")) == 1
        assert f"STRIPE_EDITOR_SECRET_KEY={SK.reveal()}" in text
        assert "STRIPE_CONNECTION_NAME='Stripe – Editor'" in text


class TestEnvFile:
    def test_round_trip(self, tmp_path: Path) -> None:
        path = tmp_path / ".env"
        save_env_file(FULL, path)
        assert load_env_file(path) == FULL

    def test_mode_0600_new_file(self, tmp_path: Path) -> None:
        path = tmp_path / ".env"
        old = os.umask(0)
        try:
            save_env_file(FULL, path)
        finally:
            os.umask(old)
        assert stat.S_IMODE(path.stat().st_mode) == 0o600

    def test_existing_file_is_chmodded_and_unrelated_lines_kept(self, tmp_path: Path) -> None:
        path = tmp_path / ".env"
        original = (
            "# my project settings\nDATABASE_URL=postgres://u:p@localhost/db\n\nexport "
            "STRIPE_EDITOR_SECRET_KEY=sk_test_old\n  # indented comment\nOTHER='keep me' # trailing "
            "comment\n"
            'MULTI="line one\nline two"\n'
            "STRIPE_NOT_OURS=1\n"
        )
        path.write_text(original)
        path.chmod(0o644)
        save_env_file(FULL, path)
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        text = path.read_text()
        lines = text.splitlines()
        for kept in (
            "# my project settings",
            "DATABASE_URL=postgres://u:p@localhost/db",
            "  # indented comment",
            "OTHER='keep me' # trailing comment",
            'MULTI="line one',
            'line two"',
            "STRIPE_NOT_OURS=1",
        ):
            assert kept in lines
        assert f"export STRIPE_EDITOR_SECRET_KEY={SK.reveal()}" in lines  # updated in place, export kept
        assert "sk_test_old" not in text
        assert lines.index("# my project settings") == 0
        assert lines.index(f"export STRIPE_EDITOR_SECRET_KEY={SK.reveal()}") == 3
        assert load_env_file(path) == FULL

    def test_idempotent(self, tmp_path: Path) -> None:
        path = tmp_path / ".env"
        path.write_text("KEEP=1\n")
        save_env_file(FULL, path)
        first = path.read_bytes()
        save_env_file(FULL, path)
        assert path.read_bytes() == first

    def test_multiline_old_value_is_replaced_whole(self, tmp_path: Path) -> None:
        path = tmp_path / ".env"
        path.write_text('STRIPE_EDITOR_SECRET_KEY="sk_test_a\nsk_test_b"\nKEEP=1\n')
        save_env_file(FULL, path)
        text = path.read_text()
        assert "sk_test_a" not in text
        assert "sk_test_b" not in text
        assert "KEEP=1\n" in text

    def test_new_file_gets_the_commented_layout(self, tmp_path: Path) -> None:
        path = tmp_path / ".env"
        save_env_file(FULL, path)
        assert path.read_text() == render_env(FULL)
        assert "# Production" in path.read_text()

    def test_no_temp_files_left(self, tmp_path: Path) -> None:
        path = tmp_path / ".env"
        save_env_file(FULL, path)
        save_env_file(FULL, path)
        assert sorted(p.name for p in tmp_path.iterdir()) == [".env"]

    def test_missing_file_loads_none(self, tmp_path: Path) -> None:
        assert load_env_file(tmp_path / "nope.env") is None

    def test_crlf_file_keeps_its_line_endings(self, tmp_path: Path) -> None:
        path = tmp_path / ".env"
        path.write_bytes(b"A=1\r\nSTRIPE_EDITOR_SECRET_KEY=x\r\n")
        save_env_file(FULL, path)
        data = path.read_bytes()
        assert data.startswith(b"A=1\r\nSTRIPE_EDITOR_SECRET_KEY=sk_test_")
        assert load_env_file(path) == FULL

    def test_no_interpolation(self, tmp_path: Path) -> None:
        path = tmp_path / ".env"
        path.write_text("STRIPE_CONNECTION_NAME=${HOME}\n")
        conn = load_env_file(path)
        assert conn is not None
        assert conn.name == "${HOME}"

    def test_example_file_loads_to_an_empty_connection(self) -> None:
        example = Path(__file__).resolve().parents[2] / ".env.example"
        conn = load_env_file(example)
        assert conn == Connection()
        text = example.read_text()
        for name in ENV_VARIABLES:
            assert f"\n{name}=" in text
        assert "sk_test_" + "5" not in text


# No whitespace or control categories at all, so every drawn name already equals its strip(): a filter that
# rejected such draws made Hypothesis fail its "input generation is slow" health check on a loaded machine.
names = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp")),
    min_size=1,
    max_size=30,
)
keys = st.one_of(
    st.none(),
    st.text(
        alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=10, max_size=99
    ).map(lambda b: Secret("sk_test_" + b)),
)
paths = st.one_of(st.just(DEFAULT_WEBHOOK_PATH), st.from_regex(r"\A/[a-z0-9/_-]{0,20}\Z"), st.just(""))
configs = st.builds(
    EnvironmentConfig,
    publishable_key=keys,
    secret_key=keys,
    webhook=st.builds(WebhookSettings, enabled=st.booleans(), path=paths, signing_secret=keys),
)
connections = st.builds(
    Connection,
    name=names,
    environments=st.dictionaries(st.sampled_from(list(Environment)), configs),
    api_base=st.one_of(st.none(), st.just("http://127.0.0.1:12111"), st.just("https://api.example.test/v1")),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(conn=connections)
def test_save_load_round_trip_property(tmp_path: Path, conn: Connection) -> None:
    path = tmp_path / "prop.env"
    path.write_text("# keep\nOTHER=1\n")
    save_env_file(conn, path)
    assert load_env_file(path) == conn
    text = path.read_text()
    assert text.startswith("# keep\nOTHER=1\n")
    save_env_file(conn, path)
    assert path.read_text() == text
