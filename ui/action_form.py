"""A form generated from a catalog action: one widget per input, amounts previewed as money while typing.

Not an ``st.form``: widgets inside a form do not rerun until submit, and the point of an amount field here is
that "1000 usd → $10.00" (or "must end in 0") appears as the person types. Every value goes to
``core.runner`` as the person entered it; the runner coerces and explains, the form only collects.

Idempotency: one submission key per submission. It is kept in the session together with a fingerprint of
the inputs: a rerun, a double click or a second click after the first answer sends the same key (Stripe
replays the first answer, one object is created). Only a changed input or the explicit "Start a new
submission" button starts a new one — rotating the key after a success would let the second click of a
double click, arriving just after the first answer, create a second object.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass

import streamlit as st

from core import ids, money, runner
from core.catalog import Action, Availability, Input, InputKind
from core.client import cache_key
from core.results import RunResult
from core.runner import Target
from core.session import StripeSession
from ui import findings as findings_ui
from ui import request_log, sessions

NOT_SET = ""
COMMON_CURRENCIES = (
    "usd",
    "eur",
    "gbp",
    "jpy",
    "cad",
    "aud",
    "chf",
    "krw",
    "kwd",
    "bhd",
    "inr",
    "brl",
    "mxn",
)
TEST_PAYMENT_METHODS = (
    "pm_card_visa",
    "pm_card_mastercard",
    "pm_card_visa_chargeDeclined",
    "pm_card_visa_chargeDeclinedInsufficientFunds",
    "pm_card_authenticationRequired",
    "pm_card_threeDSecure2Required",
)
CURSORS = frozenset({"starting_after", "ending_before"})
JSON_EXAMPLES = {
    "items": '[{"price": "price_…", "quantity": 1}]',
    "line_items": '[{"price": "price_…", "quantity": 1}]',
    "subscription_data": '{"trial_period_days": 14}',
}


def widget_key(action: Action, name: str, prefix: str = "actions") -> str:
    return f"{prefix}_{action.id}_{name.replace('.', '__')}"


def _label_of(obj: Mapping[str, object]) -> str:
    for field in ("name", "nickname", "email", "description", "status"):
        value = obj.get(field)
        if isinstance(value, str) and value:
            return value
    return ""


@st.cache_data(ttl=30, show_spinner=False)
def _choices(list_action: str, key_digest: str, _session: StripeSession) -> list[tuple[str, str]]:
    """(id, label) of up to 100 existing objects; keyed by a digest of key and base, never the key.

    A real call, logged as a picker lookup (a background call), only on a cache miss: a hit makes none.
    """
    del key_digest  # only part of the cache key
    result = _session.lookup(list_action)
    return [(str(o["id"]), _label_of(o)) for o in result.objects if "id" in o]


def _clear_choices() -> None:
    _choices.clear()


request_log.on_write(_clear_choices)


def existing_ids(prefix: str, target: Target) -> list[tuple[str, str]]:
    kind = ids.by_prefix(prefix)  # which list action fills the picker: core.ids, the one id table
    list_action = kind.list_action if kind is not None else None
    if list_action is None or not target.secret:
        return []
    return _choices(list_action, cache_key(target.secret, target.api_base), sessions.for_target(target))


def _id_widget(action: Action, inp: Input, target: Target, prefix: str) -> object:
    key = widget_key(action, inp.name, prefix)
    if inp.name in CURSORS or not inp.id_prefix:
        return st.text_input(inp.label, key=key, help=inp.help, placeholder=f"{inp.id_prefix[0]}…")
    prefix = inp.id_prefix[0]
    known = existing_ids(prefix, target)
    labels = {i: f"{i} · {label}" if label else i for i, label in known}
    options = [i for i, _ in known]
    if prefix == "pm_":
        options += [p for p in TEST_PAYMENT_METHODS if p not in labels]
        labels.update({p: f"{p} (test card)" for p in TEST_PAYMENT_METHODS})
    return st.selectbox(
        inp.label + (" *" if inp.required else ""),
        options,
        index=None,
        key=key,
        format_func=lambda v: labels.get(v, v),
        accept_new_options=True,
        placeholder=f"Pick one, or type an id ({prefix}…)",
        help=(inp.help + " " if inp.help else "") + "Filled from your account's existing objects.",
    )


def _choice_widget(action: Action, inp: Input, choices: tuple[str, ...], prefix: str) -> object:
    options = list(choices) if inp.required else [NOT_SET, *choices]
    return st.selectbox(
        inp.label + (" *" if inp.required else ""),
        options,
        key=widget_key(action, inp.name, prefix),
        format_func=lambda v: v or "(not set)",
        help=inp.help or None,
    )


def _currency_widget(action: Action, inp: Input, prefix: str) -> object:
    options = list(COMMON_CURRENCIES) if inp.required else [NOT_SET, *COMMON_CURRENCIES]
    return st.selectbox(
        inp.label + (" *" if inp.required else ""),
        options,
        key=widget_key(action, inp.name, prefix),
        format_func=lambda v: v or "(not set)",
        accept_new_options=True,
        help=inp.help or None,
    )


def amount_preview(text: str, currency: str, purpose: str) -> money.AmountPreview:
    """The preview under an amount field (a pure call into core.money)."""
    return money.preview(text, currency or "", purpose=purpose or "payment")


def _amount_widget(action: Action, inp: Input, values: Mapping[str, object], prefix: str) -> object:
    key = widget_key(action, inp.name, prefix)
    text = st.text_input(
        inp.label + (" *" if inp.required else ""),
        key=key,
        live=True,
        help=inp.help or None,
        placeholder="e.g. 1000",
    )
    currency = str(values.get(inp.currency_input) or "") if inp.currency_input else ""
    own = inp.currency_input is not None and any(i.name == inp.currency_input for i in action.inputs)
    if not currency and own and not any(i.in_path for i in action.inputs):
        # A create whose form already has this amount's currency (Create Product's default price): a second
        # "currency for the preview" box beside it read as two currencies to choose.
        label = action.input(str(inp.currency_input)).label
        st.caption(f"Choose “{label}” above to see this amount as money.")
        return text
    if not currency:  # no currency input, or an optional one on an update: Stripe uses the object's own
        currency = str(
            st.selectbox(
                "Currency for the preview",
                COMMON_CURRENCIES,
                key=f"{key}_preview_currency",
                accept_new_options=True,
                help="Stripe uses the payment's own currency; pick it here to see the amount as money.",
            )
            or ""
        )
    show_preview(amount_preview(text or "", currency, inp.amount_purpose), key=f"{key}_preview")
    return text


def _percent_widget(inp: Input, key: str, label: str) -> object:
    """A percentage, with what it does to $100.00 (a tax rate: exclusive and inclusive side by side)."""
    text = st.text_input(label, key=key, help=inp.help or None)
    preview = money.percent_preview(text or "", inp.percent_purpose)
    if preview.line:
        st.caption(findings_ui.escape_markdown(preview.line))
    findings_ui.render(preview.findings)
    return text


def show_preview(preview: money.AmountPreview, *, key: str) -> None:
    """The money line in bold, then every warning with its fix."""
    with st.container(key=key):
        if preview.display is not None and preview.minor is not None:
            st.markdown(f"**{findings_ui.escape_markdown(preview.line)}**")
        elif not preview.text:
            st.caption("Type an amount in the smallest currency unit to see it as money.")
        findings_ui.render(preview.findings)


def _widget(action: Action, inp: Input, target: Target, values: Mapping[str, object], prefix: str) -> object:
    key = widget_key(action, inp.name, prefix)
    label = inp.label + (" *" if inp.required else "")
    kind = inp.kind
    if kind is InputKind.AMOUNT:
        return _amount_widget(action, inp, values, prefix)
    if kind is InputKind.PERCENT:
        return _percent_widget(inp, key, label)
    if kind is InputKind.CURRENCY:
        return _currency_widget(action, inp, prefix)
    if kind is InputKind.ENUM:
        return _choice_widget(action, inp, inp.choices, prefix)
    if kind is InputKind.BOOL:
        return _choice_widget(action, inp, ("true", "false"), prefix)
    if kind is InputKind.ID:
        return _id_widget(action, inp, target, prefix)
    if kind in (InputKind.METADATA, InputKind.JSON):
        example = JSON_EXAMPLES.get(inp.name, '{"order_id": "1234"}')
        return st.text_area(label, key=key, help=inp.help or None, placeholder=example, height=80)
    if kind is InputKind.LIST:
        return st.text_input(label, key=key, help=inp.help or None, placeholder="comma-separated")
    return st.text_input(label, key=key, help=inp.help or None)


def optional_key(action: Action, prefix: str = "actions") -> str:
    return f"{prefix}_{action.id}_optional"


def _essential(action: Action, inp: Input) -> bool:
    """Always drawn: what the action cannot run without, every amount with its currency, and, where nothing
    is required (a refund names a payment intent or a charge), the objects the action is about."""
    if inp.required or inp.in_path or inp.is_amount:
        return True
    if inp.kind is InputKind.ID and inp.name not in CURSORS and not any(i.required for i in action.inputs):
        return True
    return any(a.currency_input == inp.name for a in action.amount_inputs())


def draw_inputs(
    action: Action,
    target: Target,
    *,
    prefix: str = "actions",
    skip: frozenset[str] = frozenset(),
    optional_toggle: bool = False,
) -> dict[str, object]:
    """One widget per input in catalog order, except that a currency comes right before the amount that
    uses it (the amount's preview needs it); returns name → raw value.

    ``prefix`` starts every widget key (the page's name); ``skip`` leaves inputs out (a page's own paging).
    ``optional_toggle``: the optional inputs are drawn only while a toggle is on. Every widget costs every
    rerun (each keystroke in an amount field), and most runs need none of them. Values typed into them are
    kept while they are hidden, and still sent (the form says which).
    """
    values: dict[str, object] = {}
    shown = [i for i in action.inputs if i.name not in skip]
    extra = [i for i in shown if optional_toggle and not _essential(action, i)]
    _draw(action, target, [i for i in shown if i not in extra], values, prefix)
    if extra:
        if st.toggle(
            f"Optional inputs ({len(extra)})",
            key=optional_key(action, prefix),
            help="Shows the inputs this action can run without. What you enter stays when you hide them.",
        ):
            _draw(action, target, extra, values, prefix)
        else:
            _keep_hidden(action, extra, values, prefix)
    return {i.name: values[i.name] for i in shown if values.get(i.name) not in (None, NOT_SET)}


def _draw(
    action: Action, target: Target, inputs: list[Input], values: dict[str, object], prefix: str
) -> None:
    names = {i.name for i in inputs}
    for inp in inputs:
        if inp.name in values:
            continue
        if inp.is_amount and inp.currency_input in names and inp.currency_input not in values:
            currency = action.input(inp.currency_input)
            values[currency.name] = _widget(action, currency, target, values, prefix)
        values[inp.name] = _widget(action, inp, target, values, prefix)


def _keep_hidden(action: Action, hidden: list[Input], values: dict[str, object], prefix: str) -> None:
    """Hidden optional inputs keep what was typed into them, and it is still sent: the form says what."""
    kept: list[str] = []
    for inp in hidden:
        key = widget_key(action, inp.name, prefix)
        if key in st.session_state:
            # Streamlit forgets the state of a widget that is not drawn; written back, it stays.
            st.session_state[key] = st.session_state[key]
            values[inp.name] = st.session_state[key]
            if values[inp.name] not in (None, NOT_SET):
                kept.append(inp.label)
    if kept:
        st.caption(f"Hidden and still sent: {', '.join(kept)}.")


def availability(action: Action) -> None:
    """Where WeWeb offers the action (backend-only ones say what that means), the restricted-key permission
    it needs, and the catalog's notes on it."""
    permission = f"A restricted key needs `{action.permission}` for this action."
    if action.availability is Availability.BACKEND_ONLY:
        st.warning(f"**Backend-only in WeWeb.** {action.availability_note}", icon=":material/dns:")
        st.caption(permission)
    else:
        st.caption(f"{action.availability_note}  \n{permission}")  # one element: each costs every rerun
    if action.notes:
        st.info(findings_ui.escape_markdown(action.notes), icon=":material/lightbulb:")


def _fingerprint(values: Mapping[str, object]) -> str:
    text = json.dumps(values, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class Submission:
    key: str
    fingerprint: str


def submission_key(action: Action, values: Mapping[str, object]) -> str:
    """The idempotency key of the current submission: the same while inputs stay the same."""
    state_key = f"actions_{action.id}_submission"
    fingerprint = _fingerprint(values)
    current = st.session_state.get(state_key)
    if not isinstance(current, Submission) or current.fingerprint != fingerprint:
        current = Submission(runner.new_submission_key(), fingerprint)
        st.session_state[state_key] = current
    return current.key


def new_submission(action: Action) -> None:
    """The person asked for another object with the same inputs: the next Run gets a fresh key."""
    st.session_state.pop(f"actions_{action.id}_submission", None)


def _use_cursor(action: Action, cursor: str) -> None:
    st.session_state[optional_key(action)] = True  # the cursor is an optional input: show it
    st.session_state[widget_key(action, "starting_after")] = cursor
    st.session_state.pop(widget_key(action, "ending_before"), None)


def next_page_button(action: Action, result: RunResult) -> None:
    """For a list with more objects: fill Starting after with the last id, so Run shows the next page."""
    if not (action.is_list and result.has_more and result.next_cursor):
        return
    if any(i.name == "starting_after" for i in action.inputs):
        st.button(
            f"Next page: Starting after = {result.next_cursor}",
            key=f"actions_{action.id}_next_page",
            on_click=_use_cursor,
            args=(action, result.next_cursor),
            icon=":material/arrow_forward:",
        )
