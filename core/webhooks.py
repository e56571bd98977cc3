"""Webhook signature verification with Stripe's exact verdicts, plus what each one means and how to fix it.

The app's verifier page and its local receiver both call :func:`verify`. The check itself is stripe-python's
``stripe.WebhookSignature.verify_header`` (the same code a real backend runs), so the verdict text is exactly
what a developer will see in their own logs; we only add the explanation. The secret is never echoed: not
in a verdict, not in a message, not in a repr.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

import stripe

from core.keys import KeyField, KeyKind, inspect_key
from core.secrets import Secret

DEFAULT_TOLERANCE: Final = stripe.Webhook.DEFAULT_TOLERANCE  # 300 s, Stripe's default
STRIPE_WEBHOOK_DOC: Final = "https://docs.stripe.com/webhooks#verify-events"

# Prefixes of stripe-python's SignatureVerificationError messages, in the order the SDK checks them.
_VERDICTS: Final[tuple[tuple[str, str, str, str], ...]] = (
    (
        "No Stripe-Signature header value was provided",
        "missing_header",
        "The request has no Stripe-Signature header, so nothing proves it came from Stripe.",
        "Pass the raw Stripe-Signature header of the incoming request. If the request did not come from "
        "Stripe (a hand-made test, a proxy that drops headers), send it through Stripe or the sandbox "
        "instead.",
    ),
    (
        "No webhook secret value was provided",
        "no_secret",
        "No signing secret is configured, so the signature cannot be checked.",
        "Copy the endpoint's signing secret (whsec_…) from Stripe Dashboard → Webhooks → your endpoint → "
        "Signing secret, and paste it as the Webhook Secret Key of this environment's connection.",
    ),
    (
        "Unable to extract timestamp and signatures from header",
        "bad_header",
        "The Stripe-Signature header is not in Stripe's format t=<unix time>,v1=<hex signature>.",
        "Pass the header value exactly as received, e.g. 't=1492774577,v1=5257a8…'; do not pass another "
        "header, a JSON string or a truncated value.",
    ),
    (
        "No signatures found with expected scheme",
        "no_v1",
        "The header has a timestamp but no v1 signature (only v1 is valid; v0 is a test-mode decoy).",
        "Pass the complete header as received; something stripped or rewrote its v1= part.",
    ),
    (
        "No signatures found matching the expected signature for payload",
        "no_match",
        "The signature does not match this body and this secret: either the body was changed after Stripe "
        "signed it (re-serialized JSON, changed whitespace or encoding), or the secret is not the one of the "
        "endpoint that sent the event.",
        "Verify the raw request bytes, before any JSON parsing. Check that the whsec_ secret belongs to this "
        "endpoint and to this mode: test and live endpoints, and the Stripe CLI, each have their own secret.",
    ),
    (
        "Timestamp outside the tolerance zone",
        "too_old",
        "The signature is valid but older than the tolerance: the event was signed too long ago (a replayed "
        "request, or a clock that is far off).",
        "Check this machine's clock (NTP). A stored event replayed later fails on purpose; ask Stripe to "
        "resend it (Dashboard → Webhooks → the event → Resend) for a fresh signature.",
    ),
)


@dataclass(frozen=True)
class Verdict:
    """The outcome of one verification; ``stripe_message`` is Stripe's exact text when it failed."""

    ok: bool
    code: str  # ok / missing_header / no_secret / bad_header / no_v1 / no_match / too_old / invalid_json
    stripe_message: str | None
    explanation: str
    fix: str
    event: Mapping[str, Any] | None = None
    timestamp: int | None = None
    hints: tuple[str, ...] = field(default=())
    doc_url: str = STRIPE_WEBHOOK_DOC

    @property
    def event_type(self) -> str | None:
        value = self.event.get("type") if self.event else None
        return value if isinstance(value, str) else None

    @property
    def event_id(self) -> str | None:
        value = self.event.get("id") if self.event else None
        return value if isinstance(value, str) else None

    @property
    def title(self) -> str:
        if self.ok:
            return f"Valid signature: {self.event_type or 'event'} {self.event_id or ''}".strip()
        return self.stripe_message or self.explanation


