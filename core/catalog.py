"""The WeWeb Stripe action catalog, as data.

Every action the playground can run is described here once: its Stripe endpoint, the stripe-python service
call, typed inputs, the restricted-key permission it needs and whether WeWeb's editor offers it. The runner,
the snippet generator, the permission matrix and the pages all read this one description, so they cannot
drift apart. The data itself lives in :mod:`core._actions_data`; this module holds the shapes and lookups.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final

WEWEB_ACTIONS_DOC: Final = "https://docs.weweb.io/integrations/stripe/actions-reference.html"
WEWEB_SETUP_DOC: Final = "https://docs.weweb.io/integrations/stripe/setup.html"
STRIPE_API_DOC: Final = "https://docs.stripe.com/api"
BACKEND_ONLY_EXPLANATION: Final = (
    "Not in WeWeb's workflow action picker: it is supported by the backend but needs a custom API in WeWeb "
    "(Data & API → APIs) that calls it."
)


class InputKind(enum.StrEnum):
    """How an input is entered and validated."""

    STRING = "string"
    INT = "int"
    AMOUNT = "amount"  # an integer in the currency's smallest unit
    CURRENCY = "currency"  # a three-letter ISO code, lowercase on the wire
    BOOL = "bool"
    ENUM = "enum"
    ID = "id"  # a Stripe object id with a known prefix
    METADATA = "metadata"  # flat str -> str mapping with Stripe's limits
    JSON = "json"  # a JSON object or array sent as bracket-notation form data
    LIST = "list"  # a list of strings
    PERCENT = "percent"  # a percentage as Stripe takes it: a decimal number, 15 means 15 %


class Availability(enum.StrEnum):
    """Where WeWeb offers an action."""

    IN_EDITOR = "in_editor"
    BACKEND_ONLY = "backend_only"


@dataclass(frozen=True)
class Input:
    """One parameter of an action.

    ``name`` is the Stripe parameter; a dot marks nesting (``recurring.interval`` is sent as
    ``recurring[interval]``), which keeps forms flat while requests stay Stripe-shaped. Path parameters are
    always named ``id`` (the object the action is about) and have ``in_path=True``.
    """

    name: str
    label: str
    kind: InputKind
    required: bool = False
    help: str = ""
    default: object = None
    choices: tuple[str, ...] = ()
    id_prefix: tuple[str, ...] = ()
    currency_input: str | None = None  # for AMOUNT: the input that holds its currency
    amount_purpose: str = ""  # for AMOUNT: payment / price / refund / invoice_item / capture
    allow_negative: bool = False  # invoice items: a negative amount is a credit
    percent_purpose: str = ""  # for PERCENT: "discount" (a coupon's percent_off) or "tax" (a tax rate)
    in_path: bool = False

    @property
    def is_amount(self) -> bool:
        return self.kind is InputKind.AMOUNT


@dataclass(frozen=True)
class Resource:
    """What every action of one Stripe resource shares, said once: the catalog builds actions from it.

    ``in_editor`` and ``in_weweb_reference`` are the resource's rule (WeWeb's editor offers all Products
    actions, none of the Setup Intents); an action states only where it is the exception (Create Checkout
    Session is in the editor, the rest of Checkout is not). ``editor_limitation`` marks the resources WeWeb's
    Setup page lists under "what's not in the editor": their table on the Pitfalls page is derived from the
    actions below, never written out again.
    """

    group: str  # "Checkout Sessions": the catalog group and the Actions page's section
    object_name: str  # "checkout.session": what its calls return
    permission_stem: str  # restricted-key stem: "plan" for prices, "checkout_session", …
    docs: str  # Stripe's API reference section: "checkout/sessions"
    in_editor: bool
    in_weweb_reference: bool
    editor_limitation: bool = False

    @property
    def key(self) -> str:
        """ "checkout_sessions": how the pitfalls and the permission matrix name the resource."""
        return self.group.lower().replace(" ", "_")

    def action(
        self,
        id: str,
        name: str,
        description: str,
        endpoint: str,
        sdk_call: str,
        inputs: tuple[Input, ...],
        *,
        doc: str,
        object_kind: str | None = None,
        in_editor: bool | None = None,
        weweb: bool | None = None,
        fixed: Mapping[str, object] | None = None,
        one_of: tuple[tuple[str, ...], ...] = (),
        notes: str = "",
    ) -> Action:
        """One action of this resource. ``endpoint`` is ``"METHOD /v1/path"``; ``doc`` the reference page
        within :attr:`docs` (``"list"``); the rest defaults to the resource's rule."""
        method, path = endpoint.split(" ", 1)
        editor = self.in_editor if in_editor is None else in_editor
        return Action(
            id=id,
            name=name,
            group=self.group,
            description=description,
            method=method,
            path=path,
            sdk_call=sdk_call,
            inputs=inputs,
            permission_stem=self.permission_stem,
            object_kind=object_kind or self.object_name,
            availability=Availability.IN_EDITOR if editor else Availability.BACKEND_ONLY,
            stripe_doc=f"{STRIPE_API_DOC}/{self.docs}/{doc}",
            in_weweb_reference=self.in_weweb_reference if weweb is None else weweb,
            fixed_params=MappingProxyType(dict(fixed or {})),
            one_of=one_of,
            notes=notes,
            resource=self,
        )


