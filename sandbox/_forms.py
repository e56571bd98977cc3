"""Bracket-notation decoding of Stripe's form bodies and query strings.

``metadata[k]=v``, ``items[0][price]=p``, ``expand[]=x`` and ``expand[0]=x`` all decode into nested dicts of
strings. Arrays stay dicts keyed "0", "1", … here, because only the schema knows whether ``metadata[0]`` is a
list element or a metadata key named "0"; :mod:`sandbox._validation` turns them into lists.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

Form = dict[str, Any]


def split_key(key: str) -> list[str]:
    """``a[b][0][]`` → ``["a", "b", "0", ""]``; a malformed tail is kept as part of the last name."""
    head, bracket, rest = key.partition("[")
    parts = [head]
    if not bracket:
        return parts
    rest = "[" + rest
    while rest.startswith("["):
        end = rest.find("]")
        if end < 0:
            parts[-1] += rest
            return parts
        parts.append(rest[1:end])
        rest = rest[end + 1 :]
    if rest:
        parts[-1] += rest
    return parts


def decode(query: str) -> Form:
    result: Form = {}
    for key, value in parse_qsl(query, keep_blank_values=True):
        parts = split_key(key)
        node = result
        for position, part in enumerate(parts):
            last = position == len(parts) - 1
            name = str(len(node)) if part == "" and position > 0 else part
            if last:
                node[name] = value
                break
            child = node.get(name)
            if not isinstance(child, dict):
                child = {}
                node[name] = child
            node = child
    return result


def encode(params: Form, prefix: str = "") -> list[tuple[str, str]]:
    """The inverse of :func:`decode` (the round-trip test, and the native triggers' requests)."""
    pairs: list[tuple[str, str]] = []
    for key, value in params.items():
        name = f"{prefix}[{key}]" if prefix else str(key)
        if isinstance(value, dict):
            pairs.extend(encode(value, name))
        elif isinstance(value, list):
            pairs.extend(encode({str(i): item for i, item in enumerate(value)}, name))
        elif isinstance(value, bool):
            pairs.append((name, "true" if value else "false"))
        elif value is None:
            pairs.append((name, ""))
        else:
            pairs.append((name, str(value)))
    return pairs