def _timestamp(header: str | None) -> int | None:
    if not header:
        return None
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isdigit():
            return int(value)
    return None


def verify(
    payload: bytes | str,
    sig_header: str | None,
    secret: Secret | str | None,
    *,
    tolerance: int | None = DEFAULT_TOLERANCE,
) -> Verdict:
    """Check a webhook the way a backend must: raw body, Stripe-Signature header, the endpoint's secret."""
    raw_secret = secret.reveal() if isinstance(secret, Secret) else secret
    hints: list[str] = []
    if raw_secret and inspect_key(raw_secret, KeyField.WEBHOOK_SECRET).kind is not KeyKind.WEBHOOK_SECRET:
        hints.append(
            "The secret does not start with whsec_: that is not a webhook signing secret (an API key sk_… "
            "or rk_… is a different thing). Copy the endpoint's Signing secret instead."
        )
    if raw_secret and raw_secret != raw_secret.strip():
        hints.append("The secret has leading or trailing spaces: paste it again without them.")

    def rejected(code: str, stripe_message: str | None, explanation: str, fix: str) -> Verdict:
        return Verdict(
            ok=False,
            code=code,
            stripe_message=stripe_message,
            explanation=explanation,
            fix=fix,
            timestamp=_timestamp(sig_header),
            hints=tuple(hints),
        )

    if isinstance(payload, str):
        body = payload
    else:
        try:
            body = payload.decode("utf-8")
        except UnicodeDecodeError:
            return rejected(
                "invalid_body",
                None,
                "The body is not UTF-8 text, so it cannot be a Stripe event.",
                "Pass the raw request body exactly as received.",
            )
    try:
        stripe.WebhookSignature.verify_header(body, sig_header, raw_secret, tolerance)
    except (stripe.SignatureVerificationError, TypeError) as error:
        # TypeError: hmac cannot compare a non-ASCII signature or secret. A hex digest is ASCII, so such a
        # header can never match: Stripe's "no match" verdict, not a crash (the receiver must answer 400).
        message = (
            str(error.user_message or error)
            if isinstance(error, stripe.SignatureVerificationError)
            else "No signatures found matching the expected signature for payload"
        )
        for prefix, code, explanation, fix in _VERDICTS:
            if message.startswith(prefix):
                return rejected(code, message, explanation, fix)
        return rejected(  # a verdict this version of stripe-python has and we do not know yet
            "signature_error",
            message,
            "Stripe's SDK rejected the signature.",
            "Read Stripe's message above and the webhook docs.",
        )
    try:
        event = json.loads(body)
    except json.JSONDecodeError as error:
        return rejected(
            "invalid_json",
            None,
            f"The signature is valid but the body is not JSON ({error.msg} at {error.pos}).",
            "Stripe always sends a JSON event; check what produced this body.",
        )
    ts = _timestamp(sig_header)
    if ts is not None and ts > time.time() + 60:
        hints.append(
            "The signature's timestamp is in the future: Stripe does not reject that, but this machine's "
            "clock may be off."
        )
    return Verdict(
        ok=True,
        code="ok",
        stripe_message=None,
        explanation="The request was signed by the holder of this secret and the body is unchanged.",
        fix="",
        event=event if isinstance(event, dict) else None,
        timestamp=ts,
        hints=tuple(hints),
    )


def sign(payload: bytes | str, secret: Secret | str, *, timestamp: int | None = None) -> str:
    """A valid Stripe-Signature header for ``payload`` (to test a receiver the way Stripe would call it)."""
    body = payload.decode("utf-8") if isinstance(payload, bytes) else payload
    raw = secret.reveal() if isinstance(secret, Secret) else secret
    header: str = stripe.WebhookSignature.generate_signature_header(body, raw, timestamp=timestamp)
    return header
