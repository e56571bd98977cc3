"""The UI-free domain of Stripe Setup Playground.

Keys, money, environments and connections, pitfalls, the action catalog and its runner, and the session
object every Stripe call goes through (``StripeSession``).
Nothing here imports Streamlit, IPython, the sandbox or a front end (core/ruff.toml and
tests/core/test_package.py say so), so the same code serves the app (``ui/``), the notebook API
(``notebook_api/``) and scripts.
"""

from core.catalog import Action, Availability, InputKind
from core.client import ClientCache, build_client
from core.connection_test import ConnectionReport, check_connection
from core.environments import (
    Connection,
    Environment,
    EnvironmentConfig,
    WebhookSettings,
    check_environment,
    connection_from_env,
    load_env_file,
    render_env,
    save_env_file,
)
from core.findings import Finding, Severity, has_errors
from core.keys import KeyField, KeyKind, KeyReport, Mode, check_key_pair, inspect_key
from core.money import (
    AmountError,
    AmountPreview,
    Currency,
    Purpose,
    check_amount,
    format_minor,
    preview,
    to_minor,
)
from core.permissions import KeyKnowledge, PermissionMatrix, check_permissions
from core.pitfalls import CATALOG, Pitfall, from_stripe_error
from core.results import RequestRecord, RunResult, Source
from core.runner import Target, new_submission_key, run, target_for
from core.secrets import Secret, mask, redact
from core.session import SandboxControl, StripeSession
from core.snippets import Snippets, snippets_for
from core.webhooks import Verdict

# Curated public names, one per line and sorted; add new modules' names in order.
__all__ = [
    "CATALOG",
    "Action",
    "AmountError",
    "AmountPreview",
    "Availability",
    "ClientCache",
    "Connection",
    "ConnectionReport",
    "Currency",
    "Environment",
    "EnvironmentConfig",
    "Finding",
    "InputKind",
    "KeyField",
    "KeyKind",
    "KeyKnowledge",
    "KeyReport",
    "Mode",
    "PermissionMatrix",
    "Pitfall",
    "Purpose",
    "RequestRecord",
    "RunResult",
    "SandboxControl",
    "Secret",
    "Severity",
    "Snippets",
    "Source",
    "StripeSession",
    "Target",
    "Verdict",
    "WebhookSettings",
    "build_client",
    "check_amount",
    "check_connection",
    "check_environment",
    "check_key_pair",
    "check_permissions",
    "connection_from_env",
    "format_minor",
    "from_stripe_error",
    "has_errors",
    "inspect_key",
    "load_env_file",
    "mask",
    "new_submission_key",
    "preview",
    "redact",
    "render_env",
    "run",
    "save_env_file",
    "snippets_for",
    "target_for",
    "to_minor",
]
