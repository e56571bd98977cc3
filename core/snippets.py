"""The exact call the playground just made, as stripe-python code and as a curl command.

People copy these into their own backend, terminal or WeWeb custom API, so both read the key from the
``STRIPE_SECRET_KEY`` environment variable and never contain it: a snippet is shown on screen and pasted
into chats. The Python snippet uses the same ``StripeClient`` service call the runner uses, and the curl
command uses Stripe's bracket notation for nested parameters, so both send the same request.
"""

from __future__ import annotations

import itertools
import json
import re
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from core.catalog import Action
from core.client import STRIPE_API_BASE, normalize_api_base

KEY_ENV_VAR: Final = "STRIPE_SECRET_KEY"
_PLAIN_VALUE: Final = re.compile(r"[A-Za-z0-9_.:/@-]*")


@dataclass(frozen=True)
class Snippets:
    python: str
    curl: str


def form_pairs(params: Mapping[str, object], prefix: str = "") -> list[tuple[str, str]]:
    """Stripe's form encoding: ``a[b]=v`` for mappings, ``a[0]=v`` for lists, ``true``/``false`` for bools.

    Same rules as stripe-python's encoder, so the curl body and the SDK's body decode alike.
    """
    pairs: list[tuple[str, str]] = []
    for key, value in params.items():
        name = f"{prefix}[{key}]" if prefix else str(key)
        pairs.extend(_encode_value(name, value))
    return pairs


def _encode_value(name: str, value: object) -> list[tuple[str, str]]:
    if value is None:
        return []
    if isinstance(value, Mapping):
        return form_pairs(value, name)
    if isinstance(value, list | tuple):
        out: list[tuple[str, str]] = []
        for index, item in enumerate(value):
            out.extend(_encode_value(f"{name}[{index}]", item))
        return out
    if isinstance(value, bool):
        return [(name, "true" if value else "false")]
    return [(name, str(value))]


