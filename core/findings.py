"""The one shape every check in core returns, so the UI can render keys, money and environment problems alike.

A check never raises for bad *user input*: it returns findings. Each finding says what is wrong with the
specifics (``message``) and what to do about it (``fix``), optionally which input it is about (``field``),
where to read more (``doc_url``) and which catalog entry explains the background (``pitfall``, an id in
``core.pitfalls.CATALOG``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

__all__ = ["Finding", "Severity", "has_errors", "worst"]


class Severity(StrEnum):
    """How much a finding matters: ERROR blocks (the call would fail or is unsafe), WARNING probably wrong."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        """Orders severities (INFO < WARNING < ERROR) so lists can be sorted worst first."""
        return _RANK[self]


_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


@dataclass(frozen=True)
class Finding:
    """One problem (or hint) about one input; never contains a full secret."""

    code: str
    severity: Severity
    message: str
    fix: str
    doc_url: str | None = None
    field: str | None = None
    pitfall: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


def has_errors(findings: Iterable[Finding]) -> bool:
    """True when any finding is an ERROR: the thing checked must not be used as is."""
    return any(f.severity is Severity.ERROR for f in findings)


def worst(findings: Iterable[Finding]) -> Severity | None:
    """The highest severity among ``findings``, or None when there are none (for a status badge)."""
    best: Severity | None = None
    for f in findings:
        if best is None or f.severity.rank > best.rank:
            best = f.severity
    return best
