"""What stripe-python can send to each operation, read from its ``stripe.params`` TypedDicts.

Dev- and test-time only, so it lives in scripts/, not in the sandbox package: ``scripts/refresh_spec.py``
widens the vendored spec with what the SDK has and the (older) spec lacks, and
``tests/sandbox/test_sdk_params.py`` checks that nothing the SDK may send is refused unknowingly. It reads
the SDK's internals (``stripe._stripe_service.StripeService``, the base class of every service, which
stripe-python does not export), which is acceptable for a tool and never for the product.

The SDK is generated from a newer spec than the vendored one (stripe-python 16 pins an API version a few
months later), so it knows parameters and enum values the vendored spec does not. The rule is "prefer
accepting what stripe-python 16 sends over rejecting it": such a parameter is accepted (and, unless a
handler uses it, ignored) rather than answered with ``parameter_unknown``.
"""

from __future__ import annotations

import importlib
import inspect
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

Schema = dict[str, Any]
Resolve = Callable[[Schema], Schema]

_REQUEST = re.compile(r'self\._request\(\s*"(get|post|delete)",\s*"(/v1/[^"]+)"')
_PARAMS_NAME = re.compile(r"(\w+Params)\b")
_NESTED_NAME = re.compile(r"\b([A-Z]\w*Params\w*)\b")
_LITERAL = re.compile(r"Literal\[([^\]]*)\]")
_PARAM = re.compile(r"\{\w+\}")


def normalize(template: str) -> str:
    """``/v1/prices/{price}`` → ``/v1/prices/{}``: the SDK and the spec may name path parameters apart."""
    return _PARAM.sub("{}", template)


@dataclass(frozen=True)
class Gap:
    """Something the SDK may send that a params schema does not accept.

    ``path`` names the parameter as a list of keys (``"[]"`` for "each element of an array");
    ``values`` are the missing enum values, or empty when the whole parameter is missing."""

    path: tuple[str, ...]
    annotation: str
    owner: type
    values: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        head, *rest = self.path
        return head + "".join("[0]" if key == "[]" else f"[{key}]" for key in rest)


def _services(obj: Any, seen: set[int]) -> Iterator[Any]:
    from stripe._stripe_service import StripeService

    names = set(dir(obj))
    for klass in type(obj).__mro__:
        names |= set(getattr(klass, "__annotations__", {}))
    for name in sorted(names):
        if name.startswith("_"):
            continue
        try:
            value = getattr(obj, name)
        except Exception:  # noqa: S112 - lazily built services we cannot build are not ours to check
            continue
        if isinstance(value, StripeService) and id(value) not in seen:
            seen.add(id(value))
            yield value
            yield from _services(value, seen)


def _params_class(name: str, module_name: str) -> type | None:
    """The TypedDict a service method's ``params`` names (imported by the service module)."""
    source = inspect.getsource(sys.modules[module_name])
    for found in re.finditer(r"from (stripe\.params[\w.]*) import (?:\(([^)]*)\)|([^\n]*))", source):
        if re.search(rf"\b{name}\b", found.group(2) or found.group(3)):
            klass = getattr(importlib.import_module(found.group(1)), name, None)
            return klass if isinstance(klass, type) else None
    return None


def sdk_operations() -> dict[tuple[str, str], type]:
    """(METHOD, normalized path template) → the params TypedDict stripe-python's service method takes."""
    import stripe

    client = stripe.StripeClient("sk_test_introspection_only")
    found: dict[tuple[str, str], type] = {}
    for service in _services(client.v1, set()):
        for method_name, function in inspect.getmembers(type(service), inspect.isfunction):
            if method_name.startswith("_") or method_name.endswith("_async"):
                continue
            try:
                source = inspect.getsource(function)
            except (OSError, TypeError):
                continue
            request = _REQUEST.search(source)
            params = inspect.signature(function).parameters.get("params")
            name = _PARAMS_NAME.search(str(params.annotation)) if params is not None else None
            if request is None or name is None:
                continue
            klass = _params_class(name.group(1), type(service).__module__)
            if klass is not None:
                found[(request.group(1).upper(), normalize(request.group(2)))] = klass
    return found


def _annotations(typed_dict: type) -> dict[str, str]:
    """Field → annotation text, without the request options some params classes inherit."""
    import stripe

    options = set(getattr(stripe.RequestOptions, "__annotations__", {}))
    fields: dict[str, Any] = {}
    for klass in reversed(typed_dict.__mro__):
        fields.update(getattr(klass, "__annotations__", {}))
    return {key: _text(value) for key, value in fields.items() if key not in options}


