"""Editor / Staging / Production, named connections, the checks that keep live keys out of the editor, and the
``.env`` file a connection can be loaded from and (only when asked) saved to.

WeWeb gives each Stripe connection one set of keys per environment. The setup guide's first pitfall is the
wrong mode in the wrong place: a live key in the Editor charges real cards while you click around, and a test
key in Production takes no real money. :func:`check_environment` says so before any call is made.

``.env`` layout (documented in ``.env.example``)::

    STRIPE_CONNECTION_NAME, STRIPE_API_BASE,
    STRIPE_{EDITOR|STAGING|PRODUCTION}_{PUBLISHABLE_KEY|SECRET_KEY|WEBHOOK_ENABLED|WEBHOOK_PATH|WEBHOOK_SECRET}
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from dotenv import dotenv_values

from core import _docs
from core.client import Server
from core.findings import Finding, Severity
from core.keys import KeyField, KeyReport, Mode, check_key_pair, inspect_key
from core.secrets import Secret, mask, redact

__all__ = [
    "DEFAULT_CONNECTION_NAME",
    "DEFAULT_WEBHOOK_PATH",
    "ENV_VARIABLES",
    "MODE_FINDING_CODES",
    "Connection",
    "EnvFileError",
    "Environment",
    "EnvironmentConfig",
    "WebhookSettings",
    "check_connection",
    "check_environment",
    "connection_from_env",
    "env_var",
    "key_mode_findings",
    "load_env_file",
    "render_env",
    "save_env_file",
]

DEFAULT_WEBHOOK_PATH = "/stripe/webhook"
DEFAULT_CONNECTION_NAME = "Stripe"


class Environment(StrEnum):
    EDITOR = "editor"
    STAGING = "staging"
    PRODUCTION = "production"

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @property
    def expects_live(self) -> bool:
        """Only Production should take real payments; the Editor and Staging are for testing."""
        return self is Environment.PRODUCTION


@dataclass
class WebhookSettings:
    enabled: bool = False
    path: str = DEFAULT_WEBHOOK_PATH
    signing_secret: Secret | None = None


@dataclass
class EnvironmentConfig:
    publishable_key: Secret | None = None
    secret_key: Secret | None = None
    webhook: WebhookSettings = field(default_factory=WebhookSettings)

    @property
    def is_empty(self) -> bool:
        return not self.publishable_key and not self.secret_key and not self.webhook.enabled


@dataclass
class Connection:
    """One named Stripe connection with a configuration for every environment.

    ``api_base`` None means real Stripe; a URL means a Stripe-compatible server such as the local sandbox.
    Missing environments are filled with empty configurations, so ``connection.environments[env]`` always
    works and two connections with the same content compare equal.
    """

    name: str = DEFAULT_CONNECTION_NAME
    environments: dict[Environment, EnvironmentConfig] = field(default_factory=dict)
    api_base: str | None = None

    def __post_init__(self) -> None:
        given = {Environment(k): v for k, v in self.environments.items()}
        self.environments = {env: given.get(env) or EnvironmentConfig() for env in Environment}

    def __getitem__(self, env: Environment | str) -> EnvironmentConfig:
        return self.environments[Environment(env)]

    @property
    def server(self) -> Server:
        """Stripe or a Stripe-compatible server, by the one rule in :meth:`core.client.Server.of`."""
        return Server.of(self.api_base)


# ----------------------------------------------------------------------------------------------------------
# Checks


def _finding(
    code: str,
    severity: Severity,
    message: str,
    fix: str,
    env: Environment,
    input_name: str,
    *,
    doc_url: str | None = _docs.WEWEB_SETUP,
    pitfall: str | None = None,
) -> Finding:
    return Finding(
        code, severity, message, fix, doc_url=doc_url, field=f"{env.value}.{input_name}", pitfall=pitfall
    )


def _scoped(f: Finding, env: Environment) -> Finding:
    """Key findings name their input ("secret_key"); here they also need the environment."""
    scoped_field = f"{env.value}.{f.field}" if f.field else env.value
    return Finding(f.code, f.severity, f"{env.label}: {f.message}", f.fix, f.doc_url, scoped_field, f.pitfall)


#: The codes of :func:`key_mode_findings`: pages that show them once at the top leave them out below.
MODE_FINDING_CODES: frozenset[str] = frozenset(
    {"env.live_key_outside_production", "env.test_key_in_production"}
)


def key_mode_findings(env: Environment | str, keys: Mapping[str, KeyReport]) -> list[Finding]:
    """The one environment × mode rule: a live key outside Production (ERROR), a test key in Production
    (WARNING). ``keys`` maps input names ("publishable_key", "secret_key") to their parsed keys.

    One finding per problem, however many keys share it: a Production with ``pk_test_`` and ``sk_test_``
    keys has one problem (it takes no real payments), said once and naming both keys. Setup (step 2), the
    connection test (step 3), the runner and the sidebar all ask this function, so they say the same thing.
    """
    env = Environment(env)
    by_mode: dict[Mode, list[tuple[str, KeyReport]]] = {}
    for input_name, report in keys.items():
        if report.kind.is_api_key and report.mode is not None:
            by_mode.setdefault(report.mode, []).append((input_name, report))
    findings: list[Finding] = []
    live = by_mode.get(Mode.LIVE, []) if not env.expects_live else []
    test = by_mode.get(Mode.TEST, []) if env.expects_live else []
    if live:
        findings.append(
            _finding(
                "env.live_key_outside_production",
                Severity.ERROR,
                f"{env.label} uses {_keys_phrase('live', live)}. Every call from the {env.label} would act "
                "on real data: real charges, real refunds, real customers.",
                f"Use test keys (pk_test_…, sk_test_…) in the {env.label}; switch on Test mode in the "
                "Stripe Dashboard → Developers → API keys to copy them. Keep live keys for Production only.",
                env,
                live[0][0],
                pitfall="live_key_in_editor",
            )
        )
    if test:
        findings.append(
            _finding(
                "env.test_key_in_production",
                Severity.WARNING,
                f"Production uses {_keys_phrase('test', test)}: no real payments will happen, customers' "
                "cards are not charged, and test-mode objects are invisible to live mode.",
                "When you are ready to accept real payments, paste the live keys (pk_live_…, sk_live_…) "
                "from the Stripe Dashboard with Test mode switched off.",
                env,
                test[0][0],
                pitfall="test_key_in_production",
            )
        )
    return findings


def _keys_phrase(mode: str, keys: list[tuple[str, KeyReport]]) -> str:
    """ "a live secret key (sk_live_…)" or "test keys (pk_test_…, sk_test_…)"."""
    if len(keys) == 1:
        report = keys[0][1]
        return f"a {mode} {report.kind.label} ({report.prefix}…)"
    return f"{mode} keys ({', '.join(f'{r.prefix}…' for _, r in keys)})"


_PATH_OK = re.compile(r"^/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$")


def _shown(path: str) -> str:
    return redact(path)[:60]


def _webhook_findings(env: Environment, hook: WebhookSettings) -> list[Finding]:
    findings: list[Finding] = []
    if not hook.enabled:
        if hook.signing_secret:
            findings.append(
                _finding(
                    "env.webhook_disabled",
                    Severity.INFO,
                    f"{env.label}: a webhook signing secret is saved, but the webhook is disabled, so no "
                    "Stripe events reach your backend workflows.",
                    "Enable the webhook if you want Stripe triggers (e.g. checkout completed) to run.",
                    env,
                    "webhook_enabled",
                    doc_url=_docs.WEWEB_WEBHOOKS,
                )
            )
        return findings
    path = hook.path
    if not path.strip():
        findings.append(
            _finding(
                "env.webhook_path_missing",
                Severity.ERROR,
                f"{env.label}: the webhook is enabled but has no path.",
                f"Set a path such as {DEFAULT_WEBHOOK_PATH}; the endpoint URL in Stripe is your backend URL "
                "+ /api + this path.",
                env,
                "webhook_path",
                doc_url=_docs.WEWEB_WEBHOOKS,
            )
        )
    elif not path.startswith("/"):
        prefixed = "/" + path.strip()
        # Only suggest the path with a '/' in front when that is a valid path: '/stripe webhook' is not.
        fix = (
            f"Use '{_shown(prefixed)}'."
            if _PATH_OK.match(prefixed)
            else f"Use a plain path such as {DEFAULT_WEBHOOK_PATH}: a path has no spaces, '?' or '#'."
        )
        findings.append(
            _finding(
                "env.webhook_path_malformed",
                Severity.ERROR,
                f"{env.label}: the webhook path '{_shown(path)}' must start with '/'.",
                fix,
                env,
                "webhook_path",
                doc_url=_docs.WEWEB_WEBHOOKS,
            )
        )
    elif path.startswith(("http://", "https://")) or not _PATH_OK.match(path):
        bad = sorted({ch for ch in path if not _PATH_OK.match("/" + ch)})
        detail = f"contains {', '.join(repr(c) for c in bad[:4])}" if bad else "is not a plain path"
        findings.append(
            _finding(
                "env.webhook_path_malformed",
                Severity.ERROR,
                f"{env.label}: the webhook path '{_shown(path)}' {detail}; a path has no spaces, '?' or '#'.",
                f"Use a plain path such as {DEFAULT_WEBHOOK_PATH}.",
                env,
                "webhook_path",
                doc_url=_docs.WEWEB_WEBHOOKS,
            )
        )
    elif path == "/api" or path.startswith("/api/"):
        findings.append(
            _finding(
                "env.webhook_path_api_prefix",
                Severity.WARNING,
                f"{env.label}: the webhook path '{_shown(path)}' starts with /api, but WeWeb adds /api "
                f"itself: the endpoint would be …/api{_shown(path)}.",
                f"Drop the leading /api from the path (e.g. {path[4:] or DEFAULT_WEBHOOK_PATH}), or make "
                "sure the URL in Stripe really contains /api twice.",
                env,
                "webhook_path",
                doc_url=_docs.WEWEB_WEBHOOKS,
            )
        )
    if hook.signing_secret is None or not hook.signing_secret.reveal().strip():
        findings.append(
            _finding(
                "env.webhook_secret_missing",
                Severity.WARNING,
                f"{env.label}: the webhook is enabled but has no signing secret, so events cannot be "
                "verified as coming from Stripe.",
                "Add the endpoint in the Stripe Dashboard → Developers → Webhooks (URL = backend URL + "
                "/api + path), then paste its Signing secret (whsec_…) into Webhook Secret Key.",
                env,
                "webhook_secret",
                doc_url=_docs.WEWEB_WEBHOOKS,
            )
        )
    else:
        report = inspect_key(hook.signing_secret, KeyField.WEBHOOK_SECRET)
        findings += [_scoped(f, env) for f in report.findings]
    return findings


def check_environment(env: Environment | str, config: EnvironmentConfig) -> list[Finding]:
    """Everything wrong with one environment's keys and webhook settings, worst problems first in each part.

    An environment with no keys and no webhook is reported once as "not configured" (INFO): environments a
    project does not use are normal.
    """
    env = Environment(env)
    if config.is_empty and not config.webhook.signing_secret:
        return [
            _finding(
                "env.not_configured",
                Severity.INFO,
                f"{env.label} has no keys.",
                f"If you use the {env.label}, paste its Publishable Key and Secret Key "
                f"({'live' if env.expects_live else 'test'} keys).",
                env,
                "secret_key",
            )
        ]
    findings: list[Finding] = []
    reports: dict[str, KeyReport] = {}
    for key_field, value in (
        (KeyField.PUBLISHABLE, config.publishable_key),
        (KeyField.SECRET, config.secret_key),
    ):
        if value is None or not value.reveal().strip():
            findings.append(_missing_key(env, key_field, key_field.value))
            continue
        report = inspect_key(value, key_field)
        reports[key_field.value] = report
        findings += [_scoped(f, env) for f in report.findings]
    findings += key_mode_findings(env, reports)
    if len(reports) == 2:
        pair = check_key_pair(reports[KeyField.PUBLISHABLE.value], reports[KeyField.SECRET.value])
        findings += [_scoped(f, env) for f in pair]
    findings += _webhook_findings(env, config.webhook)
    return findings


def _missing_key(env: Environment, key_field: KeyField, input_name: str) -> Finding:
    mode = "live" if env.expects_live else "test"
    if key_field is KeyField.SECRET:
        return _finding(
            "env.secret_key_missing",
            Severity.ERROR,
            f"{env.label} has no Secret Key: Stripe actions in backend workflows and APIs cannot run.",
            f"Paste the secret key (sk_{mode}_…) or a restricted key (rk_{mode}_…) from the Stripe "
            "Dashboard → Developers → API keys.",
            env,
            input_name,
        )
    return _finding(
        "env.publishable_key_missing",
        Severity.WARNING,
        f"{env.label} has no Publishable Key: backend actions work, but interface features such as the "
        "payment element need it.",
        f"Paste the publishable key (pk_{mode}_…) from the Stripe Dashboard → Developers → API keys.",
        env,
        input_name,
    )


def check_connection(connection: Connection) -> dict[Environment, list[Finding]]:
    """:func:`check_environment` for every environment, keyed by environment (for a per-tab status)."""
    return {env: check_environment(env, connection.environments[env]) for env in Environment}


# ----------------------------------------------------------------------------------------------------------
# .env


class EnvFileError(ValueError):
    """A .env value we cannot use; the message names the variable, never a secret value."""


_SETTINGS = ("PUBLISHABLE_KEY", "SECRET_KEY", "WEBHOOK_ENABLED", "WEBHOOK_PATH", "WEBHOOK_SECRET")
NAME_VAR = "STRIPE_CONNECTION_NAME"
API_BASE_VAR = "STRIPE_API_BASE"


def env_var(env: Environment | str, setting: str) -> str:
    """The variable name for one environment's setting, e.g. ``STRIPE_EDITOR_SECRET_KEY``."""
    setting = setting.upper()
    if setting not in _SETTINGS:
        raise ValueError(f"Unknown setting {setting!r}; use one of {', '.join(_SETTINGS)}")
    return f"STRIPE_{Environment(env).name}_{setting}"