def _py(value: object, indent: int = 0) -> str:
    """A Python literal in the style people paste: double quotes, one key per line when long."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool) or value is None or isinstance(value, int | float):
        return repr(value)
    if isinstance(value, Mapping):
        items = [f"{_py(str(k))}: {_py(v, indent + 4)}" for k, v in value.items()]
        return _bracketed("{", items, "}", indent)
    if isinstance(value, list | tuple):
        return _bracketed("[", [_py(v, indent + 4) for v in value], "]", indent)
    return _py(str(value), indent)


def _bracketed(opening: str, items: list[str], closing: str, indent: int) -> str:
    """On one line when it fits in 80 columns, else one item per line with a trailing comma."""
    flat = opening + ", ".join(items) + closing
    if len(flat) + indent <= 80 and "\n" not in flat:
        return flat
    pad = " " * (indent + 4)
    return opening + "\n" + "".join(f"{pad}{i},\n" for i in items) + " " * indent + closing


def python_snippet(
    action: Action,
    path_args: Mapping[str, str],
    params: Mapping[str, object],
    *,
    api_base: str | None = None,
    idempotency_key: str | None = None,
) -> str:
    args = [path_args[i.name] for i in action.path_inputs]
    return _python_sdk(action.sdk_call, args, params, api_base=api_base, idempotency_key=idempotency_key)


def _python_sdk(
    sdk_call: str,
    path_args: Sequence[str],
    params: Mapping[str, object],
    *,
    api_base: str | None,
    idempotency_key: str | None,
) -> str:
    base = normalize_api_base(api_base)
    lines = ["import os", "", "import stripe", "", "client = stripe.StripeClient("]
    lines.append(f'    os.environ["{KEY_ENV_VAR}"],')
    if base != STRIPE_API_BASE:
        lines.append(f'    base_addresses={{"api": {_py(base)}}},  # the local sandbox, not Stripe')
    lines.append(")")
    args: list[str] = [_py(a) for a in path_args]
    if params or idempotency_key:
        args.append(_py(dict(params)))
    if idempotency_key:
        args.append(_py({"idempotency_key": idempotency_key}))
    call = f"result = client.{sdk_call}("
    if not args:
        lines.append(call + ")")
    elif len(", ".join(args)) + len(call) <= 100 and "\n" not in "".join(args):
        lines.append(call + ", ".join(args) + ")")
    else:
        lines.append(call)
        for arg in args:
            lines.append("    " + arg.replace("\n", "\n    ") + ",")
        lines.append(")")
    lines.append("print(result)")
    return "\n".join(lines) + "\n"


def _python_json(method: str, path: str, params: Mapping[str, object], *, api_base: str | None) -> str:
    """A call with a JSON body (the sandbox's control endpoints): no SDK method exists for it."""
    url = normalize_api_base(api_base) + path
    lines = [
        "import json",
        "import os",
        "import urllib.request",
        "",
        "request = urllib.request.Request(",
        f"    {_py(url)},",
        f"    data=json.dumps({_py(dict(params), 4)}).encode(),",
        f"    method={_py(method.upper())},",
        "    headers={",
        f'        "Authorization": "Bearer " + os.environ["{KEY_ENV_VAR}"],',
        '        "Content-Type": "application/json",',
        "    },",
        ")",
        "with urllib.request.urlopen(request) as response:",
        "    print(json.load(response))",
    ]
    return "\n".join(lines) + "\n"


def curl_snippet(
    action: Action,
    path_args: Mapping[str, str],
    params: Mapping[str, object],
    *,
    api_base: str | None = None,
    idempotency_key: str | None = None,
) -> str:
    path = action.path.format(**path_args)
    key = idempotency_key if action.is_write else None
    return _curl(action.method, path, params, api_base=api_base, idempotency_key=key)


def _curl(
    method: str,
    path: str,
    params: Mapping[str, object],
    *,
    api_base: str | None,
    idempotency_key: str | None,
    json_body: bool = False,
) -> str:
    url = normalize_api_base(api_base) + path
    head = ["curl"]
    if method == "GET" and params and not json_body:
        head.append("-G")  # -d pairs become the query string
    elif method == "DELETE":
        head.extend(["-X", "DELETE"])
        if params:
            head.append("-G")
    head.append(shlex.quote(url))
    parts: list[str] = [" ".join(head), f'-u "${KEY_ENV_VAR}:"']
    if idempotency_key:
        parts.append("-H " + shlex.quote(f"Idempotency-Key: {idempotency_key}"))
    if json_body:
        parts.append("-H 'Content-Type: application/json'")
        parts.append("-d " + shlex.quote(json.dumps(dict(params), ensure_ascii=False)))
        return " \\\n  ".join(parts) + "\n"
    for key, value in form_pairs(params):
        # -d sends bytes as they are; a value with spaces, & or = must be URL-encoded by curl.
        flag = "-d" if _PLAIN_VALUE.fullmatch(value) else "--data-urlencode"
        parts.append(f"{flag} " + shlex.quote(f"{key}={value}"))
    return " \\\n  ".join(parts) + "\n"


def snippets_for(
    action: Action,
    path_args: Mapping[str, str],
    params: Mapping[str, object],
    *,
    api_base: str | None = None,
    idempotency_key: str | None = None,
) -> Snippets:
    return Snippets(
        python=python_snippet(action, path_args, params, api_base=api_base, idempotency_key=idempotency_key),
        curl=curl_snippet(action, path_args, params, api_base=api_base, idempotency_key=idempotency_key),
    )


def request_snippets(
    method: str,
    path: str,
    params: Mapping[str, object],
    *,
    sdk_call: str | None,
    sdk_args: Sequence[str] = (),
    api_base: str | None = None,
    idempotency_key: str | None = None,
) -> Snippets:
    """Snippets for any recorded call: an SDK service call when there is one (``sdk_call``, its positional
    ids ``sdk_args``), else a JSON request (the sandbox's control endpoints, which no SDK knows)."""
    key = idempotency_key if method != "GET" else None
    if sdk_call is None:
        return Snippets(
            python=_python_json(method, path, params, api_base=api_base),
            curl=_curl(method, path, params, api_base=api_base, idempotency_key=key, json_body=True),
        )
    return Snippets(
        python=_python_sdk(sdk_call, sdk_args, params, api_base=api_base, idempotency_key=key),
        curl=_curl(method, path, params, api_base=api_base, idempotency_key=key),
    )


def curl_form_pairs(curl: str) -> list[tuple[str, str]]:
    """The ``-d`` pairs of a curl command made by :func:`curl_snippet` (used to check it round-trips)."""
    tokens: Sequence[str] = shlex.split(curl.replace("\\\n", " "))
    pairs: list[tuple[str, str]] = []
    for flag, value in itertools.pairwise(tokens):
        if flag in ("-d", "--data-urlencode"):
            key, _, val = value.partition("=")
            pairs.append((key, val))
    return pairs
