"""Made-up secrets to plant, and the searches that prove none of them came out anywhere.

A plain module (pytest collects nothing here), shared by the AppTest and the browser tests.
"""

from __future__ import annotations

import logging
import string
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

_ALNUM = string.ascii_letters + string.digits


def _body(seed: int, length: int) -> str:
    """A deterministic, made-up, key-shaped body (no test uses a real key)."""
    return "".join(_ALNUM[(seed * 7 + i * 13 + i // 5) % len(_ALNUM)] for i in range(length))


LIVE_SK = "sk_live_" + _body(1, 99)
LIVE_RK = "rk_live_" + _body(2, 99)
LIVE_PK = "pk_live_" + _body(3, 99)
FAKE_TEST_SK = "sk_test_" + _body(4, 99)  # well-formed, unknown to the sandbox: a 401 with Stripe's mask
WHSEC = "whsec_" + _body(5, 32)
PLANTED = [LIVE_SK, LIVE_RK, FAKE_TEST_SK, WHSEC]


def leaks(text: str, secrets: Iterable[str]) -> list[str]:
    """The secrets that occur in full in ``text`` (shown masked, so a failing test does not leak them)."""
    return [f"{s[:8]}…{s[-4:]}" for s in secrets if s and s in text]


def tree_strings(at: Any) -> str:
    """Everything the AppTest element tree holds: every element's protobuf (labels, bodies, values, table
    bytes, help texts) plus the ``value`` widgets report, main area and sidebar, exceptions included."""
    parts: list[str] = []

    def walk(node: Any) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(str(proto))
        for attribute in ("value", "label", "body", "help", "placeholder", "message", "stack_trace"):
            try:
                parts.append(str(getattr(node, attribute)))
            except Exception:  # noqa: S112 - not every element has every attribute
                continue
        children = getattr(node, "children", None)
        if isinstance(children, dict):
            for child in children.values():
                walk(child)

    walk(at._tree)
    return "\n".join(parts)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.lines.append(self.format(record))
        except Exception:  # a record that cannot be formatted is not a leak
            self.lines.append(str(record.msg))


@contextmanager
def captured_logs() -> Iterator[list[str]]:
    """Every log record of this process (Streamlit, the sandbox, uvicorn, urllib3…) at DEBUG, formatted."""
    handler = _Collect()
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield handler.lines
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def files_written_since(roots: Iterable[Path], since: float, skip: Iterable[Path] = ()) -> list[Path]:
    """Regular files under ``roots`` modified at or after ``since`` (``.git`` and ``skip`` left out)."""
    skipped = {p.resolve() for p in skip}
    found = []
    for root in roots:
        if not root.exists():
            continue
        for path in root.rglob("*"):
            if ".git" in path.parts or "node_modules" in path.parts or not path.is_file():
                continue
            try:
                if path.stat().st_mtime >= since and path.resolve() not in skipped:
                    found.append(path)
            except OSError:
                continue
    return found


def file_leaks(paths: Iterable[Path], secrets: Iterable[str]) -> dict[str, list[str]]:
    wanted = [s.encode() for s in secrets if s]
    found: dict[str, list[str]] = {}
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError:
            continue
        hits = [f"{s[:8].decode()}…{s[-4:].decode()}" for s in wanted if s in data]
        if hits:
            found[str(path)] = hits
    return found