def _text(annotation: Any) -> str:
    """An annotation as text in the SDK's own style (``Literal['']|List[Foo]``), whether it is a string, a
    forward reference or a typing object."""
    import typing

    if isinstance(annotation, str):
        return annotation
    forward = getattr(annotation, "__forward_arg__", None)
    if isinstance(forward, str):
        return forward
    if isinstance(annotation, type):
        return annotation.__name__
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Union:
        return "|".join(_text(a) for a in args if a is not type(None))
    if origin is typing.Literal:
        return "Literal[" + ", ".join(repr(a) for a in args) + "]"
    if origin is list:
        return f"List[{_text(args[0])}]"
    if origin is dict:
        return "Dict[str, str]"
    if args and origin is not None and getattr(origin, "_name", "") in ("NotRequired", "Required"):
        return _text(args[0])
    if args and str(origin).endswith(("NotRequired", "Required")):
        return _text(args[0])
    return repr(annotation).replace("typing.", "")


def _nested(owner: type, text: str) -> type | None:
    module = sys.modules[owner.__module__]
    for name in _NESTED_NAME.findall(text):
        klass = getattr(module, name, None)
        if isinstance(klass, type) and hasattr(klass, "__annotations__"):
            return klass
    return None


def _literals(text: str) -> list[str]:
    values: list[str] = []
    for group in _LITERAL.findall(text):
        values.extend(v for v in re.findall(r"'([^']*)'", group) if v)
    return values


def _branches(schema: Schema, resolve: Resolve) -> list[Schema]:
    schema = resolve(schema)
    if "anyOf" in schema:
        return [b for branch in schema["anyOf"] for b in _branches(branch, resolve)]
    return [schema]


def gaps(typed_dict: type, schema: Schema, resolve: Resolve, prefix: tuple[str, ...] = ()) -> list[Gap]:
    """Every parameter (at any depth) and enum value ``typed_dict`` allows that ``schema`` refuses."""
    found: list[Gap] = []
    objects = [b for b in _branches(schema, resolve) if b.get("type") == "object" or "properties" in b]
    if any(isinstance(b.get("additionalProperties"), dict) for b in objects) or not objects:
        return found  # a free-form map (metadata) or a scalar where the SDK has a hash: nothing to compare
    properties: dict[str, list[Schema]] = {}
    for branch in objects:
        for key, value in branch.get("properties", {}).items():
            properties.setdefault(key, []).append(value)
    for key, text in _annotations(typed_dict).items():
        path = (*prefix, key)
        if key not in properties:
            found.append(Gap(path, text, typed_dict))
            continue
        candidates = [b for s in properties[key] for b in _branches(s, resolve)]
        is_list = text.startswith("List[") or "|List[" in text
        if is_list:
            arrays = [c for c in candidates if c.get("type") == "array"]
            candidates = [b for c in arrays for b in _branches(c.get("items", {}), resolve)]
            path = (*path, "[]")
        enums = [c["enum"] for c in candidates if "enum" in c]
        if enums and not any(c.get("type") == "string" and "enum" not in c for c in candidates):
            known = {v for e in enums for v in e}
            extra = tuple(v for v in _literals(text) if v not in known)
            if extra:
                found.append(Gap(path, text, typed_dict, extra))
        inner = _nested(typed_dict, text)
        if inner is not None and candidates:
            found.extend(gaps(inner, {"anyOf": candidates}, resolve, path))
    return found


def schema_of(owner: type, text: str) -> Schema:
    """A JSON schema accepting what an SDK annotation allows (form-encoded: scalars arrive as strings)."""
    branches: list[Schema] = []
    if "Literal['']" in text:
        branches.append({"enum": [""], "type": "string"})
    body = text.replace("Literal['']|", "").replace("|Literal['']", "")
    inner = _nested(owner, body)
    if body.startswith("List["):
        item = body[len("List[") : -1]
        branches.append({"type": "array", "items": schema_of(owner, item)})
    elif inner is not None:
        properties = {key: schema_of(inner, value) for key, value in _annotations(inner).items()}
        branches.append({"type": "object", "properties": properties, "additionalProperties": False})
    elif body.startswith("Dict["):
        branches.append({"type": "object", "additionalProperties": {"type": "string"}})
    elif body == "bool":
        branches.append({"type": "boolean"})
    elif body == "int":
        branches.append({"type": "integer"})
    elif body == "float":
        branches.append({"type": "number"})
    else:
        branches.append({"type": "string", "maxLength": 5000})
    return branches[0] if len(branches) == 1 else {"anyOf": branches}
