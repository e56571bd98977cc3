"""A key field that judges what is pasted the moment it is pasted, and then lets go of it.

A password input still holds its value in the page (React mirrors it into the ``value`` attribute), so a
pasted secret would sit in the browser's DOM for as long as the page is open. Here the field commits after a
short typing pause (``live``), a callback hands the value to the caller's store as a :class:`Secret` and
empties the field, and from then on the page shows only the masked key and the verdict on it.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from core.client import Server
from core.findings import Finding
from core.keys import KeyField, KeyKind, KeyReport, Mode, inspect_key
from core.secrets import Secret
from ui import findings as findings_ui

Getter = Callable[[], Secret | None]
Setter = Callable[[Secret | None], None]


def short(masked: str) -> str:
    """A long masked key in a line: the same 8 + 4 characters Stripe reveals, the stars shortened."""
    return f"{masked[:8]}…{masked[-4:]}" if len(masked) > 16 else masked


def session_store(store_key: str) -> tuple[Getter, Setter]:
    """Get/set a key kept under ``store_key`` in the session (the Keys page's two fields)."""

    def get() -> Secret | None:
        value = st.session_state.get(store_key)
        return value if isinstance(value, Secret) and value else None

    def put(value: Secret | None) -> None:
        if value:
            st.session_state[store_key] = value
        else:
            st.session_state.pop(store_key, None)

    return get, put


def as_secret(value: str | Secret | None) -> Secret | None:
    if not value:
        return None
    return value if isinstance(value, Secret) else Secret(value)


# From this length on a value is key-sized (Stripe masks such values as 8 + stars + 4): it leaves the page.
# Anything shorter is still being typed and stays editable; it is no usable key either.
_KEY_SIZED = 24


def _take(widget_key: str, put: Setter) -> None:
    """on_change: keep what was pasted and judge it; once it is key-sized, empty the widget so the raw key
    leaves the page (the masked form and the verdict stay)."""
    pasted = st.session_state.get(widget_key) or ""
    if not pasted.strip():
        return  # an emptied field keeps the stored key; "Clear" removes it
    put(Secret(pasted))
    if len(pasted.strip()) >= _KEY_SIZED:
        st.session_state[widget_key] = ""


def mode_badge(mode: Mode | str | None) -> str:
    """TEST in green, LIVE in red (markdown): the one thing that must never be mixed up."""
    if mode in (Mode.LIVE, "live"):
        return ":red-badge[:material/bolt: LIVE]"
    if mode in (Mode.TEST, "test"):
        return ":green-badge[:material/science: TEST]"
    return ":gray-badge[no key]"


def server_badge(server: Server) -> str:
    """Where calls go (markdown): the local sandbox or Stripe itself (``core.client.Server``'s one rule)."""
    return ":blue-badge[Stripe]" if server is Server.STRIPE else ":violet-badge[Sandbox]"


def verdict(report: KeyReport, extra: list[Finding] | None = None) -> None:
    """Kind, mode and masked value, then every finding with its fix (or a short all-clear)."""
    st.markdown(
        f"**{report.description.capitalize()}** `{short(report.masked)}` ({len(report.masked)} characters) "
        + (mode_badge(report.mode) if report.mode else "")
    )
    shown = [*report.findings, *(extra or [])]
    findings_ui.render(shown)
    if not shown:
        st.success("Looks right.", icon=":material/check_circle:")


def key_field(
    label: str,
    *,
    widget_key: str,
    field: KeyField,
    placeholder: str,
    get: Getter,
    put: Setter,
    show_verdict: bool = True,
) -> KeyReport | None:
    """A password input for one key plus the verdict on the stored value; returns that verdict, if any."""
    current = get()
    hint = f"Stored: {short(current.masked)}. Paste another key to replace it." if current else placeholder
    st.text_input(
        label,
        type="password",
        key=widget_key,
        live=True,
        on_change=_take,
        args=(widget_key, put),
        placeholder=hint,
        autocomplete="off",
    )
    if current is None:
        return None
    report = inspect_key(current, field)
    if show_verdict:
        verdict(report)
    st.button(
        "Clear",
        key=f"{widget_key}_clear",
        icon=":material/backspace:",
        on_click=put,
        args=(None,),
        type="tertiary",
    )
    return report


def is_usable(report: KeyReport | None, *kinds: KeyKind) -> bool:
    """A report without errors whose kind is one of ``kinds``."""
    return report is not None and report.ok and report.kind in kinds
