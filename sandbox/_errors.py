"""Stripe's error envelope and the exact texts Stripe uses, in one place.

Handlers raise :class:`StripeError`; the app turns it into ``{"error": {...}}`` with Stripe's ``doc_url`` and
``request_log_url``. Texts marked [O] were observed in real API responses; [U] marks a wording we could not
confirm and chose to follow Stripe's documented style.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

SUPPORT = "https://support.stripe.com/"


def doc_url(code: str) -> str:
    """Stripe's documentation page for an error code, as every error object (and last_*_error) links it."""
    return "https://stripe.com/docs/error-codes/" + code.replace("_", "-")


class StripeError(Exception):
    """An API error. ``extra`` carries objects Stripe embeds in some errors (e.g. ``payment_intent``)."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        type: str = "invalid_request_error",
        code: str | None = None,
        param: str | None = None,
        extra: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        validation: bool = False,
        commit: bool = False,
    ) -> None:
        super().__init__(message)
        # A parameter-validation failure: Stripe saves no idempotent result for it, so the same key can be
        # retried with corrected parameters (facts §7).
        self.validation = validation
        # Keep what the request stored although it answers this error: Stripe records a declined attempt
        # (the PaymentIntent back in requires_payment_method, the failed charge, its events, an invoice's
        # attempt_count) and still answers 402. The framework then commits the transaction, saves the
        # error as the idempotent result in that same transaction and publishes the events after commit.
        self.commit = commit
        self.status = status
        self.message = message
        self.type = type
        self.code = code
        self.param = param
        self.extra = dict(extra or {})
        self.headers = dict(headers or {})

    def keeping_state(self) -> StripeError:
        """This error with ``commit=True``: ``raise card_error(...).keeping_state()``."""
        self.commit = True
        return self

    def body(self, request_id: str) -> dict[str, Any]:
        error: dict[str, Any] = {"type": self.type}
        if self.code:
            error["code"] = self.code
            error["doc_url"] = doc_url(self.code)
        error["message"] = self.message
        if self.param is not None:
            error["param"] = self.param
        error["request_log_url"] = f"https://dashboard.stripe.com/test/logs/{request_id}?t={int(time.time())}"
        error.update(self.extra)
        return {"error": error}


# --- key masking ---------------------------------------------------------------------------------------


def mask_invalid_key(key: str) -> str:
    """Stripe's mask in "Invalid API Key provided": first 8, stars, last 4; total length kept [O]."""
    if len(key) <= 16:  # too short to reveal a tail without revealing most of it
        return key[:8] + "*" * max(0, len(key) - 8)
    return key[:8] + "*" * (len(key) - 12) + key[-4:]


def mask_permission_key(key: str) -> str:
    """Stripe's mask in the restricted-key permission error: first 8, stars, last 6 [O]."""
    if len(key) <= 20:
        return key[:8] + "*" * max(0, len(key) - 8)
    return key[:8] + "*" * (len(key) - 14) + key[-6:]


# --- authentication (facts §1.2, §2.1) -------------------------------------------------------------------


def no_api_key() -> StripeError:
    return StripeError(
        401,
        "You did not provide an API key. You need to provide your API key in the Authorization header, using "
        "Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See "
        "https://stripe.com/docs/api#authentication"
        f" for details, or we can help at {SUPPORT}.",
    )


def null_api_key(header_word: str) -> StripeError:
    return StripeError(
        401,
        "You did not provide an API key, though you did set your Authorization header to "
        f'"{header_word}". Using Bearer auth, your Authorization header should look something like '
        "'Authorization: Bearer YOUR_SECRET_KEY'. See https://stripe.com/docs/api#authentication for "
        "details, "
        f"or we can help at {SUPPORT}.",
    )


def key_with_space() -> StripeError:
    return StripeError(
        401,
        "Invalid API Key provided: nil. This key contains at least one space. Please delete the spaces "
        "and try "
        f"again. If you have any questions, we can help at {SUPPORT}.",
    )


