"""Rendering core ``Finding``s: errors as ``st.error``, warnings as ``st.warning``, hints as ``st.info``.

Every finding is shown with its fix, because a problem without a way out is only half an answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import streamlit as st

from core.findings import Finding, Severity

ICONS = {
    Severity.ERROR: ":material/error:",
    Severity.WARNING: ":material/warning:",
    Severity.INFO: ":material/info:",
}


# Kept as they are: code spans (Markdown shows them literally) and URLs (an escaped "#" or "_" breaks the
# link and shows a stray backslash, as in Stripe's "…payment-methods-setting#payment-method-priority").
_CODE_SPAN = re.compile(r"(`[^`\n]+`|https?://[^\s<>()\[\]]+)")
_SPECIAL = ("\\", "$", "*", "_", "`", "[", "]", "<", ">", "#", "~", "|")


def escape_markdown(text: str) -> str:
    """Text from core shown literally: ``$10.00 … $0.10`` must not turn into LaTeX, ``*`` not into italics.

    Code spans (an identifier between backticks, as core writes permission names) stay code spans: Markdown
    already shows their content literally, and escaping inside them would show the backslashes.
    """
    parts = _CODE_SPAN.split(text)
    for i in range(0, len(parts), 2):  # even parts are outside code spans
        for char in _SPECIAL:
            parts[i] = parts[i].replace(char, "\\" + char)
    return "".join(parts)


def finding_markdown(finding: Finding) -> str:
    """The message in bold, the fix below it, and a link to read more when there is one."""
    body = f"**{escape_markdown(finding.message)}**  \n{escape_markdown(finding.fix)}"
    if finding.doc_url:
        body += f"  \n[Read more]({finding.doc_url})"
    return body


def render(findings: Iterable[Finding]) -> None:
    """Show ``findings`` worst first; nothing at all when there are none (the caller shows the good news)."""
    for finding in sorted(findings, key=lambda f: -f.severity.rank):
        show = {Severity.ERROR: st.error, Severity.WARNING: st.warning, Severity.INFO: st.info}
        show[finding.severity](finding_markdown(finding), icon=ICONS[finding.severity])
