"""Turning what a person typed into Stripe parameters, with a specific message for every mistake.

Form values arrive as strings (or already typed from a notebook). Each input kind has one coercion rule, and
every rejection says what was wrong *and* how to write it instead, because the person in front of the form
is usually learning Stripe's conventions (minor units, id prefixes, bracketed metadata) right now.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Final

from core import _docs, ids, money
from core.catalog import Action, Input, InputKind
from core.findings import Finding, Severity

# Which object an id prefix names, so "price_… is a Price ID, not a Product ID" can be said.
_TRUE: Final = frozenset({"true", "yes", "1", "on"})
_FALSE: Final = frozenset({"false", "no", "0", "off"})
_CURRENCY_RE: Final = re.compile(r"[A-Za-z]{3}")
_INT_RE: Final = re.compile(r"[+-]?\d+")
_METADATA_MAX_KEYS: Final = 50
_METADATA_KEY_MAX: Final = 40
_METADATA_VALUE_MAX: Final = 500


@dataclass
class Prepared:
    """Validated inputs: path arguments, Stripe parameters, and what was found on the way."""

    path_args: dict[str, str] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)  # coerced value per input name
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(f.severity is Severity.ERROR for f in self.findings)


def _error(code: str, inp: Input, message: str, fix: str, doc: str | None = None) -> Finding:
    return Finding(code=code, severity=Severity.ERROR, message=message, fix=fix, field=inp.name, doc_url=doc)


def _is_empty(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple | dict):
        return len(value) == 0
    return False


def _coerce(inp: Input, value: object, findings: list[Finding]) -> object:
    """The value Stripe should get, or None after adding an ERROR finding."""
    kind = inp.kind
    if kind is InputKind.STRING:
        return value.strip() if isinstance(value, str) else str(value)
    if kind is InputKind.PERCENT:
        from core import money

        checked = money.percent_preview(str(value), inp.percent_purpose)
        problems = [f for f in checked.findings if f.severity is Severity.ERROR]
        if checked.value is None:
            findings.extend(_error(f.code, inp, f"{inp.label}: {f.message}", f.fix or "") for f in problems)
            return None
        return format(checked.value.normalize(), "f")
    if kind is InputKind.INT:
        return _coerce_int(inp, value, findings)
    if kind is InputKind.BOOL:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        findings.append(
            _error("input.bool", inp, f"{inp.label}: {value!r} is not true or false.", "Use true or false.")
        )
        return None
    if kind is InputKind.ENUM:
        text = str(value).strip()
        if text in inp.choices:
            return text
        lowered = {c.lower(): c for c in inp.choices}
        if text.lower() in lowered:
            return lowered[text.lower()]
        findings.append(
            _error(
                "input.enum",
                inp,
                f"{inp.label}: {text!r} is not one of Stripe's values.",
                f"Use one of: {', '.join(inp.choices)}.",
            )
        )
        return None
    if kind is InputKind.ID:
        return _coerce_id(inp, value, findings)
    if kind is InputKind.CURRENCY:
        text = str(value).strip()
        if not _CURRENCY_RE.fullmatch(text):
            findings.append(
                _error(
                    "input.currency",
                    inp,
                    f"{inp.label}: {text!r} is not a three-letter currency code.",
                    "Use an ISO code such as usd, eur, gbp or jpy.",
                    _docs.STRIPE_CURRENCIES,
                )
            )
            return None
        return text.lower()
    if kind is InputKind.AMOUNT:  # handled in prepare(), once the currency is known
        raise AssertionError("amounts are coerced by prepare()")
    if kind is InputKind.METADATA:
        return _coerce_metadata(inp, value, findings)
    if kind is InputKind.JSON:
        return _coerce_json(inp, value, findings)
    if kind is InputKind.LIST:
        return _coerce_list(inp, value, findings)
    raise AssertionError(f"unhandled input kind {kind}")  # pragma: no cover


def _coerce_int(inp: Input, value: object, findings: list[Finding]) -> int | None:
    if isinstance(value, bool):
        findings.append(_error("input.int", inp, f"{inp.label} must be a whole number.", "Enter e.g. 3."))
        return None
    if isinstance(value, int):
        return value
    text = str(value).strip().replace("_", "")
    if _INT_RE.fullmatch(text):
        return int(text)
    findings.append(
        _error(
            "input.int", inp, f"{inp.label}: {value!r} is not a whole number.", "Enter digits only, e.g. 3."
        )
    )
    return None


def _coerce_id(inp: Input, value: object, findings: list[Finding]) -> str | None:
    text = str(value).strip()
    if any(ch.isspace() for ch in text):
        findings.append(
            _error(
                "input.id_whitespace",
                inp,
                f"{inp.label}: {text!r} contains spaces; Stripe ids never do.",
                "Copy the id again, e.g. from the table of a List action.",
            )
        )
        return None
    if inp.id_prefix and not text.startswith(inp.id_prefix):
        expected = " or ".join(f"{p}…" for p in inp.id_prefix)
        other = ids.kind_of(text)
        what = (
            f"{text!r} looks like a {other.label} ID"
            if other
            else f"{text!r} is not a Stripe id of this kind"
        )
        findings.append(
            _error(
                "input.id_prefix",
                inp,
                f"{inp.label} must start with {expected}: {what}.",
                f"Paste the id of the right object ({expected}); a List action shows them in its id column.",
            )
        )
        return None
    return text


def _coerce_amount(inp: Input, value: object, findings: list[Finding], currency: str | None) -> int | None:
    """Amounts are integers in minor units, parsed and explained by :func:`core.money.parse_minor` alone."""
    amount, problems = money.parse_minor(value, currency)
    findings.extend(replace(f, field=inp.name, message=f"{inp.label}: {f.message}") for f in problems)
    return amount


def _coerce_metadata(inp: Input, value: object, findings: list[Finding]) -> dict[str, str] | None:
    data: object = value
    if isinstance(value, str):
        try:
            data = json.loads(value)
        except json.JSONDecodeError as error:
            findings.append(
                _error(
                    "metadata.json",
                    inp,
                    f"{inp.label} is not valid JSON ({error.msg}).",
                    'Write an object of text values, e.g. {"order_id": "1234"}.',
                )
            )
            return None
    if not isinstance(data, Mapping):
        findings.append(
            _error(
                "metadata.shape",
                inp,
                f"{inp.label} must be an object of key/value pairs, not {type(data).__name__}.",
                'Write e.g. {"order_id": "1234"}.',
            )
        )
        return None
    problems: list[str] = []
    if len(data) > _METADATA_MAX_KEYS:
        problems.append(f"{len(data)} keys (at most {_METADATA_MAX_KEYS})")
    result: dict[str, str] = {}
    for key, val in data.items():
        k = str(key)
        if len(k) > _METADATA_KEY_MAX:
            problems.append(f"key {k[:20]!r}… is longer than {_METADATA_KEY_MAX} characters")
        if "[" in k or "]" in k:
            problems.append(f"key {k!r} contains square brackets")
        if isinstance(val, Mapping | list):
            problems.append(f"value of {k!r} is nested; metadata values are flat text")
            continue
        text = "" if val is None else ("true" if val is True else "false" if val is False else str(val))
        if len(text) > _METADATA_VALUE_MAX:
            problems.append(f"value of {k!r} is longer than {_METADATA_VALUE_MAX} characters")
        result[k] = text
    if problems:
        findings.append(
            _error(
                "metadata.limits",
                inp,
                f"{inp.label}: " + "; ".join(problems) + ".",
                "Stripe metadata: up to 50 keys, keys up to 40 characters without [ ], text values up to "
                "500 characters.",
                "https://docs.stripe.com/api/metadata",
            )
        )
        return None
    return result


def _coerce_json(inp: Input, value: object, findings: list[Finding]) -> object:
    if isinstance(value, Mapping | list):
        return value
    try:
        parsed = json.loads(str(value))
    except json.JSONDecodeError as error:
        findings.append(
            _error(
                "input.json",
                inp,
                f"{inp.label} is not valid JSON: {error.msg} (line {error.lineno}, column {error.colno}).",
                inp.help or "Write a JSON object or list; use double quotes around names and text.",
            )
        )
        return None
    if not isinstance(parsed, dict | list):
        findings.append(
            _error(
                "input.json",
                inp,
                f"{inp.label} must be a JSON object or list, not a single {type(parsed).__name__}.",
                inp.help or "Wrap it in [ ] or { }.",
            )
        )
        return None
    return parsed


def _coerce_list(inp: Input, value: object, findings: list[Finding]) -> list[str] | None:
    if isinstance(value, list | tuple):
        items = [str(v).strip() for v in value]
    else:
        text = str(value).strip()
        if text.startswith("["):
            parsed = _coerce_json(inp, text, findings)
            if not isinstance(parsed, list):
                return None
            items = [str(v).strip() for v in parsed]
        else:
            items = [part.strip() for part in re.split(r"[,\n]", text)]
    items = [i for i in items if i]
    if inp.id_prefix:
        wrong = [i for i in items if not i.startswith(inp.id_prefix)]
        if wrong:
            findings.append(
                _error(
                    "input.id_prefix",
                    inp,
                    f"{inp.label}: {', '.join(repr(w) for w in wrong)} do not start with "
                    f"{' or '.join(inp.id_prefix)}.",
                    "List only ids of this kind, separated by commas.",
                )
            )
            return None
    return items


def _nest(params: dict[str, Any], dotted: str, value: object) -> None:
    node = params
    parts = dotted.split(".")
    for part in parts[:-1]:
        child = node.setdefault(part, {})
        if not isinstance(child, dict):  # pragma: no cover - catalog names never collide
            raise ValueError(f"parameter {dotted} collides with {part}")
        node = child
    node[parts[-1]] = value


def prepare(action: Action, inputs: Mapping[str, object]) -> Prepared:
    """Validate and coerce ``inputs`` for ``action`` into path arguments and Stripe parameters."""
    prepared = Prepared()
    known = {i.name for i in action.inputs}
    unknown = [name for name, v in inputs.items() if name not in known and not _is_empty(v)]
    for name in unknown:
        prepared.findings.append(
            Finding(
                code="input.unknown",
                severity=Severity.ERROR,
                message=f"{action.name} has no input {name!r}.",
                fix=f"Its inputs are: {', '.join(sorted(known)) or 'none'}.",
                field=name,
            )
        )
    # Amounts last: their currency input must be coerced first.
    ordered = sorted(action.inputs, key=lambda i: i.is_amount)
    for inp in ordered:
        raw = inputs.get(inp.name, inp.default)
        if _is_empty(raw) and not (inp.kind is InputKind.BOOL and isinstance(raw, bool)):
            if inp.required:
                prepared.findings.append(
                    Finding(
                        code="input.required",
                        severity=Severity.ERROR,
                        message=f"{inp.label} is required for {action.name}.",
                        fix=inp.help or f"Fill in {inp.label}.",
                        field=inp.name,
                    )
                )
            continue
        value: object
        if inp.is_amount:
            currency = prepared.values.get(inp.currency_input) if inp.currency_input else None
            value = _coerce_amount(
                inp, raw, prepared.findings, currency if isinstance(currency, str) else None
            )
        else:
            value = _coerce(inp, raw, prepared.findings)
        if value is None:
            continue
        prepared.values[inp.name] = value
        if inp.in_path:
            prepared.path_args[inp.name] = str(value)
        else:
            _nest(prepared.params, inp.name, value)
    for group in action.one_of:
        given = [name for name in group if name in prepared.values]
        labels = " or ".join(action.input(n).label for n in group)
        if len(given) != 1:
            prepared.findings.append(
                Finding(
                    code="input.one_of",
                    severity=Severity.ERROR,
                    message=(
                        f"{action.name} needs exactly one of {labels}"
                        + (f", not both ({', '.join(given)})." if given else ".")
                    ),
                    fix=f"Fill in {labels}, not both.",
                    field=group[0],
                )
            )
    if "starting_after" in prepared.values and "ending_before" in prepared.values:
        prepared.findings.append(
            Finding(
                code="input.cursors",
                severity=Severity.ERROR,
                message="Starting after and Ending before cannot be used together.",
                fix="Use Starting after to page forward or Ending before to page back, not both.",
                field="ending_before",
                doc_url="https://docs.stripe.com/api/pagination",
            )
        )
    limit = prepared.values.get("limit")
    if isinstance(limit, int) and not 1 <= limit <= 100:
        prepared.findings.append(
            Finding(
                code="input.limit",
                severity=Severity.ERROR,
                message=f"Limit {limit} is out of range: Stripe accepts 1 to 100.",
                fix="Use a limit between 1 and 100, and the cursors (or Load all) for more.",
                field="limit",
            )
        )
    for key, fixed in action.fixed_params.items():
        _nest(prepared.params, key, fixed)
    return prepared
