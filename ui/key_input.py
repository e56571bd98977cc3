"""A key field that judges what is pasted the moment it is pasted, and then lets go of it.

A password input still holds its value in the page (React mirrors it into the ``value`` attribute), so a
pasted secret would sit in the browser's DOM for as long as the page is open. Here the field commits after a
short typing pause (``live``), a callback moves the value into the session as a :class:`Secret` and empties
the field, and from then on the page shows only the masked key and the verdict on it.
"""

from __future__ import annotations

import streamlit as st

from core.keys import KeyField, KeyKind, KeyReport, Mode, inspect_key
from core.secrets import Secret
from ui import findings as findings_ui


def short(masked: str) -> str:
    """A long masked key in a line: the same 8 + 4 characters Stripe reveals, the stars shortened."""
    return f"{masked[:8]}…{masked[-4:]}" if len(masked) > 16 else masked


def stored(store_key: str) -> Secret | None:
    """The value kept for this field in the session, or None."""
    value = st.session_state.get(store_key)
    return value if isinstance(value, Secret) and value else None


def store(store_key: str, value: str | Secret | None) -> None:
    """Keep ``value`` for the field (empty clears it); used by the paste callback and "Use sandbox keys"."""
    if value:
        st.session_state[store_key] = value if isinstance(value, Secret) else Secret(value)
    else:
        st.session_state.pop(store_key, None)


def _take(widget_key: str, store_key: str) -> None:
    """on_change: keep what was pasted, then empty the widget so the raw key leaves the page."""
    pasted = st.session_state.get(widget_key) or ""
    if pasted:
        store(store_key, pasted)
    st.session_state[widget_key] = ""


def _clear(store_key: str) -> None:
    store(store_key, None)


def mode_badge(mode: Mode | None) -> None:
    """TEST in green, LIVE in red: the one thing that must never be mixed up."""
    if mode is Mode.LIVE:
        st.badge("LIVE", icon=":material/bolt:", color="red")
    elif mode is Mode.TEST:
        st.badge("TEST", icon=":material/science:", color="green")


def verdict(report: KeyReport) -> None:
    """Kind, mode and masked value, then every finding with its fix (or a short all-clear)."""
    cols = st.columns([3, 1], vertical_alignment="center")
    cols[0].markdown(
        f"**{report.description.capitalize()}** `{short(report.masked)}` ({len(report.masked)} characters)"
    )
    with cols[1]:
        mode_badge(report.mode)
    findings_ui.render(report.findings)
    if not report.findings:
        st.success("Looks right.", icon=":material/check_circle:")


def key_field(
    label: str,
    *,
    widget_key: str,
    store_key: str,
    field: KeyField,
    placeholder: str,
) -> KeyReport | None:
    """A password input for one key plus the verdict on the stored value; returns that verdict, if any."""
    current = stored(store_key)
    hint = f"Stored: {short(current.masked)}. Paste another key to replace it." if current else placeholder
    st.text_input(
        label,
        type="password",
        key=widget_key,
        live=True,
        on_change=_take,
        args=(widget_key, store_key),
        placeholder=hint,
        autocomplete="off",
    )
    if current is None:
        return None
    report = inspect_key(current, field)
    verdict(report)
    st.button(
        "Clear",
        key=f"{widget_key}_clear",
        icon=":material/backspace:",
        on_click=_clear,
        args=(store_key,),
        type="tertiary",
    )
    return report


def is_usable(report: KeyReport | None, *kinds: KeyKind) -> bool:
    """A report without errors whose kind is one of ``kinds``."""
    return report is not None and report.ok and report.kind in kinds
