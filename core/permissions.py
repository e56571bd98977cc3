"""What a restricted key may do: probed for reads, learned for writes.

A restricted key (``rk_…``) grants None / Read / Write per resource, and Stripe has no endpoint that lists a
key's permissions. Reads can be probed without side effects (a ``limit=1`` list). Writes cannot: the only
harmless-looking probes would still create, change or delete objects. So write access stays "unknown" until
the first write either succeeds (granted) or fails with 403 (missing); :class:`KeyKnowledge` remembers both.
Keep one ``KeyKnowledge`` per connection and environment in the user's session, never in a module global.
"""

from __future__ import annotations

import enum
import re
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Final

import pandas as pd
import stripe

from core import catalog
from core._permissions_data import permission_label
from core.catalog import Action
from core.client import ClientCache, ClientConfigError, Target
from core.results import Source
from core.transport import Call, Transport

_SLUG_RE: Final = re.compile(r"'(rak_[a-z0-9_]+)'")
DASHBOARD_API_KEYS: Final = "https://dashboard.stripe.com/apikeys"


class Access(enum.StrEnum):
    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


def slugs_in_message(message: str) -> list[str]:
    """The ``rak_…`` permission names a 403 message mentions (one, or several alternatives)."""
    return _SLUG_RE.findall(message)


def split_slug(slug: str) -> tuple[str, str] | None:
    """``rak_plan_write`` → ``("plan", "write")``; None for anything else."""
    if not slug.startswith("rak_"):
        return None
    stem, _, level = slug[len("rak_") :].rpartition("_")
    if level not in ("read", "write") or not stem:
        return None
    return stem, level


def how_to_grant(slug: str) -> str:
    """Where in the Dashboard to give a restricted key this permission."""
    parts = split_slug(slug)
    if parts is None:
        return f"Give the restricted key the `{slug}` permission in Dashboard → API keys → edit the key."
    stem, level = parts
    return (
        f"In the Dashboard, API keys → edit the key → {permission_label(stem)}: {level.title()} "
        f"(`{slug}`); or use the secret key (sk_…) for this environment."
    )


@dataclass
class KeyKnowledge:
    """Permissions learned for one key: granted by a successful call, missing from a 403."""

    granted: set[str] = field(default_factory=set)
    missing: set[str] = field(default_factory=set)
    learned_at: dict[str, float] = field(default_factory=dict)

    def learn_granted(self, slug: str) -> None:
        self.granted.add(slug)
        self.missing.discard(slug)
        self.learned_at[slug] = time.time()
        parts = split_slug(slug)
        if parts and parts[1] == "write":  # Stripe: "write permissions imply read permissions"
            read = f"rak_{parts[0]}_read"
            self.granted.add(read)
            self.missing.discard(read)

    def learn_missing(self, slug: str) -> None:
        self.missing.add(slug)
        self.granted.discard(slug)
        self.learned_at[slug] = time.time()

    def learn_from_error(self, error: stripe.StripeError, action: Action | None = None) -> list[str]:
        """Record the permission(s) a 403 names; returns them. Other errors teach nothing."""
        if getattr(error, "http_status", None) != 403:
            return []
        message = str(getattr(error, "user_message", None) or error)
        slugs = slugs_in_message(message)
        if len(slugs) == 1:
            self.learn_missing(slugs[0])
        elif action is not None:
            # Several alternatives (or none named): what we know for sure is that this action's own
            # permission did not suffice.
            self.learn_missing(action.permission)
        return slugs or ([action.permission] if action is not None else [])

    def access(self, slug: str) -> Access:
        if slug in self.granted:
            return Access.YES
        if slug in self.missing:
            return Access.NO
        parts = split_slug(slug)
        if parts and parts[1] == "read" and f"rak_{parts[0]}_write" in self.granted:
            return Access.YES
        return Access.UNKNOWN

    def forget(self, slug: str | None = None) -> None:
        """Forget one permission (after editing the key in the Dashboard) or everything."""
        if slug is None:
            self.granted.clear()
            self.missing.clear()
            self.learned_at.clear()
            return
        self.granted.discard(slug)
        self.missing.discard(slug)
        self.learned_at.pop(slug, None)


@dataclass(frozen=True)
class Probe:
    """A harmless read (a ``limit=1`` list) that shows whether a key may read one resource."""

    stem: str
    name: str
    sdk_call: str
    path: str


# Stems the catalog writes but never lists (WeWeb has no List Refunds action): probe with the SDK's list.
_EXTRA_PROBES: Final[Mapping[str, Probe]] = {
    "refund": Probe("refund", "List Refunds", "v1.refunds.list", "/v1/refunds"),
}


