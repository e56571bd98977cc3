"""Lessons that need no connection: what a pasted key is, an environment's keys, amounts, webhooks.

Each function asks ``core`` (the one place each rule lives) and returns a :class:`notebook_api.views.View`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Final

from core import money, webhooks
from core.environments import Environment, EnvironmentConfig, WebhookSettings
from core.environments import check_environment as _check_environment
from core.findings import Severity
from core.keys import KeyField
from core.keys import inspect_key as _inspect_key
from core.secrets import Secret
from notebook_api.views import View, findings_view, key_view, previews_view, verdict_view

__all__ = ["check_environment", "inspect_key", "preview_amount", "preview_amounts", "verify_webhook"]

_FIELD_ALIASES: Final[Mapping[str, KeyField]] = {
    "publishable": KeyField.PUBLISHABLE,
    "publishable_key": KeyField.PUBLISHABLE,
    "pk": KeyField.PUBLISHABLE,
    "secret": KeyField.SECRET,
    "secret_key": KeyField.SECRET,
    "restricted": KeyField.SECRET,
    "sk": KeyField.SECRET,
    "webhook": KeyField.WEBHOOK_SECRET,
    "webhook_secret": KeyField.WEBHOOK_SECRET,
    "whsec": KeyField.WEBHOOK_SECRET,
}


def _key_field(field_: KeyField | str | None) -> KeyField | None:
    if field_ is None or isinstance(field_, KeyField):
        return field_
    try:
        return _FIELD_ALIASES[field_.strip().lower()]
    except KeyError:
        raise ValueError(
            f"Unknown key field {field_!r}: use 'publishable', 'secret' (also for restricted keys) or "
            "'webhook_secret', or leave it out to judge the value alone."
        ) from None


def inspect_key(raw: str | Secret | None, field: KeyField | str | None = None) -> View:
    """What a pasted value is (publishable / secret / restricted key, whsec_, an object id…) and what is wrong
    with it for the field it was pasted into. The view shows only the masked key."""
    where = _key_field(field)
    return key_view(_inspect_key(raw, where), where)


def check_environment(
    environment: Environment | str,
    *,
    publishable_key: str | Secret | None = None,
    secret_key: str | Secret | None = None,
    webhook_secret: str | Secret | None = None,
) -> View:
    """One environment's keys as WeWeb's connection form would hold them: mode, pairing, webhook settings."""
    env = Environment(environment.strip().lower() if isinstance(environment, str) else environment)
    config = EnvironmentConfig(
        secret_or_none(publishable_key),
        secret_or_none(secret_key),
        WebhookSettings(enabled=webhook_secret is not None, signing_secret=secret_or_none(webhook_secret)),
    )
    findings = _check_environment(env, config)
    errors = sum(1 for f in findings if f.is_error)
    warnings = sum(1 for f in findings if f.severity is Severity.WARNING)
    if errors:
        title = f"{env.label}: {errors} problem{'s' if errors != 1 else ''} to fix"
    elif warnings:
        title = f"{env.label}: usable, but read the {warnings} warning{'s' if warnings != 1 else ''}"
    else:
        title = f"{env.label}: the keys fit this environment"
    return findings_view(title, findings, value=findings)


def preview_amount(
    amount: str | int, currency: str = "usd", *, purpose: money.Purpose | str = money.Purpose.PAYMENT
) -> View:
    """What a minor-unit amount means in ``currency`` ("1000 usd → $10.00"), with every finding about it."""
    p = money.preview(amount, currency, purpose=purpose)
    title = p.line or f"{p.text} {p.currency}"
    return View(title, ok=p.ok, findings=p.findings, value=p)


def preview_amounts(
    amount: str | int,
    currencies: Iterable[str] = ("usd", "eur", "jpy", "kwd"),
    *,
    purpose: money.Purpose | str = money.Purpose.PAYMENT,
) -> View:
    """The same number in several currencies: why "1000" is $10.00 but ¥1,000 and KWD 1.000."""
    return previews_view([money.preview(amount, c, purpose=purpose) for c in currencies])


def verify_webhook(
    payload: bytes | str,
    signature_header: str | None,
    secret: str | Secret | None,
    *,
    tolerance: int | None = webhooks.DEFAULT_TOLERANCE,
) -> View:
    """Check a webhook the way a backend must (raw body, Stripe-Signature header, the endpoint's whsec_)."""
    return verdict_view(webhooks.verify(payload, signature_header, secret, tolerance=tolerance))


def secret_or_none(value: str | Secret | None) -> Secret | None:
    if value is None:
        return None
    return value if isinstance(value, Secret) else Secret(value)
