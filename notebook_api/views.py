"""How a notebook cell shows what ``core`` returns: as HTML in Jupyter and as plain text in a terminal.

Every textual form is built from already-masked parts (keys travel as :class:`core.secrets.Secret`, texts go
through :func:`core.secrets.redact`), so no cell output, repr or error message ever contains a full key.
"""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import pandas as pd

from core import money, webhooks
from core.connection_test import ConnectionReport
from core.findings import Finding, Severity, worst
from core.keys import KeyField, KeyReport
from core.results import DISPLAY_SUFFIX, RunResult, to_table
from core.secrets import redact

__all__ = ["Result", "View", "brief", "show", "view"]

_COLORS: Final = {Severity.ERROR: "#b00020", Severity.WARNING: "#8a6d00", Severity.INFO: "#1f5f8b"}
_MARKS: Final = {Severity.ERROR: "✗", Severity.WARNING: "!", Severity.INFO: "i"}


@dataclass(frozen=True)
class View:
    """Anything worth showing in a cell: a headline, findings with their fixes, an optional table.

    ``value`` keeps what was shown (a KeyReport, a Verdict, a PaymentIntent dict…) for the next cell to use;
    it is left out of every textual form, which is built only from already-masked parts.
    """

    title: str
    ok: bool | None = None  # None: neither success nor failure (a table of facts)
    findings: tuple[Finding, ...] = ()
    table: pd.DataFrame | None = None
    notes: tuple[str, ...] = ()
    value: Any = field(default=None, repr=False, compare=False)

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.is_error)

    def _status(self) -> str:
        if self.ok is None:
            return ""
        return "OK: " if self.ok else "FAILED: "

    def __str__(self) -> str:
        lines = [redact(self._status() + self.title)]
        lines += [f"  {redact(n)}" for n in self.notes]
        if self.table is not None and not self.table.empty:
            with pd.option_context("display.max_columns", 12, "display.width", 120):
                text = self.table.to_string(max_rows=30, max_colwidth=60, index=False)
            lines += ["  " + line for line in redact(text).splitlines()]
        for f in self.findings:
            lines.append(f"  [{f.severity.value}] {redact(f.message)}")
            if f.fix:
                lines.append(f"      fix: {redact(f.fix)}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        color = "" if self.ok is None else ("#1b7f3b" if self.ok else "#b00020")
        style = f' style="color:{color}"' if color else ""
        parts = [f"<p><b{style}>{html.escape(redact(self._status() + self.title))}</b></p>"]
        parts += [f"<p>{html.escape(redact(n))}</p>" for n in self.notes]
        if self.table is not None and not self.table.empty:
            parts.append(redact(self.table.to_html(max_rows=50, escape=True, index=False)))
        parts += [_finding_html(f) for f in self.findings]
        return "\n".join(parts)


@dataclass(repr=False, eq=False)
class Result(RunResult):
    """A :class:`RunResult` whose ``repr`` is its readable text.

    The dataclass ``repr`` of a RunResult dumps every field, raw objects included (a PaymentIntent's
    ``client_secret`` unmasked); a terminal and Jupyter's text/plain should show the headline, the table
    (secrets masked) and the guidance instead.
    """

    def __repr__(self) -> str:
        return str(self)

    @classmethod
    def of(cls, result: RunResult) -> Result:
        if isinstance(result, Result):
            return result
        return cls(**{f.name: getattr(result, f.name) for f in dataclasses.fields(result)})


def _finding_html(f: Finding) -> str:
    doc = f' <a href="{html.escape(f.doc_url)}" target="_blank">docs</a>' if f.doc_url else ""
    fix = f"<br/><i>Fix: {html.escape(redact(f.fix))}</i>" if f.fix else ""
    return (
        f'<p style="color:{_COLORS[f.severity]}">{_MARKS[f.severity]} [{f.severity.value}] '
        f"{html.escape(redact(f.message))}{fix}{doc}</p>"
    )


def findings_view(title: str, findings: Sequence[Finding], *, value: Any = None) -> View:
    ordered = sorted(findings, key=lambda f: -f.severity.rank)
    return View(title, ok=worst(findings) is not Severity.ERROR, findings=tuple(ordered), value=value)


def key_view(report: KeyReport, field_: KeyField | None) -> View:
    where = f" in the {field_.label} field" if field_ is not None else ""
    title = f"{report.masked or '(empty)'}: a {report.description}{where}"
    notes = []
    if report.mode is not None:
        notes.append(
            "Test mode: safe to experiment, no real money moves."
            if report.mode.value == "test"
            else "Live mode: real customers, real money. Keep it out of the Editor and Staging."
        )
    return View(title, ok=report.ok, findings=report.findings, notes=tuple(notes), value=report)


def connection_view(report: ConnectionReport) -> View:
    account = report.account.id or "unknown account"
    notes = [
        f"{report.environment}, {report.mode} mode, {report.target}, {account}"
        + (f", {report.latency_ms:.0f} ms" if report.latency_ms is not None else "")
    ]
    table = report.products if not report.products.empty else None
    findings = (*report.findings, *report.result.warnings, *report.result.guidance)
    return View(
        report.message, ok=report.ok, findings=findings, table=table, notes=tuple(notes), value=report
    )


def verdict_view(verdict: webhooks.Verdict) -> View:
    notes = [verdict.explanation]
    if verdict.stripe_message and not verdict.ok:
        notes.insert(0, f"Stripe's SDK says: {verdict.stripe_message}")
    notes += list(verdict.hints)
    findings: tuple[Finding, ...] = ()
    if not verdict.ok:
        findings = (
            Finding(
                f"webhook.{verdict.code}", Severity.ERROR, verdict.explanation, verdict.fix, verdict.doc_url
            ),
        )
        notes.remove(verdict.explanation)
    return View(verdict.title, ok=verdict.ok, findings=findings, notes=tuple(notes), value=verdict)


def _preview_row(p: money.AmountPreview) -> dict[str, Any]:
    errors = [f for f in p.findings if f.is_error]
    others = [f for f in p.findings if not f.is_error]
    cur = money.CURRENCIES.get(p.currency)
    return {
        "you typed": p.text,
        "currency": p.currency,
        "decimals": cur.decimals if cur is not None else None,
        "sent to Stripe as": p.minor,
        "means": p.display,
        "verdict": errors[0].message if errors else (others[0].message if others else "ok"),
    }


def view(obj: object) -> Any:
    """The renderable form of a core result (RunResults already render themselves and come back as is)."""
    if isinstance(obj, View):
        return obj
    if isinstance(obj, RunResult):
        return Result.of(obj)
    if isinstance(obj, KeyReport):
        return key_view(obj, None)
    if isinstance(obj, ConnectionReport):
        return connection_view(obj)
    if isinstance(obj, webhooks.Verdict):
        return verdict_view(obj)
    if isinstance(obj, money.AmountPreview):
        return previews_view([obj])
    if isinstance(obj, Finding):
        return findings_view(obj.message, [obj])
    if isinstance(obj, list | tuple) and all(isinstance(o, Finding) for o in obj):
        count = len(obj)
        return findings_view(f"{count} finding{'s' if count != 1 else ''}", list(obj))
    if isinstance(obj, Mapping) and isinstance(obj.get("object"), str):
        return View(f"{obj['object']} {obj.get('id', '')}".strip(), table=to_table([obj]), value=obj)
    raise TypeError(
        f"Nothing to show for a {type(obj).__name__}: pass a RunResult, a KeyReport, a Verdict, findings, "
        "an AmountPreview or a Stripe object (dict)."
    )


def show(*objects: object) -> None:
    """Display each object: rich HTML inside Jupyter, plain text anywhere else.

    A cell shows only its last expression; ``show`` is for the ones before it.
    """
    rendered = [view(o) for o in objects]
    display = _jupyter_display()
    for r in rendered:
        if display is not None:
            display(r)
        else:
            print(str(r))


def _jupyter_display() -> Any:
    """IPython's ``display`` inside a kernel; None in plain Python (IPython comes with Jupyter)."""
    try:
        from IPython.core.getipython import get_ipython
        from IPython.display import display
    except ImportError:
        return None
    if get_ipython() is None:  # type: ignore[no-untyped-call]  # IPython's own function has no annotations
        return None
    return display


def brief(result: RunResult, *columns: str) -> View:
    """A run with only the columns that tell the story (each amount keeps its money column next to it).

    ``brief(intent, "status", "amount")`` → id, status, amount, amount (display), plus the warnings and the
    guidance of the run. Columns the objects do not have are skipped, not an error.
    """
    wanted = ["id", *columns] if "id" not in columns else list(columns)
    chosen: list[str] = []
    for name in wanted:
        for candidate in (name, name + DISPLAY_SUFFIX):
            if candidate in result.table.columns and candidate not in chosen:
                chosen.append(candidate)
    table = result.table[chosen] if chosen and not result.table.empty else None
    notes: tuple[str, ...] = ()
    if result.error is not None:
        e = result.error
        code = ", ".join(x for x in (e.type, e.code, e.decline_code) if x)
        notes = (f"Stripe answered {e.http_status}" + (f" ({code})" if code else "") + f": {e.message}",)
    return View(
        result.headline(),
        ok=result.ok,
        findings=(*result.warnings, *result.guidance),
        table=table,
        notes=notes,
        value=result,
    )


def previews_view(previews: Sequence[money.AmountPreview]) -> View:
    table = pd.DataFrame([_preview_row(p) for p in previews])
    table["decimals"] = table["decimals"].astype("Int64")
    table["sent to Stripe as"] = table["sent to Stripe as"].astype("Int64")
    text = ", ".join(sorted({p.text for p in previews}))
    title = f"{text} in the smallest currency unit means:"
    return View(title, ok=all(p.ok for p in previews), table=table, value=list(previews))
