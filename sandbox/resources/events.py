"""Events: the account's history of state changes, read back through the API.

Resources record events with ``ctx.emit`` inside their transaction; this module only lists and retrieves them.
"""

from __future__ import annotations

from sandbox import _errors as errors
from sandbox._api import Context, endpoint
from sandbox._store import JSONObject

KIND = "event"
PERMISSION = "event"  # rak_event_read [U, facts §2.2]
MAX_TYPES = 20


def type_matcher(pattern: str) -> tuple[str, bool]:
    """``type`` accepts one event name or a group with ``*`` as the wildcard (``invoice.*``, docs)."""
    if pattern.endswith("*"):
        return pattern[:-1], True
    return pattern, False


@endpoint("GET", "/v1/events", permission=PERMISSION)
def list_events(ctx: Context) -> JSONObject:
    p = ctx.params
    one = p.get("type")
    many = p.get("types")
    if one is not None and many is not None:
        raise errors.exclusive(["type", "types"])
    if isinstance(many, list) and len(many) > MAX_TYPES:
        # [U] wording; the limit of 20 names is documented.
        raise errors.invalid_request(
            f"You may pass at most {MAX_TYPES} event types in types, got {len(many)}.", param="types"
        )
    delivered = ctx.params.get("delivery_success")
    prefix = type_matcher(one)[0] if isinstance(one, str) and "*" in one else None
    filters = {"type": list(many)} if many is not None else {"type": one} if prefix is None and one else {}

    def wanted(event: JSONObject) -> bool:
        if prefix is not None and not str(event.get("type", "")).startswith(prefix):
            return False
        # delivery_success: whether every endpoint got the event (pending_webhooks counts those still due).
        return delivered is None or (int(event.get("pending_webhooks") or 0) == 0) == bool(delivered)

    filtering = prefix is not None or delivered is not None
    return ctx.list_response(
        KIND, "/v1/events", filters=filters or None, predicate=wanted if filtering else None
    )


@endpoint("GET", "/v1/events/{id}", permission=PERMISSION)
def retrieve_event(ctx: Context) -> JSONObject:
    return ctx.load(KIND, ctx.path["id"])
