"""Request validation and coercion against the vendored OpenAPI operations (sandbox/spec/openapi.json).

Form values arrive as strings; the schema says what each should be. Walking the schema once both coerces
(``"10"`` → 10, ``"true"`` → True, ``{"0": …}`` → list) and produces Stripe's errors with Stripe's parameter
names (``items[0][price]``). Unknown parameters are refused because Stripe's form schemas are closed.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any

from sandbox import _errors as errors

SPEC_DIR = Path(__file__).resolve().parent / "spec"
Schema = dict[str, Any]
_INTEGER = re.compile(r"-?\d+")
_DECIMAL = re.compile(r"-?(\d+(\.\d*)?|\.\d+)")


@functools.cache
def spec_document() -> dict[str, Any]:
    """The trimmed spec (immutable data, loaded once per process)."""
    with (SPEC_DIR / "openapi.json").open(encoding="utf-8") as handle:
        document: dict[str, Any] = json.load(handle)
    return document


@functools.cache
def stripe_path_templates() -> dict[str, list[str]]:
    """Every /v1 path template in Stripe's full spec → its methods."""
    with (SPEC_DIR / "stripe_paths.json").open(encoding="utf-8") as handle:
        paths: dict[str, list[str]] = json.load(handle)
    return paths


def operation(method: str, template: str) -> dict[str, Any] | None:
    item = spec_document()["paths"].get(template)
    if item is None:
        return None
    op: dict[str, Any] | None = item.get(method.lower())
    return op


def resolve(schema: Schema) -> Schema:
    ref = schema.get("$ref")
    if isinstance(ref, str):
        resolved: Schema = spec_document()["components"]["schemas"][ref.rsplit("/", 1)[1]]
        return resolved
    return schema


@functools.cache
def params_schema(method: str, template: str) -> Schema | None:
    """One object schema for the operation's parameters: the form body for POST, the query otherwise."""
    op = operation(method, template)
    if op is None:
        return None
    properties: dict[str, Schema] = {}
    required: list[str] = []
    for parameter in op.get("parameters", []):
        if parameter.get("in") == "query":
            properties[parameter["name"]] = parameter.get("schema", {})
            if parameter.get("required"):
                required.append(parameter["name"])
    body = op.get("requestBody", {}).get("content", {}).get("application/x-www-form-urlencoded", {})
    body_schema = resolve(body.get("schema", {}))
    properties.update(body_schema.get("properties", {}))
    required.extend(body_schema.get("required", []))
    return {"type": "object", "properties": properties, "required": required, "additionalProperties": False}


def _child(name: str, key: str) -> str:
    return f"{name}[{key}]" if name else key


def _shape_rank(branch: Schema, value: Any) -> int:
    """Try the anyOf branch that matches the value's shape first, so its error is the one reported."""
    kind = resolve(branch).get("type")
    if isinstance(value, dict):
        return 0 if kind in ("object", "array") else 1
    return 1 if kind in ("object", "array") else 0


def coerce(schema: Schema, value: Any, name: str) -> Any:
    schema = resolve(schema)
    branches = schema.get("anyOf")
    if branches is not None:
        if value == "" and any(resolve(b).get("enum") == [""] for b in branches):
            return ""
        first_error: errors.StripeError | None = None
        for branch in sorted(branches, key=lambda b: _shape_rank(b, value)):
            if resolve(branch).get("enum") == [""]:
                continue
            try:
                return coerce(branch, value, name)
            except errors.StripeError as error:
                first_error = first_error or error
        raise first_error or errors.invalid_string(name)
    kind = schema.get("type")
    if kind == "object":
        return _coerce_object(schema, value, name)
    if kind == "array":
        return _coerce_array(schema, value, name)
    if isinstance(value, dict | list):
        if kind == "integer":
            raise errors.invalid_integer(name, value)
        raise errors.invalid_string(name)
    if value == "" and schema.get("enum") != [""]:
        raise errors.empty_string(name)
    if kind == "integer":
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and _INTEGER.fullmatch(value):
            return int(value)
        raise errors.invalid_integer(name, value)
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        if value in ("true", "false"):
            return value == "true"
        raise errors.invalid_boolean(name, value)
    if kind == "number":
        if isinstance(value, str) and _DECIMAL.fullmatch(value):
            return float(value)
        raise errors.invalid_decimal(name, value)
    text = str(value)
    if schema.get("format") == "decimal" and not _DECIMAL.fullmatch(text):
        raise errors.invalid_decimal(name, value)
    allowed = schema.get("enum")
    if allowed is not None and text not in allowed:
        raise errors.invalid_enum(name, [a for a in allowed if a != ""])
    limit = schema.get("maxLength")
    if isinstance(limit, int) and len(text) > limit:
        raise errors.string_too_long(name, limit)
    return text


def _coerce_object(schema: Schema, value: Any, name: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        if value == "":
            raise errors.empty_string(name)
        raise errors.invalid_hash(name)
    properties: dict[str, Schema] = schema.get("properties", {})
    extra = schema.get("additionalProperties")
    closed = extra is False or (bool(properties) and not isinstance(extra, dict))
    out: dict[str, Any] = {}
    for key, item in value.items():
        child = _child(name, key)
        if key in properties:
            out[key] = coerce(properties[key], item, child)
        elif isinstance(extra, dict):
            # Free-form string maps (metadata) take "" to unset a key.
            free_string = item == "" and resolve(extra).get("type") == "string"
            out[key] = "" if free_string else coerce(extra, item, child)
        elif closed:
            raise errors.parameter_unknown(child)
        else:
            out[key] = item
    for key in schema.get("required", []):
        if key not in value:
            raise errors.parameter_missing(_child(name, key))
    return out


def _coerce_array(schema: Schema, value: Any, name: str) -> list[Any]:
    if isinstance(value, dict):
        if not all(key.isdigit() for key in value):
            raise errors.invalid_array(name)
        items = [value[key] for key in sorted(value, key=int)]
    elif isinstance(value, list):
        items = value
    else:
        raise errors.invalid_array(name)
    item_schema: Schema = schema.get("items", {})
    return [coerce(item_schema, item, f"{name}[{index}]") for index, item in enumerate(items)]


def validate_params(
    method: str, template: str, params: dict[str, Any], extra: dict[str, Schema]
) -> dict[str, Any]:
    """Validated, coerced parameters, or the StripeError Stripe would answer."""
    schema = params_schema(method, template)
    if schema is None:
        return dict(params)
    if extra:
        schema = {**schema, "properties": {**schema["properties"], **extra}}
    return _coerce_object(schema, params, "")