#: Every variable we read and write, in file order.
ENV_VARIABLES: tuple[str, ...] = (
    NAME_VAR,
    API_BASE_VAR,
    *(env_var(env, s) for env in Environment for s in _SETTINGS),
)

_TRUE = {"1", "true", "yes", "on", "enabled"}
_FALSE = {"0", "false", "no", "off", "disabled", ""}


def _parse_bool(name: str, value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    shown = repr(value) if len(value) <= 8 else f"a {len(value)}-character value ({mask(value)})"
    raise EnvFileError(f"{name} must be true or false, got {shown}.")


def connection_from_env(mapping: Mapping[str, str | None]) -> Connection | None:
    """Build a connection from environment variables (``os.environ`` or a parsed .env); None when none of
    our variables is present."""
    if not any(name in mapping for name in ENV_VARIABLES):
        return None

    def get(name: str) -> str | None:
        value = mapping.get(name)
        return None if value is None else str(value)

    environments: dict[Environment, EnvironmentConfig] = {}
    for env in Environment:
        pk = get(env_var(env, "PUBLISHABLE_KEY"))
        sk = get(env_var(env, "SECRET_KEY"))
        enabled_name = env_var(env, "WEBHOOK_ENABLED")
        enabled = get(enabled_name)
        path = get(env_var(env, "WEBHOOK_PATH"))
        whsec = get(env_var(env, "WEBHOOK_SECRET"))
        environments[env] = EnvironmentConfig(
            publishable_key=Secret(pk) if pk else None,
            secret_key=Secret(sk) if sk else None,
            webhook=WebhookSettings(
                enabled=_parse_bool(enabled_name, enabled) if enabled is not None else False,
                path=path if path is not None else DEFAULT_WEBHOOK_PATH,
                signing_secret=Secret(whsec) if whsec else None,
            ),
        )
    name = get(NAME_VAR)
    api_base = get(API_BASE_VAR)
    return Connection(
        name=name if name and name.strip() else DEFAULT_CONNECTION_NAME,
        environments=environments,
        api_base=(api_base.strip() or None) if api_base is not None else None,
    )


def load_env_file(path: str | os.PathLike[str]) -> Connection | None:
    """Read a .env file (without interpolating ``${VARS}``); None when the file has none of our variables
    or does not exist."""
    p = Path(path)
    if not p.is_file():
        return None
    values = dotenv_values(p, interpolate=False)
    return connection_from_env(values)


def _values(connection: Connection) -> dict[str, str]:
    out = {NAME_VAR: connection.name, API_BASE_VAR: connection.api_base or ""}
    for env in Environment:
        cfg = connection.environments[env]
        out[env_var(env, "PUBLISHABLE_KEY")] = cfg.publishable_key.reveal() if cfg.publishable_key else ""
        out[env_var(env, "SECRET_KEY")] = cfg.secret_key.reveal() if cfg.secret_key else ""
        out[env_var(env, "WEBHOOK_ENABLED")] = "true" if cfg.webhook.enabled else "false"
        out[env_var(env, "WEBHOOK_PATH")] = cfg.webhook.path
        out[env_var(env, "WEBHOOK_SECRET")] = (
            cfg.webhook.signing_secret.reveal() if cfg.webhook.signing_secret else ""
        )
    return out


_BARE_OK = re.compile(r"^[A-Za-z0-9_./:@+,-]*$")


def _quote(value: str) -> str:
    """A value python-dotenv reads back exactly: bare when safe, else single quotes, else double quotes."""
    if _BARE_OK.match(value):
        return value
    if "'" not in value and "\n" not in value and "\r" not in value and "\\" not in value:
        return f"'{value}'"
    escaped = (
        value.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\t", "\\t")
    )
    return f'"{escaped}"'


def _line(name: str, value: str, export: bool = False) -> str:
    return f"{'export ' if export else ''}{name}={_quote(value)}"


_HEADER = (
    "# Stripe Setup Playground connection. Contains secret keys: keep this file private (mode 0600),\n# "
    "never commit it. Variables are documented in .env.example.\n"
)


def render_env(connection: Connection) -> str:
    """The complete .env text for ``connection``, secrets included (for an explicit download or save)."""
    values = _values(connection)
    lines = [
        _HEADER.rstrip("\n"),
        _line(NAME_VAR, values[NAME_VAR]),
        _line(API_BASE_VAR, values[API_BASE_VAR]),
    ]
    for env in Environment:
        lines.append("")
        lines.append(f"# {env.label}")
        lines.extend(_line(env_var(env, s), values[env_var(env, s)]) for s in _SETTINGS)
    return "\n".join(lines) + "\n"


_ASSIGN_RE = re.compile(r"^(\s*)(export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=")


def _update_text(existing: str, values: Mapping[str, str]) -> str:
    """Replace our variables' lines in place and append the missing ones; every other line stays as is.

    A value of ours written over several lines (a multi-line quoted value) is replaced as a whole, so no
    half of an old secret is left behind.
    """
    lines = [line for line in re.split(r"(?<=\n)", existing) if line]
    out: list[str] = []
    seen: set[str] = set()
    i = 0
    while i < len(lines):
        line = lines[i]
        m = _ASSIGN_RE.match(line)
        if m and m.group(3) in values:
            name = m.group(3)
            end = _value_end(lines, i, m.end())
            newline = "\r\n" if lines[end].endswith("\r\n") else "\n"
            out.append(m.group(1) + _line(name, values[name], export=bool(m.group(2))) + newline)
            seen.add(name)
            i = end + 1
            continue
        out.append(line)
        i += 1
    missing = [name for name in values if name not in seen]
    if missing:
        eol = "\r\n" if "\r\n" in existing else "\n"
        if out and not out[-1].endswith("\n"):
            out[-1] += eol
        if out and out[-1].strip():
            out.append(eol)
        if not existing.strip():
            out.append(_HEADER.replace("\n", eol))
        out.extend(_line(name, values[name]) + eol for name in missing)
    return "".join(out)


def _value_end(lines: list[str], start: int, value_at: int) -> int:
    """Index of the last line of the assignment starting at ``lines[start]`` (quoted values may span "
    "lines)."""
    rest = lines[start][value_at:].lstrip()
    if not rest or rest[0] not in "'\"":
        return start
    quote = rest[0]
    text = rest[1:]
    j = start
    while True:
        k = 0
        while k < len(text):
            if text[k] == "\\" and quote == '"':
                k += 2
                continue
            if text[k] == quote:
                return j
            k += 1
        j += 1
        if j >= len(lines):
            return start  # unterminated: treat as a one-line value rather than swallowing the file
        text = lines[j]


def save_env_file(connection: Connection, path: str | os.PathLike[str]) -> None:
    """Write ``connection`` into the .env file at ``path``: our STRIPE_* lines are updated or added, every
    other line and comment is kept byte for byte. Atomic (temp file + rename) and always mode 0600."""
    target = Path(os.path.realpath(path))
    existing = ""
    if target.exists():
        with open(target, encoding="utf-8", newline="") as handle:  # keep CRLF files CRLF
            existing = handle.read()
    # A new (or blank) file gets the commented layout; an existing one is edited in place.
    text = render_env(connection) if not existing.strip() else _update_text(existing, _values(connection))
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    os.chmod(target, 0o600)
