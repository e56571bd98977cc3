"""Stripe's search query language (https://docs.stripe.com/search) over stored objects.

Grammar: clauses joined by whitespace/``AND`` or by ``OR`` (never both); a clause is ``[-]field OP value``
where OP is ``:`` (equals), ``~`` (substring, at least 3 characters), or ``>``, ``<``, ``>=``, ``<=`` for
numeric fields; values are quoted with ``'`` or ``"`` (numbers may be bare); ``metadata['key']:'value'``.
Matching is case-insensitive for strings [U: Stripe does not document case rules].
Search is served from the same store as lists, so unlike Stripe it is read-after-write consistent.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sandbox import _errors as errors

if TYPE_CHECKING:
    from sandbox._api import Context

_CLAUSE = re.compile(
    r"""\s*(?P<neg>-)?(?P<field>[a-z_][a-z0-9_.]*)
        (?:\[\s*(?P<mq>['"])(?P<mkey>(?:\\.|(?!(?P=mq)).)*)(?P=mq)\s*\])?
        \s*(?P<op>>=|<=|:|~|>|<)\s*
        (?:(?P<q>['"])(?P<qval>(?:\\.|(?!(?P=q)).)*)(?P=q)|(?P<bare>[^\s'"]+))""",
    re.VERBOSE,
)
_JOINER = re.compile(r"\s+(AND|OR)\s+|\s+", re.IGNORECASE)


@dataclass(frozen=True)
class Clause:
    negate: bool
    field: str
    metadata_key: str | None
    op: str
    value: str


def query_error(message: str) -> errors.StripeError:
    # [U] Stripe's exact texts for malformed queries are not documented; these say what to fix.
    return errors.invalid_request(message, param="query")


def parse(query: str, fields: Mapping[str, str], kind: str) -> tuple[list[Clause], str]:
    clauses: list[Clause] = []
    joiners: set[str] = set()
    position = 0
    text = query.strip()
    if not text:
        raise query_error("The search query is empty. Write clauses like email:'jenny@example.com'.")
    while position < len(text):
        match = _CLAUSE.match(text, position)
        if not match:
            raise query_error(
                f"Could not parse the search query at position {position}: "
                f"{text[position : position + 30]!r}. "
                "A clause looks like field:'value' (e.g. name:'Shirt', metadata['order']:'6735', "
                "created>1700000000)."
            )
        field = match["field"]
        metadata_key = match["mkey"]
        if field not in fields:
            raise query_error(
                f"'{field}' is not a searchable field for {kind} search. Searchable fields: "
                f"{', '.join(sorted(fields))}."
            )
        if fields[field] == "metadata" and metadata_key is None:
            raise query_error("Search metadata by key: metadata['key']:'value'.")
        op = match["op"]
        value = match["qval"] if match["q"] else match["bare"]
        value = re.sub(r"\\(.)", r"\1", value)
        field_type = fields[field]
        if op in ("<", ">", "<=", ">=") and field_type != "number":
            raise query_error(f"The comparison '{op}' only works on numeric fields, not on '{field}'.")
        if op == "~":
            if field_type != "string":
                raise query_error(f"Substring match '~' only works on string fields, not on '{field}'.")
            if len(value) < 3:
                raise query_error("Substring match '~' needs a value of at least 3 characters.")
        if field_type == "number" and not re.fullmatch(r"-?\d+", value):
            raise query_error(f"'{field}' is numeric: compare it with an integer, e.g. {field}>1700000000.")
        if match["q"] is None and field_type == "string":
            raise query_error(f"Quote string values: {field}:'{value}'.")
        clauses.append(Clause(bool(match["neg"]), field, metadata_key, op, value))
        position = match.end()
        if position < len(text):
            joiner = _JOINER.match(text, position)
            if not joiner:
                raise query_error(f"Separate clauses with a space, AND or OR (position {position}).")
            if joiner.group(1):
                joiners.add(joiner.group(1).upper())
            else:
                joiners.add("AND")
            position = joiner.end()
    if len(joiners) > 1:
        raise query_error("A search query cannot mix AND and OR. Use only one of them.")
    return clauses, (joiners.pop() if joiners else "AND")


def _matches(obj: Mapping[str, Any], clause: Clause, field_type: str) -> bool:
    if field_type == "metadata":
        actual: Any = (obj.get("metadata") or {}).get(clause.metadata_key or "")
    else:
        actual = obj
        for part in clause.field.split("."):
            actual = actual.get(part) if isinstance(actual, Mapping) else None
    if field_type == "number":
        if not isinstance(actual, int):
            return False
        target = int(clause.value)
        ops: dict[str, Callable[[int, int], bool]] = {
            ":": lambda a, b: a == b, ">": lambda a, b: a > b, "<": lambda a, b: a < b,
            ">=": lambda a, b: a >= b, "<=": lambda a, b: a <= b,
        }  # fmt: skip
        return ops[clause.op](actual, target)
    if field_type == "boolean":
        return isinstance(actual, bool) and str(actual).lower() == clause.value.lower()
    if actual is None:
        return False
    text = str(actual).lower()
    return clause.value.lower() in text if clause.op == "~" else text == clause.value.lower()


def _decode_page(token: str) -> int:
    try:
        offset = int(base64.urlsafe_b64decode(token.encode()).decode().removeprefix("offset:"))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        offset = -1
    if offset < 0:
        raise errors.invalid_request(
            "Invalid page: pass the next_page value of the previous search result unchanged.", param="page"
        )
    return offset


def search_response(ctx: Context, kind: str, url: str, fields: Mapping[str, str]) -> dict[str, Any]:
    from sandbox._api import check_limit

    clauses, joiner = parse(str(ctx.params.get("query", "")), fields, kind)
    limit = check_limit(ctx.params.get("limit"))
    offset = _decode_page(ctx.params["page"]) if ctx.params.get("page") else 0

    def keep(obj: Mapping[str, Any]) -> bool:
        results = (_matches(obj, c, fields[c.field]) != c.negate for c in clauses)
        return all(results) if joiner == "AND" else any(results)

    found = [obj for obj in ctx.store.scan(kind) if keep(obj)]
    page = found[offset : offset + limit]
    has_more = len(found) > offset + limit
    next_page = base64.urlsafe_b64encode(f"offset:{offset + limit}".encode()).decode() if has_more else None
    return {"object": "search_result", "data": page, "has_more": has_more, "next_page": next_page, "url": url}
