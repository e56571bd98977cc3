"""Showing a ``RunResult``: headline, findings with fixes, the table (amounts as money), raw JSON on demand,
the request record and the Python / curl snippets, plus CSV download of the table.

Secrets never reach the page: the table and ``safe_objects()`` mask ``client_secret``/``secret`` fields, the
request record carries no key and snippets read it from ``STRIPE_SECRET_KEY``.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from core.findings import Finding
from core.results import DISPLAY_SUFFIX, RunResult
from core.runner import ENVIRONMENT_NOTICES
from ui import findings as findings_ui


def column_config(table: pd.DataFrame) -> dict[str, Any]:
    """NumberColumn for minor units, DatetimeColumn for timestamps, LinkColumn for URLs."""
    config: dict[str, Any] = {}
    for name in table.columns:
        leaf = str(name).rsplit(".", 1)[-1]
        if str(name).endswith(DISPLAY_SUFFIX):
            config[name] = st.column_config.TextColumn(name, help="The amount as money (core.money).")
        elif f"{name}{DISPLAY_SUFFIX}" in table.columns:
            config[name] = st.column_config.NumberColumn(
                name, format="%d", help="Minor units: what Stripe stores and sends."
            )
        elif pd.api.types.is_datetime64_any_dtype(table[name]):
            config[name] = st.column_config.DatetimeColumn(name, format="YYYY-MM-DD HH:mm:ss")
        elif leaf == "url" or leaf.endswith("_url"):
            config[name] = st.column_config.LinkColumn(name)
    return config


def shown(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame as it is displayed: missing text (null fields, empty ``images`` or ``metadata``) is an empty
    cell, not a grey "None" that reads like a value. Numbers and datetimes keep their own missing value, so
    their column types (and formats) stay."""
    text = [
        c for c in frame.columns if frame[c].dtype == object or isinstance(frame[c].dtype, pd.StringDtype)
    ]
    if not text or not frame[text].isna().any().any():
        return frame
    out = frame.copy()
    for c in text:
        out[c] = frame[c].astype(object).where(frame[c].notna(), "")
    return out


def table(frame: pd.DataFrame, *, key: str, file_name: str = "stripe.csv") -> None:
    """A table and a CSV download of it."""
    st.dataframe(shown(frame), hide_index=True, column_config=column_config(frame), key=f"{key}_table")
    st.download_button(
        "Download CSV",
        frame.to_csv(index=False).encode(),
        file_name=file_name,
        mime="text/csv",
        key=f"{key}_csv",
        icon=":material/download:",
        on_click="ignore",
    )


def headline(result: RunResult) -> None:
    text = findings_ui.escape_markdown(result.headline())
    if result.ok:
        st.success(text, icon=":material/check_circle:")
    elif result.blocked:
        st.error(text, icon=":material/block:")
    else:
        st.error(text, icon=":material/error:")
    if result.error is not None:
        parts = [
            f"{label}: `{value}`"
            for label, value in (
                ("type", result.error.type),
                ("code", result.error.code),
                ("decline_code", result.error.decline_code),
                ("param", result.error.param),
                ("request id", result.error.request_id),
            )
            if value
        ]
        if parts:
            st.caption(" · ".join(parts))


def own_findings(result: RunResult) -> list[Finding]:
    """The result's findings without the environment notices that the page shows once at the top
    (``target_picker.picker``): the same "test key in Production" under every flow step was noise."""
    return [f for f in [*result.warnings, *result.guidance] if f.code not in ENVIRONMENT_NOTICES]


def render(result: RunResult, *, key: str, summary: bool = True) -> None:
    """Everything a run produced, in the order a person reads it (``summary=False``: without the headline
    and findings, for places that already show them)."""
    if summary:
        headline(result)
        findings_ui.render(own_findings(result))
    if not result.table.empty:
        table(result.table, key=key, file_name=f"{result.action_id}.csv")
    if result.has_more:
        st.caption(f"More objects exist: page on with Starting after = `{result.next_cursor}`.")
    if result.objects:
        with st.expander("Raw JSON"):
            st.json(result.safe_objects() if len(result.objects) != 1 else result.safe_objects()[0])
    if result.blocked:
        # Nothing went over the wire: a "request record" (no status, no request id) would read like a call
        # that happened. The snippets stay, labelled as what the call would have been.
        st.caption("**Not sent**: the checks above stopped this call before it reached Stripe.")
    elif result.request is not None:
        with st.expander("Request record"):
            st.json(result.request.as_dict())
    if result.snippets is not None:
        if result.blocked:
            st.caption("What would be sent, once the inputs are fixed:")
        python_tab, curl_tab = st.tabs(["Python", "curl"])
        python_tab.code(result.snippets.python, language="python")
        curl_tab.code(result.snippets.curl, language="bash")
