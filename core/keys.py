"""What a pasted string is (publishable / secret / restricted key, webhook secret, something else) and what is
wrong with it, in the words a person needs to fix it.

People paste keys from the Dashboard, from e-mails, from code and from .env files, so the input arrives with
quotes, ``Bearer``, ``NAME=``, line breaks and invisible characters around it, sometimes truncated, sometimes
into the wrong field. :func:`inspect_key` cleans what is safe to clean (and says so), classifies the rest and
returns every problem as a :class:`~core.findings.Finding`. No message ever contains the full value: keys are
referred to by their public prefix (``sk_live_…``) or their masked form.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from core import _docs, ids
from core.findings import Finding, Severity
from core.secrets import Secret, mask

__all__ = [
    "KeyField",
    "KeyKind",
    "KeyReport",
    "Mode",
    "check_key_pair",
    "inspect_key",
    "mask",
]


class KeyKind(StrEnum):
    PUBLISHABLE = "publishable"
    SECRET = "secret"  # noqa: S105 - an enum name, not a secret
    RESTRICTED = "restricted"
    WEBHOOK_SECRET = "webhook_secret"  # noqa: S105 - an enum name, not a secret
    CLIENT_SECRET = "client_secret"  # noqa: S105 - an enum name, not a secret
    OBJECT_ID = "object_id"
    EMPTY = "empty"
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]

    @property
    def is_api_key(self) -> bool:
        """A key that authenticates API calls (the publishable key only for client-side calls)."""
        return self in (KeyKind.PUBLISHABLE, KeyKind.SECRET, KeyKind.RESTRICTED)


_KIND_LABELS = {
    KeyKind.PUBLISHABLE: "publishable key",
    KeyKind.SECRET: "secret key",
    KeyKind.RESTRICTED: "restricted key",
    KeyKind.WEBHOOK_SECRET: "webhook signing secret",
    KeyKind.CLIENT_SECRET: "client secret",
    KeyKind.OBJECT_ID: "object ID",
    KeyKind.EMPTY: "empty value",
    KeyKind.UNKNOWN: "unrecognised value",
}


class Mode(StrEnum):
    TEST = "test"
    LIVE = "live"

    @property
    def label(self) -> str:
        return "test mode" if self is Mode.TEST else "live mode"


class KeyField(StrEnum):
    """Which input a value was pasted into; decides what counts as "the wrong kind of key"."""

    PUBLISHABLE = "publishable_key"
    SECRET = "secret_key"  # noqa: S105 - a secret or a restricted key
    WEBHOOK_SECRET = "webhook_secret"  # noqa: S105 - an enum name, not a secret

    @property
    def label(self) -> str:
        return _FIELD_LABELS[self]


_FIELD_LABELS = {
    KeyField.PUBLISHABLE: "Publishable Key",
    KeyField.SECRET: "Secret Key or Restricted Key",
    KeyField.WEBHOOK_SECRET: "Webhook Secret Key",
}

_PREFIX = {KeyKind.PUBLISHABLE: "pk", KeyKind.SECRET: "sk", KeyKind.RESTRICTED: "rk"}
_KIND_OF_PREFIX = {v: k for k, v in _PREFIX.items()}


@dataclass(frozen=True)
class KeyReport:
    """Everything :func:`inspect_key` learned about one pasted value."""

    kind: KeyKind
    mode: Mode | None
    masked: str
    findings: tuple[Finding, ...]
    secret: Secret | None  # the cleaned value (quotes, whitespace, "Bearer " removed); None when empty
    object_type: str | None = None  # for OBJECT_ID / CLIENT_SECRET: "price", "payment_intent", …
    object_label: str | None = None  # "Price", "PaymentIntent", …

    @property
    def ok(self) -> bool:
        """No ERROR finding: the cleaned value can be used in the field it was checked for."""
        return not any(f.severity is Severity.ERROR for f in self.findings)

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.ERROR)

    @property
    def prefix(self) -> str | None:
        """The public prefix to name the key by in messages, e.g. ``sk_live_``."""
        return _public_prefix(self.kind, self.mode)

    @property
    def account_part(self) -> str | None:
        """The account part of a current (``…_51…``) API key: the 16 characters after the "5", the same in
        every key of one account (it is the account id without ``acct_``). Not documented by Stripe, but true
        of every pair seen; older 24-character keys have none."""
        if not self.kind.is_api_key or self.secret is None or self.mode is None:
            return None
        body = self.secret.reveal().split("_", 2)[-1]
        if len(body) != _NEW_STYLE_BODY or not body.startswith("51"):
            return None
        return body[1:17]

    @property
    def description(self) -> str:
        """E.g. "secret key (test mode)", "Price ID", "webhook signing secret"."""
        if self.kind is KeyKind.OBJECT_ID and self.object_label:
            return f"{self.object_label} ID"
        if self.kind is KeyKind.CLIENT_SECRET and self.object_label:
            return f"{self.object_label} client secret"
        if self.mode is not None and self.kind.is_api_key:
            return f"{self.kind.label} ({self.mode.label})"
        return self.kind.label


def _public_prefix(kind: KeyKind, mode: Mode | None) -> str | None:
    if kind in _PREFIX:
        return f"{_PREFIX[kind]}_{mode}_" if mode else f"{_PREFIX[kind]}_"
    if kind is KeyKind.WEBHOOK_SECRET:
        return "whsec_"
    return None


# ----------------------------------------------------------------------------------------------------------
# Object ids and client secrets people paste instead of keys (what each prefix names: core.ids).

_OBJECT_ID_RE = re.compile(r"^(sub_sched|[a-z]{2,6})_(?:(test|live)_)?[0-9A-Za-z]{6,255}$")
_CLIENT_SECRET_RE = re.compile(
    r"^(?:(pi|seti)_[0-9A-Za-z]+|(cs)_(test|live)_[0-9A-Za-z]+)_secret_[0-9A-Za-z]+$",
)
_API_KEY_RE = re.compile(r"^(pk|sk|rk)_(test|live)_(.*)$", re.DOTALL)
_KEY_BODY_RE = re.compile(r"^[0-9A-Za-z]*$")
_ANY_KEY_RE = re.compile(r"(?:pk|sk|rk)_(?:test|live)_|whsec_")
_WHSEC_BODY_RE = re.compile(r"^[0-9A-Za-z+/=]*$")

# Stripe's validator rule (stripe-api-facts §1.1): 10 to 128 characters after the prefix.
MIN_BODY = 10
MAX_BODY = 128
# Known real lengths after the prefix: older keys 24, current keys 99 (107 in all, starting "51").
_KNOWN_BODY_LENGTHS = (24, 99)
_NEW_STYLE_BODY = 99
_WHSEC_MIN_BODY = 32

# Characters that look like nothing but break a key: stripped at the ends, an error inside.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
_EDGE_JUNK = " \t\r\n\v\f\xa0\u202f\u2007\u3000" + _INVISIBLE
_QUOTES = "\"'`\u2018\u2019\u201c\u201d\u00ab\u00bb"
_BEARER_RE = re.compile(r"^(?:authorization\s*:\s*)?bearer\s+", re.IGNORECASE)
_AUTH_ONLY_RE = re.compile(r"^authorization\s*:\s*", re.IGNORECASE)
# NAME=value, or "name: value" — but not "https://…".
_ASSIGNMENT_RE = re.compile(r"^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*(?:=|:(?!//))\s*(?=\S)")


def _finding(
    code: str,
    severity: Severity,
    message: str,
    fix: str,
    field: KeyField | None,
    *,
    doc_url: str | None = _docs.STRIPE_KEYS,
    pitfall: str | None = None,
) -> Finding:
    return Finding(
        code=code,
        severity=severity,
        message=message,
        fix=fix,
        doc_url=doc_url,
        field=field.value if field else None,
        pitfall=pitfall,
    )


def _the_value(field: KeyField | None) -> str:
    """Sentence subject: "The value in the Publishable Key field" or "The value"."""
    return f"The value in the {field.label} field" if field else "The value"


def _in(field: KeyField | None) -> str:
    return f" in the {field.label} field" if field else ""


def _char_names(chars: str, limit: int = 4) -> str:
    seen: list[str] = []
    for ch in chars:
        if ch not in seen:
            seen.append(ch)
    parts = []
    for ch in seen[:limit]:
        name = unicodedata.name(ch, f"U+{ord(ch):04X}").lower()
        parts.append(
            f"'{ch}' ({name})" if ch.isprintable() and not ch.isspace() else f"U+{ord(ch):04X} ({name})"
        )
    more = f" and {len(seen) - limit} more" if len(seen) > limit else ""
    return ", ".join(parts) + more


def _describe_whitespace(chars: str) -> str:
    counts: dict[str, int] = {}
    for ch in chars:
        if ch in "\r\n":
            kind = "line break"
        elif ch == "\t":
            kind = "tab"
        elif ch in _INVISIBLE:
            kind = "invisible character"
        else:
            kind = "space"
        counts[kind] = counts.get(kind, 0) + 1
    if "\r\n" in chars:
        counts["line break"] -= chars.count("\r\n")
    return ", ".join(f"{n} {kind}{'s' if n > 1 else ''}" for kind, n in counts.items() if n)


# ----------------------------------------------------------------------------------------------------------
# Cleaning


def _clean(text: str, field: KeyField | None) -> tuple[str, list[Finding]]:
    """Remove what surrounds a key when it was copied from code, a header or a .env line, saying so each time.

    Only wrapping that can never be part of a key is removed; anything inside the value is left for the
    checks to report, because guessing there could turn a wrong key into a different wrong key.
    """
    findings: list[Finding] = []
    edge_junk = ""
    quotes = ""
    punctuation = ""
    bearer = False
    assignment: str | None = None
    value = text
    for _ in range(8):
        before = value
        stripped = value.strip(_EDGE_JUNK)
        if stripped != value:
            head = value[: len(value) - len(value.lstrip(_EDGE_JUNK))]
            tail = value[len(value.rstrip(_EDGE_JUNK)) :]
            edge_junk += head + tail
            value = stripped
        m = _BEARER_RE.match(value) or _AUTH_ONLY_RE.match(value)
        if m:
            bearer = True
            value = value[m.end() :]
        m = _ASSIGNMENT_RE.match(value)
        if m and not _looks_like_key_start(value):
            assignment = m.group(1)
            value = value[m.end() :]
        if value and value[-1] in ",;.":
            punctuation += value[-1]
            value = value[:-1]
        if value and (value[0] in _QUOTES or value[-1] in _QUOTES):
            lead = len(value) - len(value.lstrip(_QUOTES))
            trail = len(value) - len(value.rstrip(_QUOTES))
            quotes += value[:lead] + value[len(value) - trail :]
            value = value.strip(_QUOTES)
        if value == before:
            break

    if edge_junk:
        findings.append(
            _finding(
                "key.whitespace_stripped",
                Severity.WARNING,
                f"{_the_value(field)} had {_describe_whitespace(edge_junk)} around it; they were removed "
                "and the cleaned key is used.",
                "Nothing to do here. Where you paste this key elsewhere (WeWeb, a .env file), make sure no "
                "space or line break comes along: Stripe rejects such a key with 401.",
                field,
            )
        )
    if quotes:
        findings.append(
            _finding(
                "key.quotes_stripped",
                Severity.WARNING,
                f"{_the_value(field)} was wrapped in quotes ({' '.join(sorted(set(quotes)))}); they were "
                "removed and the cleaned key is used.",
                "Paste only the key itself, without the quotes from your code or config file.",
                field,
            )
        )
    if punctuation:
        findings.append(
            _finding(
                "key.punctuation_stripped",
                Severity.WARNING,
                f"{_the_value(field)} ended with '{punctuation[0]}' (copied from code or a sentence); it "
                "was removed and the cleaned key is used.",
                "Paste only the key itself.",
                field,
            )
        )
    if bearer:
        findings.append(
            _finding(
                "key.bearer_prefix_stripped",
                Severity.WARNING,
                f"{_the_value(field)} started with an HTTP header part ('Bearer ' / 'Authorization:'); it "
                "was removed and the cleaned key is used.",
                "Paste only the key: the Stripe library adds 'Authorization: Bearer' itself.",
                field,
            )
        )
    if assignment:
        findings.append(
            _finding(
                "key.assignment_stripped",
                Severity.WARNING,
                f"{_the_value(field)} started with '{assignment}=' (a line from a .env or config file); the "
                "name was removed and the cleaned key is used.",
                "Paste only the value after the '=' sign.",
                field,
            )
        )
    return value, findings


def _looks_like_key_start(value: str) -> bool:
    return bool(_ANY_KEY_RE.match(value)) or bool(_CLIENT_SECRET_RE.match(value.split()[0] if value else ""))


# ----------------------------------------------------------------------------------------------------------
# Classification


@dataclass
class _Classified:
    kind: KeyKind
    mode: Mode | None
    findings: list[Finding]
    object_type: str | None = None
    object_label: str | None = None


def _classify(value: str, field: KeyField | None, shown: str | None = None) -> _Classified:
    m = _API_KEY_RE.match(value)
    if m:
        kind = _KIND_OF_PREFIX[m.group(1)]
        mode = Mode(m.group(2))
        return _Classified(kind, mode, _check_api_key_body(kind, mode, m.group(3), field))

    lowered = value.lower()
    m = _API_KEY_RE.match(lowered)
    if m:
        kind = _KIND_OF_PREFIX[m.group(1)]
        mode = Mode(m.group(2))
        return _Classified(
            kind,
            mode,
            [
                _finding(
                    "key.wrong_case",
                    Severity.ERROR,
                    f"{_the_value(field)} starts with '{value[:8]}', but Stripe keys are case-sensitive and "
                    f"always start in lower case ('{_PREFIX[kind]}_{mode}_').",
                    "Copy the key again from the Stripe Dashboard (Developers → API keys) with the copy "
                    "button; something (caps lock, a spreadsheet, autocorrect) changed its letters.",
                    field,
                )
            ],
        )

    m = re.match(r"^(pk|sk|rk)[-. ]?(test|live)[-. ]", lowered)
    if m:
        kind = _KIND_OF_PREFIX[m.group(1)]
        mode = Mode(m.group(2))
        return _Classified(
            kind,
            mode,
            [
                _finding(
                    "key.wrong_separator",
                    Severity.ERROR,
                    f"{_the_value(field)} starts with '{value[: m.end()]}': Stripe keys use underscores "
                    f"('{_PREFIX[kind]}_{mode}_').",
                    "Copy the key again from the Stripe Dashboard with the copy button instead of typing it.",
                    field,
                )
            ],
        )

    m = re.match(r"^(pk|sk|rk)_", value)
    if m:
        kind = _KIND_OF_PREFIX[m.group(1)]
        return _Classified(
            kind,
            None,
            [
                _finding(
                    "key.missing_mode",
                    Severity.ERROR,
                    f"{_the_value(field)} starts with '{m.group(0)}' but not '{m.group(0)}test_' or "
                    f"'{m.group(0)}live_': every Stripe API key says its mode right after the first "
                    "underscore.",
                    "Copy the whole key from the Stripe Dashboard (Developers → API keys); the start is "
                    "missing or was edited.",
                    field,
                )
            ],
        )

    if value.startswith("whsec_"):
        return _Classified(KeyKind.WEBHOOK_SECRET, None, _check_whsec_body(value[6:], field))

    m = _CLIENT_SECRET_RE.match(value)
    if m:
        prefix = m.group(1) or m.group(2)
        secret_of = ids.by_prefix(prefix)
        assert secret_of is not None  # the pattern names only pi, seti and cs
        obj_type, label = secret_of.object, secret_of.label
        cs_mode = Mode(m.group(3)) if m.group(3) else None
        return _Classified(
            KeyKind.CLIENT_SECRET,
            cs_mode,
            [
                _finding(
                    "key.client_secret_not_a_key",
                    Severity.ERROR,
                    f"{_the_value(field)} is the client secret of a {label} ({prefix}_…_secret_…), not an "
                    "API key. A client secret lets a browser confirm that one payment; it cannot "
                    "authenticate API calls (Stripe answers 401 'Invalid API Key provided').",
                    "Paste your API key from the Stripe Dashboard → Developers → API keys (pk_… for the "
                    "Publishable Key, sk_… or rk_… for the Secret Key).",
                    field,
                )
            ],
            obj_type,
            label,
        )

    m = _OBJECT_ID_RE.match(value)
    id_kind = ids.by_prefix(m.group(1)) if m else None
    if m and id_kind is not None:
        prefix = m.group(1)
        obj_type, label = id_kind.object, id_kind.label
        id_mode = Mode(m.group(2)) if m.group(2) else None
        if prefix == "ek":
            message = (
                f"{_the_value(field)} is an ephemeral key (ek_…): a short-lived key Stripe issues for one "
                "customer's mobile session, not an account API key."
            )
        else:
            message = (
                f"{_the_value(field)} is a {label} ID ({prefix}_…), not an API key: an ID names one Stripe "
                "object, a key proves which account is calling."
            )
        return _Classified(
            KeyKind.OBJECT_ID,
            id_mode,
            [
                _finding(
                    "key.object_id_not_a_key",
                    Severity.ERROR,
                    message,
                    "Paste your API key from the Stripe Dashboard → Developers → API keys (pk_… for the "
                    "Publishable Key, sk_… or rk_… for the Secret Key).",
                    field,
                )
            ],
            obj_type,
            label,
        )

    return _Classified(KeyKind.UNKNOWN, None, [_unrecognised(value, field, shown or value)])


def _unrecognised(value: str, field: KeyField | None, shown: str) -> Finding:
    """``value`` is what was classified (spaces taken out); ``shown`` the value as the verdict line shows it,
    which is what the message counts and masks, so the two never disagree (they said 29, then 25)."""
    fix = (
        "Copy the key from the Stripe Dashboard → Developers → API keys: the Publishable key starts with "
        "pk_test_ or pk_live_, the Secret key with sk_test_ or sk_live_, a restricted key with rk_…; the "
        "webhook signing secret (Developers → Webhooks → your endpoint) starts with whsec_."
    )
    if re.match(r"^https?://", value, re.IGNORECASE):
        message = f"{_the_value(field)} is a web address (URL), not a Stripe key."
    elif value.startswith("eyJ"):
        message = (
            f"{_the_value(field)} looks like a JSON Web Token (it starts with 'eyJ'), e.g. a WeWeb, "
            "Supabase or Xano token, not a Stripe key."
        )
    elif re.fullmatch(r"[0-9]{13,19}", value):
        message = (
            f"{_the_value(field)} is a long number ({len(value)} digits), perhaps a card number. It is not "
            "a Stripe key, and card numbers must never be pasted or stored outside Stripe's own forms."
        )
    elif "*" in value or "•" in value or "…" in value:
        message = (
            f"{_the_value(field)} contains '*', '•' or '…': it is a masked key copied from a list or a log, "
            "not the key itself."
        )
        fix = "In the Stripe Dashboard → Developers → API keys, click 'Reveal' and copy the full key."
    else:
        message = (
            f"{_the_value(field)} ({len(shown)} characters, masked: {mask(shown)}) does not start like any "
            "Stripe key."
        )
    return _finding("key.unrecognized", Severity.ERROR, message, fix, field)


def _check_api_key_body(kind: KeyKind, mode: Mode, body: str, field: KeyField | None) -> list[Finding]:
    prefix = f"{_PREFIX[kind]}_{mode}_"
    findings: list[Finding] = []
    second = _ANY_KEY_RE.search(body)
    if second:
        findings.append(
            _finding(
                "key.multiple_values",
                Severity.ERROR,
                f"{_the_value(field)} contains more than one key stuck together (a second "
                f"'{second.group(0)}' appears after '{prefix}').",
                "Paste exactly one key per field.",
                field,
            )
        )
        return findings
    if any(ch in body for ch in "*•…"):
        findings.append(
            _finding(
                "key.masked_copy",
                Severity.ERROR,
                f"{_the_value(field)} contains '*', '•' or '…': it is a masked copy of a {kind.label}, not "
                "the key itself.",
                "In the Stripe Dashboard → Developers → API keys, click 'Reveal' and copy the full key. A "
                "live secret key can be revealed only once: if you no longer have it, roll it to get a new "
                "one.",
                field,
            )
        )
        return findings
    compact = re.sub(r"\s", "", body)
    bad = "".join(ch for ch in compact if not _KEY_BODY_RE.match(ch))
    if bad:
        findings.append(
            _finding(
                "key.invalid_characters",
                Severity.ERROR,
                f"{_the_value(field)} contains characters a Stripe key never has: {_char_names(bad)}. Keys "
                f"are '{prefix}' followed by letters and digits only.",
                "Copy the key again from the Stripe Dashboard with the copy button; the characters "
                "probably came from the document or chat you copied it through.",
                field,
            )
        )
    n = len(compact)
    if n < MIN_BODY:
        findings.append(
            _finding(
                "key.truncated",
                Severity.ERROR,
                f"The {kind.label}{_in(field)} is too short: {n} characters after '{prefix}', where Stripe "
                f"keys have at least {MIN_BODY} (current keys have {_NEW_STYLE_BODY}, 107 in all). It was "
                "probably cut off while copying.",
                "Copy the whole key again from the Stripe Dashboard with the copy button.",
                field,
            )
        )
    elif n > MAX_BODY:
        findings.append(
            _finding(
                "key.too_long",
                Severity.ERROR,
                f"The {kind.label}{_in(field)} is too long: {n} characters after '{prefix}', where Stripe "
                f"keys have at most {MAX_BODY}. Something was pasted along with it.",
                "Paste exactly one key, and nothing after it.",
                field,
            )
        )
    elif compact.startswith("51") and n < _NEW_STYLE_BODY:
        findings.append(
            _finding(
                "key.possibly_truncated",
                Severity.WARNING,
                f"The {kind.label}{_in(field)} starts like a current Stripe key ('{prefix}51…', 107 "
                f"characters) but has only {len(prefix) + n}: the end is probably missing.",
                "Copy the whole key again from the Stripe Dashboard with the copy button.",
                field,
            )
        )
    elif n not in _KNOWN_BODY_LENGTHS:
        findings.append(
            _finding(
                "key.unusual_length",
                Severity.INFO,
                f"The {kind.label}{_in(field)} is {len(prefix) + n} characters long; Stripe keys are "
                "usually 32 (older) or 107 (current) characters.",
                "If you typed or edited the key by hand, copy it again from the Dashboard; otherwise "
                "ignore this.",
                field,
            )
        )
    if kind is KeyKind.RESTRICTED:
        findings.append(
            _finding(
                "key.restricted",
                Severity.INFO,
                f"This is a restricted key ({prefix}…): it can do only what its permissions allow. A call "
                "it has no permission for fails with 403 and names the missing permission.",
                "In the Stripe Dashboard → Developers → API keys, give the key Read or Write access to "
                "every resource your actions use (e.g. Products, Prices, Customers, Payment Intents).",
                field,
                doc_url=_docs.STRIPE_RESTRICTED_KEYS,
                pitfall="restricted_key_permissions",
            )
        )
    return findings


def _check_whsec_body(body: str, field: KeyField | None) -> list[Finding]:
    compact = re.sub(r"\s", "", body)
    findings: list[Finding] = []
    if any(ch in compact for ch in "*•…"):
        return [
            _finding(
                "key.masked_copy",
                Severity.ERROR,
                f"{_the_value(field)} contains '*', '•' or '…': it is a masked copy of a webhook signing "
                "secret, not the secret itself.",
                "In the Stripe Dashboard → Developers → Webhooks → your endpoint, click 'Reveal' under "
                "Signing secret and copy it.",
                field,
                doc_url=_docs.WEWEB_WEBHOOKS,
            )
        ]
    bad = "".join(ch for ch in compact if not _WHSEC_BODY_RE.match(ch))
    if bad:
        findings.append(
            _finding(
                "key.invalid_characters",
                Severity.ERROR,
                f"The webhook signing secret{_in(field)} contains characters it never has: "
                f"{_char_names(bad)}.",
                "Copy the signing secret again from the Stripe Dashboard → Developers → Webhooks → your "
                "endpoint.",
                field,
                doc_url=_docs.WEWEB_WEBHOOKS,
            )
        )
    if not compact:
        findings.append(
            _finding(
                "key.truncated",
                Severity.ERROR,
                f"{_the_value(field)} is only the prefix 'whsec_': the secret itself is missing.",
                "Copy the whole signing secret from the Stripe Dashboard → Developers → Webhooks → your "
                "endpoint.",
                field,
                doc_url=_docs.WEWEB_WEBHOOKS,
            )
        )
    elif len(compact) < _WHSEC_MIN_BODY:
        findings.append(
            _finding(
                "key.possibly_truncated",
                Severity.WARNING,
                f"The webhook signing secret{_in(field)} has {len(compact)} characters after 'whsec_'; "
                f"Stripe's have at least {_WHSEC_MIN_BODY}. It was probably cut off while copying.",
                "Copy the whole signing secret again from the Stripe Dashboard → Developers → Webhooks.",
                field,
                doc_url=_docs.WEWEB_WEBHOOKS,
            )
        )
    return findings


def _inner_whitespace(value: str, field: KeyField | None) -> Finding | None:
    inner = [ch for ch in value if ch.isspace() or ch in _INVISIBLE]
    if not inner:
        return None
    first = next(i for i, ch in enumerate(value) if ch.isspace() or ch in _INVISIBLE)
    tokens = [t for t in re.split(r"[\s" + _INVISIBLE + "]+", value) if t]
    keyish = [t for t in tokens if _ANY_KEY_RE.match(t)]
    if len(keyish) >= 2:
        return _finding(
            "key.multiple_values",
            Severity.ERROR,
            f"{_the_value(field)} contains {len(keyish)} keys "
            f"({', '.join(t[: t.index('_', 3) + 1] if t.count('_') >= 2 else t[:6] for t in keyish)}…) "
            "separated by spaces or line breaks.",
            "Paste exactly one key per field: the pk_… key into Publishable Key, the sk_…/rk_… key into "
            "Secret Key.",
            field,
        )
    return _finding(
        "key.inner_whitespace",
        Severity.ERROR,
        f"{_the_value(field)} contains {_describe_whitespace(''.join(inner))} inside the key (the first at "
        f"character {first + 1} of {len(value)}). Stripe rejects it with 401: 'This key contains at least "
        "one space'.",
        "Delete the spaces and line breaks inside the key, or copy it again with the Dashboard's copy "
        "button.",
        field,
    )


# ----------------------------------------------------------------------------------------------------------
# Field checks: the right kind of value in the wrong input.


def _field_findings(c: _Classified, field: KeyField | None) -> list[Finding]:
    if field is None or c.kind in (
        KeyKind.EMPTY,
        KeyKind.UNKNOWN,
        KeyKind.CLIENT_SECRET,
        KeyKind.OBJECT_ID,
    ):
        return []
    prefix = _public_prefix(c.kind, c.mode) or ""
    if field is KeyField.PUBLISHABLE and c.kind in (KeyKind.SECRET, KeyKind.RESTRICTED):
        return [
            _finding(
                "key.secret_in_publishable_field",
                Severity.ERROR,
                f"This is a {c.kind.label} ({prefix}…) in the Publishable Key field. That is a security "
                "problem: the publishable key is sent to every visitor's browser, so whatever is in this "
                "field becomes public, and a secret key lets anyone act on your Stripe account.",
                f"Paste the publishable key (pk_{c.mode or 'test'}_…) here instead. If this {c.kind.label} "
                "was ever saved or published in this field, treat it as leaked: in the Stripe Dashboard → "
                "Developers → API keys, roll it (⋯ → Roll key) and use the new one.",
                field,
                pitfall="secret_key_in_publishable_field",
            )
        ]
    if field is KeyField.SECRET and c.kind is KeyKind.PUBLISHABLE:
        return [
            _finding(
                "key.publishable_in_secret_field",
                Severity.ERROR,
                f"This is a publishable key ({prefix}…) in the Secret Key field. Backend actions need the "
                "secret (or a restricted) key; with a publishable key Stripe answers 401: 'This API call "
                "cannot be made with a publishable API key'.",
                f"Paste the secret key (sk_{c.mode or 'test'}_…) or a restricted key (rk_…) here; the pk_… "
                "key goes into the Publishable Key field.",
                field,
                pitfall="publishable_key_as_secret",
            )
        ]
    if field in (KeyField.PUBLISHABLE, KeyField.SECRET) and c.kind is KeyKind.WEBHOOK_SECRET:
        return [
            _finding(
                "key.webhook_secret_in_api_field",
                Severity.ERROR,
                f"This is a webhook signing secret (whsec_…) in the {field.label} field. It only verifies "
                "that webhook events come from Stripe; it cannot authenticate API calls.",
                "Paste it into the Webhook Secret Key field, and put your API key "
                f"({'pk_…' if field is KeyField.PUBLISHABLE else 'sk_… or rk_…'}) here.",
                field,
                pitfall="webhook_secret_as_api_key",
            )
        ]
    if field is KeyField.WEBHOOK_SECRET and c.kind.is_api_key:
        return [
            _finding(
                "key.api_key_in_webhook_field",
                Severity.ERROR,
                f"This is a {c.kind.label} ({prefix}…) in the Webhook Secret Key field, which needs the "
                "endpoint's signing secret (whsec_…).",
                "In the Stripe Dashboard → Developers → Webhooks → your endpoint, reveal and copy the "
                f"Signing secret (whsec_…); put the {c.kind.label} in its own field.",
                field,
                doc_url=_docs.WEWEB_WEBHOOKS,
                pitfall="webhook_secret_as_api_key",
            )
        ]
    return []


# ----------------------------------------------------------------------------------------------------------
# Public API


def inspect_key(raw: str | Secret | None, field: KeyField | None = None) -> KeyReport:
    """Clean and classify a pasted value and report everything wrong with it for ``field``.

    ``field`` is the input it was pasted into; without it only the value itself is judged (a publishable key
    is then not "wrong"). The report's ``secret`` is the cleaned value, which is what the app uses.
    """
    text = raw.reveal() if isinstance(raw, Secret) else (raw or "")
    cleaned, findings = _clean(text, field)
    if not cleaned:
        findings.append(
            _finding(
                "key.empty",
                Severity.ERROR,
                f"{_the_value(field)} is empty."
                if not text
                else f"{_the_value(field)} contains only spaces, quotes or line breaks.",
                "Paste the key from the Stripe Dashboard → Developers → API keys (test mode while you "
                "build).",
                field,
                doc_url=_docs.WEWEB_SETUP,
            )
        )
        return KeyReport(KeyKind.EMPTY, None, "", tuple(findings), None)

    inner = _inner_whitespace(cleaned, field)
    compact = re.sub(r"[\s" + _INVISIBLE + "]+", "", cleaned)
    classified = _classify(compact, field, shown=cleaned)
    if inner is not None:
        findings.append(inner)
    if inner is None or inner.code != "key.multiple_values":
        findings.extend(classified.findings)
        findings.extend(_field_findings(classified, field))
    return KeyReport(
        kind=classified.kind,
        mode=classified.mode,
        masked=mask(cleaned),
        findings=tuple(findings),
        secret=Secret(cleaned),
        object_type=classified.object_type,
        object_label=classified.object_label,
    )


def check_key_pair(publishable: KeyReport, secret: KeyReport) -> list[Finding]:
    """Problems that only show with both keys of one environment: swapped, different modes, the same key."""
    if publishable.kind in (KeyKind.SECRET, KeyKind.RESTRICTED) and secret.kind is KeyKind.PUBLISHABLE:
        return [
            Finding(
                code="keys.swapped",
                severity=Severity.ERROR,
                message="The two keys are swapped: the Publishable Key field holds a "
                f"{publishable.kind.label} ({publishable.prefix}…) and the Secret Key field a publishable "
                f"key ({secret.prefix}…).",
                fix="Swap them. Because a secret key in the publishable field is exposed to browsers, roll "
                "it in the Stripe Dashboard (Developers → API keys) if this was ever published.",
                doc_url=_docs.WEWEB_SETUP,
                field=KeyField.PUBLISHABLE.value,
                pitfall="secret_key_in_publishable_field",
            )
        ]
    findings: list[Finding] = []
    if (
        publishable.secret is not None
        and secret.secret is not None
        and publishable.secret == secret.secret
        and publishable.kind is not KeyKind.EMPTY
    ):
        findings.append(
            Finding(
                code="keys.same_value",
                severity=Severity.ERROR,
                message="The Publishable Key and the Secret Key fields contain the same value.",
                fix="Paste the pk_… key into Publishable Key and the sk_… (or rk_…) key into Secret Key.",
                doc_url=_docs.WEWEB_SETUP,
                field=KeyField.SECRET.value,
            )
        )
        return findings
    if (
        publishable.kind.is_api_key
        and secret.kind.is_api_key
        and publishable.mode is not None
        and secret.mode is not None
        and publishable.mode is not secret.mode
    ):
        findings.append(
            Finding(
                code="keys.mode_mismatch",
                severity=Severity.ERROR,
                message=f"The publishable key is a {publishable.mode} key ({publishable.prefix}…) but the "
                f"secret key is a {secret.mode} key ({secret.prefix}…). Test and live mode are separate "
                "sets of data, so what the backend creates with one key (a PaymentIntent, a Checkout "
                "Session) does not exist for the other: the payment element fails with 'No such "
                "payment_intent'.",
                fix="Copy both keys from the same mode of the Stripe Dashboard (use the Test mode toggle): "
                "pk_test_ with sk_test_, or pk_live_ with sk_live_.",
                doc_url=_docs.WEWEB_SETUP,
                field=KeyField.SECRET.value,
                pitfall="key_mode_mismatch",
            )
        )
    elif (ours := publishable.account_part) and (theirs := secret.account_part) and ours != theirs:
        findings.append(
            Finding(
                code="keys.account_mismatch",
                severity=Severity.WARNING,
                message="The two keys look like keys of two different Stripe accounts: all keys of one "
                "account share the characters after the mode, which here name acct_"
                f"{ours[:5]}… (publishable) and acct_{theirs[:5]}… (secret). What the backend creates with "
                "the secret key would not exist for the payment element ('No such payment_intent').",
                fix="In the Stripe Dashboard, pick the account you mean (the account switcher at the top "
                "left), open Developers → API keys, and copy both keys from that one page.",
                doc_url=_docs.STRIPE_KEYS,
                field=KeyField.SECRET.value,
            )
        )
    return findings
