"""The pages the sandbox serves to a person's browser, and the URLs it sends that browser to.

Two rules live here, once, because the app serves these pages on its own origin (``PLAYGROUND_PUBLIC_URL``)
and everything else on the sandbox must stay unreachable from there:

- ``HOSTED_PATH_PREFIXES`` is the exact allow-list of browser pages: the app's proxy forwards a path only
  when it starts with one of them (everything else, the API and the ``/_sandbox`` control endpoints
  included, answers 404 through the app's port). The sandbox gives these pages ``SECURITY_HEADERS``.
- ``check_redirect_url`` is the one validator for every URL the sandbox will send a browser to
  (``REDIRECT_PARAMS``: ``success_url``, ``cancel_url``, ``return_url``, a payment link's
  ``after_completion[redirect][url]``). The framework applies it to every request's parameters after spec
  validation, so a resource gets it without asking; the pages ask ``is_redirect_url`` again before they put
  a stored URL into a link or a ``Location`` (rows written before the rule existed).

Stripe's answers, as observed: anything that is not an absolute ``http(s)`` URL gets 400 ``url_invalid``
"Not a valid URL" with the field as ``param``; past 5,000 characters, "Invalid URL: URL must be 5000
characters or less." (same code and param).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from sandbox._errors import StripeError, url_invalid

__all__ = [
    "CONTENT_SECURITY_POLICY",
    "HOSTED_PATH_PREFIXES",
    "MAX_URL_LENGTH",
    "REDIRECT_PARAMS",
    "SECURITY_HEADERS",
    "check_redirect_params",
    "check_redirect_url",
    "is_hosted_path",
    "is_redirect_url",
    "url_too_long",
]

# Each prefix ends with "/" so that "/c/pay" cannot admit "/c/payments" and every page has an id after it.
HOSTED_PATH_PREFIXES: tuple[str, ...] = (
    "/c/pay/",  # hosted Checkout: the form, its promotion-code box and its 3D Secure step
    "/i/",  # the hosted invoice page
    "/receipts/",  # a charge's receipt_url
    "/_sandbox/3ds/",  # the 3D Secure challenge that next_action.redirect_to_url opens
)

MAX_URL_LENGTH = 5000

# Where each browser-bound URL sits in a request's decoded parameters, and the name Stripe's error gives it.
REDIRECT_PARAMS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("success_url",), "success_url"),
    (("cancel_url",), "cancel_url"),
    (("return_url",), "return_url"),
    (("after_completion", "redirect", "url"), "after_completion[redirect][url]"),
)

# No script may run on a hosted page (they have none): injected markup can neither execute nor load
# anything. Inline <style> is the pages' only styling. Forms post to the page itself; after a submit the
# browser follows a 303 to the session's success/return URL, and Chromium checks form-action on that
# redirect too, so it admits any http(s) target (the only kind check_redirect_url lets in).
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self' http: https:; "
    "base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS: tuple[tuple[str, str], ...] = (
    ("content-security-policy", CONTENT_SECURITY_POLICY),
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    # The page's URL is its credential (account + session id): never hand it to the success page's server.
    ("referrer-policy", "no-referrer"),
    ("cache-control", "no-store"),
)


def is_hosted_path(path: str) -> bool:
    """True when ``path`` is one of the browser pages (the allow-list the app's proxy forwards)."""
    return path.startswith(HOSTED_PATH_PREFIXES)


def url_too_long(param: str) -> StripeError:
    return StripeError(  # [O]
        400,
        f"Invalid URL: URL must be {MAX_URL_LENGTH} characters or less.",
        code="url_invalid",
        param=param,
        validation=True,
    )


def is_redirect_url(value: object) -> bool:
    """An absolute http(s) URL with a host, at most ``MAX_URL_LENGTH`` characters, no whitespace or
    control characters (a browser would strip or reinterpret them)."""
    if not isinstance(value, str) or not value or len(value) > MAX_URL_LENGTH:
        return False
    if any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in value):
        return False
    try:
        parts = urlsplit(value)
        _ = parts.port  # raises for a port that is not a number
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def check_redirect_url(value: object, param: str) -> str:
    """``value`` when a browser may be sent there, else Stripe's 400 ``url_invalid`` naming ``param``."""
    if isinstance(value, str) and len(value) > MAX_URL_LENGTH:
        raise url_too_long(param)
    if not is_redirect_url(value):
        raise url_invalid(param)
    return str(value)


def check_redirect_params(params: Mapping[str, Any]) -> None:
    """Check every browser-bound URL in a request's parameters (``REDIRECT_PARAMS``); empty ones are left to
    the resource (Stripe treats ``success_url=""`` as not given)."""
    for path, param in REDIRECT_PARAMS:
        value: Any = params
        for name in path:
            value = value.get(name) if isinstance(value, Mapping) else None
        if value not in (None, ""):
            check_redirect_url(value, param)
