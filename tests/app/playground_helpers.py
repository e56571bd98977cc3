"""Helpers for the playground's AppTests: open a page, read what the person reads, find the highlighted state.

AppTest runs the real app in this process, so the real sandbox server starts here too (``ui.sandbox``) and
every call in these tests is a real HTTP request through the official SDK.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from streamlit.testing.v1 import AppTest

from ui.navigation import ROOT
from ui.state_diagrams import CURRENT_FILL

APP = str(ROOT / "app.py")


def open_page(path: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    return at.switch_page(path).run()


def plain(markdown: str) -> str:
    """Markdown escapes removed: core's texts are escaped before rendering."""
    return re.sub(r"\\(.)", r"\1", markdown)


def texts(at: AppTest) -> str:
    """Every text element of the page, unescaped, one per line."""
    parts: list[str] = []
    for kind in ("markdown", "caption", "success", "error", "warning", "info", "code"):
        parts += [str(e.value) for e in at.get(kind)]
    return plain("\n".join(parts))


def errors(at: AppTest) -> list[str]:
    return [plain(e.value) for e in at.error]


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def current_states(at: AppTest) -> list[str]:
    """The highlighted node of every state diagram on the page."""
    found = []
    for chart in at.get("graphviz_chart"):
        spec = chart.proto.spec
        match = re.search(r'"([a-z_]+)" \[fillcolor="' + re.escape(CURRENT_FILL), spec)
        found.append(match.group(1) if match else "")
    return found


def rerun_until(at: AppTest, condition: Callable[[AppTest], bool], timeout: float = 15.0) -> AppTest:
    """Rerun (what ``run_every`` does in the browser) until ``condition`` holds; fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while not condition(at):
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.3)
        at.run()
    return at


def pick_action(at: AppTest, action_id: str, *, optional: bool = False) -> AppTest:
    """Choose an action in the Actions page's picker; ``optional=True`` also shows its optional inputs."""
    at.selectbox(key="actions_pick").set_value(action_id).run()
    no_exception(at)
    if optional:
        show_optional(at, action_id)
    return at


def show_optional(at: AppTest, action_id: str) -> AppTest:
    """Turn on the form's "Optional inputs" toggle (absent when the action has none)."""
    key = f"actions_{action_id}_optional"
    if any(t.key == key for t in at.toggle) and not at.toggle(key=key).value:
        at.toggle(key=key).set_value(True).run()
        no_exception(at)
    return at
