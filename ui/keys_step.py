"""Step 1 of the setup: the person's publishable key and secret (or restricted) key, kept in the session.

The verdict is always computed from what is stored (with ``core.keys``), so the Keys page, Home and the
sidebar agree on whether step 1 is done without a flag that could go stale.
"""

from __future__ import annotations

from core.findings import Finding, has_errors
from core.keys import KeyField, KeyKind, KeyReport, check_key_pair, inspect_key
from core.secrets import Secret
from ui import key_input, sandbox

PUBLISHABLE = "setup_keys_publishable"
SECRET = "setup_keys_secret"  # noqa: S105 - a session-state name, not a secret


def publishable_store() -> tuple[key_input.Getter, key_input.Setter]:
    return key_input.session_store(PUBLISHABLE)


def secret_store() -> tuple[key_input.Getter, key_input.Setter]:
    return key_input.session_store(SECRET)


def reports() -> tuple[KeyReport | None, KeyReport | None]:
    """The verdicts on the stored publishable and secret keys (None where nothing is stored)."""
    pk, sk = publishable_store()[0](), secret_store()[0]()
    return (
        inspect_key(pk, KeyField.PUBLISHABLE) if pk else None,
        inspect_key(sk, KeyField.SECRET) if sk else None,
    )


def pair_findings(publishable: KeyReport | None, secret: KeyReport | None) -> list[Finding]:
    """Problems only the two keys together show (swapped, same value, test and live mixed)."""
    if publishable is None or secret is None:
        return []
    return check_key_pair(publishable, secret)


def done() -> bool:
    """Step 1 is done: a usable publishable key and a usable secret or restricted key that belong together."""
    pk, sk = reports()
    return (
        key_input.is_usable(pk, KeyKind.PUBLISHABLE)
        and key_input.is_usable(sk, KeyKind.SECRET, KeyKind.RESTRICTED)
        and not has_errors(pair_findings(pk, sk))
    )


def use_sandbox_keys() -> None:
    """Button callback: fill both fields with this session's own sandbox keys."""
    mine = sandbox.account()
    publishable_store()[1](Secret(mine.publishable_key))
    secret_store()[1](Secret(mine.secret_key))