def invalid_api_key(key: str) -> StripeError:
    return StripeError(401, f"Invalid API Key provided: {mask_invalid_key(key)}")


def secret_key_required() -> StripeError:
    return StripeError(
        401,
        "This API call cannot be made with a publishable API key. Please use a secret API key. You can "
        "find a "
        "list of your API keys at https://dashboard.stripe.com/account/apikeys.",
        code="secret_key_required",
    )


def live_key_refused(key: str) -> StripeError:
    # [U] Stripe has no such case: the sandbox only emulates test mode, so it refuses live keys outright
    # instead of pretending a live account exists.
    return StripeError(
        401,
        f"Live mode keys are not accepted here: {mask_invalid_key(key)}. This is a local Stripe sandbox, "
        "which "
        "only emulates test mode. Use one of the sandbox's test keys (POST /_sandbox/accounts, or "
        "`python -m sandbox --print-keys`).",
        code="livemode_mismatch",
    )


def missing_permission(key: str, account: str, slugs: Sequence[str]) -> StripeError:
    quoted = ", ".join(f"'{slug}'" for slug in slugs)
    noun = "permission" if len(slugs) == 1 else "permissions"
    return StripeError(
        403,
        f"The provided key '{mask_permission_key(key)}' does not have the required permissions for this "
        f"endpoint on account '{account}'. Having the {quoted} {noun} would allow this request to continue.",
    )


# --- routing ---------------------------------------------------------------------------------------------


def unrecognized_url(method: str, path: str) -> StripeError:
    # Answered before the key is looked at. [U] No recorded exchange shows an unauthenticated request to an
    # unknown URL; Stripe's router evidently runs first, since a browser (which sends no key) opening
    # https://api.stripe.com/ is shown this error rather than "You did not provide an API key".
    return StripeError(
        404,
        f"Unrecognized request URL ({method}: {path}).  Please see https://stripe.com/docs or we can help at "
        f"{SUPPORT}.",
    )


def not_emulated(method: str, template: str) -> StripeError:
    # [U] The sandbox's own error: Stripe serves this operation, the sandbox does not (yet).
    return StripeError(
        404,
        f"The local Stripe sandbox does not emulate {method} {template}. Stripe's API has this operation, "
        "but "
        "the sandbox only serves the operations listed at /_sandbox/openapi.json; run this request against "
        "Stripe test mode instead.",
        code="sandbox_operation_not_emulated",
    )


# --- parameters (facts §6) -------------------------------------------------------------------------------


def resource_missing(kind: str, object_id: str, param: str | None = "id", status: int = 404) -> StripeError:
    return StripeError(status, f"No such {kind}: '{object_id}'", code="resource_missing", param=param)


def parameter_unknown(name: str) -> StripeError:
    return StripeError(
        400, f"Received unknown parameter: {name}", code="parameter_unknown", param=name, validation=True
    )


def parameter_missing(name: str) -> StripeError:
    return StripeError(
        400, f"Missing required param: {name}.", code="parameter_missing", param=name, validation=True
    )


def invalid_integer(name: str, value: object) -> StripeError:
    return StripeError(
        400, f"Invalid integer: {value}", code="parameter_invalid_integer", param=name, validation=True
    )


def invalid_boolean(name: str, value: object) -> StripeError:
    return StripeError(400, f"Invalid boolean: {value}", param=name, validation=True)


def invalid_decimal(name: str, value: object) -> StripeError:
    return StripeError(400, f"Invalid decimal: {value}", param=name, validation=True)


def invalid_hash(name: str) -> StripeError:
    # Stripe calls nested objects "hashes" in its messages.
    return StripeError(400, "Invalid hash", param=name, validation=True)


def invalid_array(name: str) -> StripeError:
    return StripeError(400, "Invalid array", param=name, validation=True)


def invalid_string(name: str) -> StripeError:
    return StripeError(400, "Invalid string", param=name, validation=True)


