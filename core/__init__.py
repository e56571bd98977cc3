"""The UI-free domain of Stripe Setup Playground.

Keys, money, environments and connections, pitfalls, the action catalog and its runner.
Nothing here imports Streamlit, so the same code serves the app, notebooks and scripts.
"""

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
from core.pitfalls import CATALOG, Pitfall, from_stripe_error
from core.secrets import Secret, mask, redact

# Curated public names, one per line and sorted; add new modules' names in order.
__all__ = [
    "CATALOG",
    "AmountError",
    "AmountPreview",
    "Connection",
    "Currency",
    "Environment",
    "EnvironmentConfig",
    "Finding",
    "KeyField",
    "KeyKind",
    "KeyReport",
    "Mode",
    "Pitfall",
    "Purpose",
    "Secret",
    "Severity",
    "WebhookSettings",
    "check_amount",
    "check_environment",
    "check_key_pair",
    "connection_from_env",
    "format_minor",
    "from_stripe_error",
    "has_errors",
    "inspect_key",
    "load_env_file",
    "mask",
    "preview",
    "redact",
    "render_env",
    "save_env_file",
    "to_minor",
]