def catalog_resources(actions: Iterable[Action] | None = None) -> dict[str, Probe]:
    """Each restricted-key stem the catalog uses, with the list call that probes its read access."""
    probes: dict[str, Probe] = {}
    stems: list[str] = []
    for action in actions if actions is not None else catalog.ACTIONS:
        if action.permission_stem not in stems:
            stems.append(action.permission_stem)
        if action.is_list and not action.path_inputs and action.permission_stem not in probes:
            probes[action.permission_stem] = Probe(
                action.permission_stem, action.name, action.sdk_call, action.path
            )
    for stem in stems:
        if stem not in probes and stem in _EXTRA_PROBES:
            probes[stem] = _EXTRA_PROBES[stem]
    return {stem: probes[stem] for stem in stems if stem in probes}


@dataclass(frozen=True)
class PermissionRow:
    stem: str
    resource: str
    read: Access
    write: Access
    read_slug: str
    write_slug: str
    probe: str  # the list call used to probe read, e.g. "List Prices"
    detail: str


@dataclass(frozen=True)
class PermissionMatrix:
    rows: tuple[PermissionRow, ...]
    restricted: bool
    note: str

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [
                {
                    "resource": r.resource,
                    "read": r.read.value,
                    "write": r.write.value,
                    "read permission": r.read_slug,
                    "write permission": r.write_slug,
                    "detail": r.detail,
                }
                for r in self.rows
            ]
        )

    def row(self, stem: str) -> PermissionRow:
        for r in self.rows:
            if r.stem == stem:
                return r
        raise KeyError(f"No permission row for {stem!r}")


WRITE_NOTE: Final = (
    "Write access cannot be probed without side effects (every write creates, changes or deletes "
    "something), so it shows 'unknown' until a write runs: a success marks it yes, a 403 marks it no."
)


def check_permissions(
    transport: Transport,
    knowledge: KeyKnowledge,
    *,
    actions: Iterable[Action] | None = None,
    source: Source = Source.PROBE,
) -> PermissionMatrix:
    """Probe read access per resource with a harmless ``limit=1`` list; write access comes from knowledge.

    Whether the key is restricted comes from the target's parsed key (a secret key can do everything, so
    nothing is probed); the key itself is never revealed here. Each probe is a recorded call (``source``).
    A key or address that cannot make a client gives a matrix of "unknown" rows that says why.
    """
    target = transport.target
    try:
        transport.client()
    except ClientConfigError as error:
        return _unknown(target, str(error))
    restricted = target.is_restricted
    rows: list[PermissionRow] = []
    for stem, probe in catalog_resources(actions).items():
        read_slug, write_slug = f"rak_{stem}_read", f"rak_{stem}_write"
        if not restricted:
            rows.append(
                PermissionRow(
                    stem,
                    permission_label(stem),
                    Access.YES,
                    Access.YES,
                    read_slug,
                    write_slug,
                    probe.name,
                    "A secret key (sk_…) has every permission.",
                )
            )
            continue
        answer = transport.send(
            Call(
                f"probe_{stem}", probe.name, "GET", probe.path, {"limit": 1}, source, sdk_call=probe.sdk_call
            )
        )
        failure = answer.error
        if failure is None:
            knowledge.learn_granted(read_slug)
            detail = f"{probe.name} (limit 1) succeeded."
        elif isinstance(failure, stripe.PermissionError):
            knowledge.learn_missing(read_slug)
            detail = f"{probe.name} returned 403. {how_to_grant(read_slug)}"
        elif isinstance(failure, stripe.APIConnectionError) or not isinstance(failure, stripe.StripeError):
            detail = f"{probe.name} could not run: {type(failure).__name__}"
        else:
            detail = f"{probe.name} failed (HTTP {failure.http_status}): {failure.user_message or failure}"
        rows.append(
            PermissionRow(
                stem,
                permission_label(stem),
                knowledge.access(read_slug),
                knowledge.access(write_slug),
                read_slug,
                write_slug,
                probe.name,
                detail,
            )
        )
    note = (
        WRITE_NOTE
        if restricted
        else "Secret keys are not restricted: every resource can be read and written."
    )
    return PermissionMatrix(tuple(rows), restricted, note)


def _unknown(target: Target, why: str) -> PermissionMatrix:
    rows = tuple(
        PermissionRow(
            stem,
            permission_label(stem),
            Access.UNKNOWN,
            Access.UNKNOWN,
            f"rak_{stem}_read",
            f"rak_{stem}_write",
            probe.name,
            why,
        )
        for stem, probe in catalog_resources().items()
    )
    return PermissionMatrix(rows, target.is_restricted, why)


def permission_matrix(
    target: Target,
    knowledge: KeyKnowledge,
    *,
    clients: ClientCache | None = None,
    client: stripe.StripeClient | None = None,
) -> PermissionMatrix:
    """:func:`check_permissions` for a bare target (the notebook and tests; the app asks its session)."""
    return check_permissions(Transport(target, clients=clients, client=client), knowledge)
