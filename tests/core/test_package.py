"""core is the UI-free domain: what it imports and what it offers.

ruff's banned imports (core/ruff.toml) catch an ``import streamlit`` written in core; this test catches the
rest (an import inside a function, ``importlib``, a dependency that drags one in) by importing every module
of core in a fresh interpreter and looking at what got loaded. And core's public surface is pinned: a name
added to or dropped from ``core.__all__`` is a decision, made here on purpose.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import core

ROOT = Path(__file__).resolve().parents[2]
FRONT_ENDS_AND_SERVERS = ("streamlit", "sandbox", "IPython", "notebook_api", "ui", "pages")

# Every module of core, imported one by one; then the top-level packages that came with them.
PROBE = """
import importlib, json, pkgutil, sys
import core
for module in pkgutil.walk_packages(core.__path__, "core."):
    importlib.import_module(module.name)
print(json.dumps(sorted({name.partition(".")[0] for name in sys.modules})))
"""

PUBLIC = [
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


def test_core_imports_no_front_end_and_no_sandbox() -> None:
    answer = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert answer.returncode == 0, answer.stderr
    loaded = set(json.loads(answer.stdout))
    assert "core" in loaded  # the probe did import core
    assert not loaded & set(FRONT_ENDS_AND_SERVERS), sorted(loaded & set(FRONT_ENDS_AND_SERVERS))


def test_core_public_surface_is_pinned() -> None:
    assert core.__all__ == PUBLIC, "core.__all__ changed: update PUBLIC here on purpose (sorted)"
    assert all(hasattr(core, name) for name in core.__all__)