def message_name(name: str) -> str:
    """How Stripe names a parameter inside a message: a hash key by its own name (``recurring[interval]`` →
    ``interval``, "Invalid interval: must be one of …" [O]), an array element with its array and index
    (``enabled_events[0]`` → ``enabled_events[0]``, "Invalid enabled_events[0]: must be one of …" [O])."""
    parts = name.replace("]", "").split("[")
    if len(parts) > 1 and parts[-1].isdigit():
        return f"{parts[-2]}[{parts[-1]}]"
    return parts[-1]


def string_too_long(name: str, limit: int) -> StripeError:
    # [U] exact wording unconfirmed; named like the enum error.
    return StripeError(
        400, f"Invalid {message_name(name)}: must be at most {limit} characters", param=name, validation=True
    )


def one_of_words(values: Sequence[str]) -> str:
    """``a or b`` / ``a, b, or c``: Stripe's list style in enum errors [O]."""
    items = list(values)
    if len(items) <= 2:
        return " or ".join(items)
    return ", ".join(items[:-1]) + ", or " + items[-1]


def invalid_enum(name: str, allowed: Sequence[str]) -> StripeError:
    # Stripe lists the named values only: enabled_events' wildcard "*" is not among them [O: stripe-cli
    # output "Invalid enabled_events[0]: must be one of account.application.authorized, …"].
    listed = [value for value in allowed if value not in ("", "*")]
    return StripeError(
        400,
        f"Invalid {message_name(name)}: must be one of {one_of_words(listed)}",
        param=name,
        validation=True,
    )


def empty_string(name: str) -> StripeError:
    return StripeError(
        400,
        f"You passed an empty string for '{name}'. We assume empty values are an attempt to unset a "
        f"parameter; however '{name}' cannot be unset. You should remove '{name}' from your request or "
        "supply a non-empty value.",
        code="parameter_invalid_empty",
        param=name,
        validation=True,
    )


def exclusive(names: Sequence[str]) -> StripeError:
    return StripeError(
        400,
        f"You may only specify one of these parameters: {', '.join(names)}.",
        code="parameters_exclusive",
        validation=True,
    )


def url_invalid(name: str) -> StripeError:
    return StripeError(400, "Not a valid URL", code="url_invalid", param=name, validation=True)


def email_invalid(name: str, value: str) -> StripeError:
    # [U] code email_invalid is in Stripe's error-code list; the text follows its "Invalid <thing>: v" style.
    return StripeError(
        400, f"Invalid email address: {value}", code="email_invalid", param=name, validation=True
    )


def invalid_request(
    message: str, param: str | None = None, code: str | None = None, *, validation: bool = False
) -> StripeError:
    return StripeError(400, message, param=param, code=code, validation=validation)


# --- idempotency (facts §7) ------------------------------------------------------------------------------


def idempotency_params_mismatch(key: str) -> StripeError:
    return StripeError(
        400,
        "Keys for idempotent requests can only be used with the same parameters they were first used with. "
        f"Try using a key other than '{key}' if you meant to execute a different request.",
        type="idempotency_error",
    )


def idempotency_endpoint_mismatch(key: str, first_path: str, path: str) -> StripeError:
    return StripeError(
        400,
        "Keys for idempotent requests can only be used for the same endpoint they were first used for "
        f"('{path}' vs '{first_path}'). Try using a key other than '{key}' if you meant to execute a "
        "different "
        "request.",
        type="idempotency_error",
    )


def idempotency_key_in_use(key: str) -> StripeError:
    return StripeError(
        409,
        "There is currently another in-progress request using this Idempotent Key (that probably means you "
        f"submitted twice, and the other request is still going through): {key}. Please try again later.",
        code="idempotency_key_in_use",
    )


def idempotency_key_too_long() -> StripeError:
    # [U] Stripe documents the 255-character limit; the wording is ours.
    return StripeError(400, "Idempotency-Key must be at most 255 characters long.", type="idempotency_error")


def api_error() -> StripeError:
    return StripeError(
        500,
        "An unknown error occurred in the local Stripe sandbox. Its log has the details.",
        type="api_error",
    )