@dataclass(frozen=True)
class Action:
    """One Stripe operation as WeWeb names it, with everything needed to run and explain it."""

    id: str
    name: str
    group: str
    description: str
    method: str  # GET / POST / DELETE
    path: str  # e.g. "/v1/prices/{id}"
    sdk_call: str  # attribute path on a StripeClient, e.g. "v1.prices.create"
    inputs: tuple[Input, ...]
    permission_stem: str  # restricted-key stem: "plan" for prices, "product", "payment_intent", …
    object_kind: str  # the Stripe object the call returns, e.g. "price" (a list of them for lists)
    availability: Availability
    stripe_doc: str
    in_weweb_reference: bool = True  # one of the 38 actions of WeWeb's Actions reference
    fixed_params: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))
    one_of: tuple[tuple[str, ...], ...] = ()  # groups of inputs of which exactly one must be given
    notes: str = ""
    resource: Resource | None = field(default=None, compare=False, repr=False)

    @property
    def operation(self) -> str:
        """The SDK verb: "create", "list", "expire" (what WeWeb's editor availability is stated in)."""
        return self.sdk_call.rsplit(".", 1)[-1]

    @property
    def is_write(self) -> bool:
        return self.method != "GET"

    @property
    def is_list(self) -> bool:
        return self.sdk_call.endswith(".list")

    @property
    def permission(self) -> str:
        """The ``rak_…`` slug a restricted key needs: GET reads, anything else writes."""
        return f"rak_{self.permission_stem}_{'write' if self.is_write else 'read'}"

    @property
    def weweb_doc(self) -> str:
        return WEWEB_ACTIONS_DOC if self.availability is Availability.IN_EDITOR else WEWEB_SETUP_DOC

    @property
    def availability_note(self) -> str:
        if self.availability is Availability.IN_EDITOR:
            return "In WeWeb's action picker (Data & API → APIs or a backend workflow)."
        return BACKEND_ONLY_EXPLANATION

    @property
    def path_inputs(self) -> tuple[Input, ...]:
        return tuple(i for i in self.inputs if i.in_path)

    @property
    def body_inputs(self) -> tuple[Input, ...]:
        return tuple(i for i in self.inputs if not i.in_path)

    def input(self, name: str) -> Input:
        for candidate in self.inputs:
            if candidate.name == name:
                return candidate
        known = ", ".join(i.name for i in self.inputs) or "none"
        raise KeyError(f"{self.name} has no input {name!r} (its inputs: {known})")

    def amount_inputs(self) -> tuple[Input, ...]:
        return tuple(i for i in self.inputs if i.is_amount)


def _load() -> tuple[Action, ...]:
    from core._actions_data import ACTIONS

    return ACTIONS


ACTIONS: Final[tuple[Action, ...]] = _load()
_BY_ID: Final[Mapping[str, Action]] = MappingProxyType({a.id: a for a in ACTIONS})
GROUPS: Final[tuple[str, ...]] = tuple(dict.fromkeys(a.group for a in ACTIONS))
RESOURCES: Final[tuple[Resource, ...]] = tuple(dict.fromkeys(a.resource for a in ACTIONS if a.resource))


def editor_operations(resource: Resource) -> frozenset[str]:
    """The operations of ``resource`` that WeWeb's editor offers ("create", "list", …), from its actions."""
    return frozenset(
        a.operation for a in ACTIONS if a.resource is resource and a.availability is Availability.IN_EDITOR
    )


def get(action_id: str) -> Action:
    """The action with this id; a clear message naming close matches when it does not exist."""
    try:
        return _BY_ID[action_id]
    except KeyError:
        close = [a.id for a in search(action_id.replace("_", " "))][:5]
        hint = f" Did you mean: {', '.join(close)}?" if close else ""
        raise KeyError(f"No action with id {action_id!r}.{hint}") from None


def by_group(group: str) -> tuple[Action, ...]:
    """Actions of one group, in catalog order (list, retrieve, create, update, delete, then the rest)."""
    found = tuple(a for a in ACTIONS if a.group.lower() == group.lower())
    if not found:
        raise KeyError(f"No action group {group!r}. Groups: {', '.join(GROUPS)}")
    return found


def grouped() -> dict[str, tuple[Action, ...]]:
    return {g: by_group(g) for g in GROUPS}


def search(text: str) -> tuple[Action, ...]:
    """Actions whose name, id, group, description, endpoint or SDK call contain every word of ``text``."""
    words = [w for w in text.lower().split() if w]
    if not words:
        return ACTIONS

    def haystack(a: Action) -> str:
        return " ".join((a.id, a.name, a.group, a.description, a.method, a.path, a.sdk_call)).lower()

    return tuple(a for a in ACTIONS if all(w in haystack(a) for w in words))


def weweb_reference_actions() -> tuple[Action, ...]:
    """The 38 actions WeWeb's Actions reference lists."""
    return tuple(a for a in ACTIONS if a.in_weweb_reference)
