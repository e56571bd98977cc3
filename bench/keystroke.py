"""Keystroke to preview, in the browser: what the Actions page's rerun cost means to a person typing.

``python -m bench.keystroke`` (``--repetitions 10``). No goal of its own; it puts the page-rerun ratio
(``bench.page_rerun``, AppTest, server time only) next to what a person sees.

Both apps run under ``streamlit run`` and are driven in Chromium. In the app, Actions → Create Payment Intent;
each repetition types a new amount into the amount field and we time until its money preview
("1001 usd → $10.01") is on the screen. The baseline is a page with one live text input and one line that
shows what was typed, timed the same way. Both inputs are ``live``: Streamlit waits for a 250 ms typing pause
before it reruns, so both sides include that pause.

The moment the preview appears is taken inside the page (a MutationObserver on the document, timestamped
with the page's own clock), not by polling from Playwright: Playwright's waits poll at up to 500 ms intervals,
which made an earlier version of this benchmark report 0.3 s or 0.8 s at random on both pages.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path
from typing import Any

from playwright.async_api import async_playwright

from bench._common import (
    READY,
    ROOT,
    Pair,
    fmt_summary,
    launch_chromium,
    log,
    streamlit_app,
    wait_for,
    write_result,
)
from ui.action_picker import label

TIMEOUT_S = 60.0
ECHO_PAGE = (
    "import streamlit as st\n\n"
    'typed = st.text_input("Amount", key="amount", live=True)\n'
    'st.markdown(f"**{typed} usd shown**" if typed else "Type an amount")\n'
)
AMOUNT_INPUT = ".st-key-actions_create_payment_intent_amount input"


# Resolves with the page's clock when ``shown`` is in the document (textContent: no layout forced).
WAIT_FOR_TEXT = """(shown) => new Promise((resolve) => {
    const present = () => document.body.textContent.includes(shown);
    if (present()) { resolve(performance.now()); return; }
    const observer = new MutationObserver(() => {
        if (present()) { observer.disconnect(); resolve(performance.now()); }
    });
    observer.observe(document.body, {subtree: true, childList: true, characterData: true});
})"""


async def _type_and_wait(page: Any, selector: str, text: str, shown: str) -> float:
    """Seconds from typing ``text`` to ``shown`` in the page, both moments on the page's own clock."""
    # A tab in the background has its timers throttled (the 250 ms pause becomes ~1 s): type in front.
    await page.bring_to_front()
    appeared = asyncio.ensure_future(page.evaluate(WAIT_FOR_TEXT, shown))
    await asyncio.sleep(0.05)  # the observer is in place before the first keystroke
    typed_at = await page.evaluate("() => performance.now()")
    await page.locator(selector).fill(text)
    shown_at = await asyncio.wait_for(appeared, TIMEOUT_S)
    return float(shown_at - typed_at) / 1000


async def measure(repetitions: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-keys-") as tmp:
        echo = Path(tmp) / "echo.py"
        echo.write_text(ECHO_PAGE)
        async with async_playwright() as playwright:
            browser = await launch_chromium(playwright)
            try:
                with (
                    streamlit_app(ROOT / "app.py") as (app_url, app),
                    streamlit_app(echo) as (echo_url, echo_process),
                ):
                    wait_for(f"{app_url}/_stcore/health", app)
                    wait_for(f"{echo_url}/_stcore/health", echo_process)
                    context = await browser.new_context(viewport={"width": 1366, "height": 900})
                    actions = await context.new_page()
                    await actions.goto(f"{app_url}/actions", timeout=TIMEOUT_S * 1000)
                    await actions.locator(READY).wait_for(state="attached", timeout=TIMEOUT_S * 1000)
                    # The picker is a selectbox: open it, type the name, click the option.
                    await actions.locator(".st-key-actions_pick input").click()
                    await actions.keyboard.type("Create Payment Intent")
                    option = actions.get_by_role("option", name=label("create_payment_intent"), exact=True)
                    await option.click()
                    await actions.locator(AMOUNT_INPUT).wait_for(timeout=TIMEOUT_S * 1000)
                    other = await browser.new_context(viewport={"width": 1366, "height": 900})
                    baseline = await other.new_page()
                    await baseline.goto(echo_url, timeout=TIMEOUT_S * 1000)
                    await baseline.locator(READY).wait_for(state="attached", timeout=TIMEOUT_S * 1000)
                    pair = Pair([], [])
                    for rep in range(repetitions + 1):  # the first pair warms both pages up, unrecorded
                        amount = 1001 + rep
                        shown = f"{amount} usd → ${amount // 100}.{amount % 100:02d}"

                        async def subject(a: int = amount, s: str = shown) -> float:
                            return await _type_and_wait(actions, AMOUNT_INPUT, str(a), s)

                        async def base(a: int = amount) -> float:
                            return await _type_and_wait(baseline, "input", str(a), f"{a} usd shown")

                        first, second = (subject, base) if rep % 2 == 0 else (base, subject)
                        one, two = await first(), await second()
                        if rep == 0:
                            continue
                        s, b = (one, two) if rep % 2 == 0 else (two, one)
                        pair.subject.append(s)
                        pair.baseline.append(b)
                    await context.close()
                    await other.close()
            finally:
                await browser.close()
    result = pair.as_dict()
    result["difference_s"] = result["subject_s"]["median"] - result["baseline_s"]["median"]
    result["difference_of_minimums_s"] = result["subject_s"]["min"] - result["baseline_s"]["min"]
    return {"repetitions": repetitions, "debounce_ms": 250, **result}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.keystroke", description=__doc__.split("\n")[0])
    parser.add_argument("--repetitions", type=int, default=10)
    args = parser.parse_args(argv)
    log(f"keystroke: {args.repetitions} amounts typed on Actions and on a one-input page, in Chromium")
    results = asyncio.run(measure(args.repetitions))
    write_result("keystroke", results)
    report(results)
    return 0


def report(results: dict[str, Any]) -> None:
    log("\nkeystroke → preview on screen (Chromium; both include Streamlit's 250 ms typing pause)")
    log(
        f"  Actions {fmt_summary(results['subject_s'], 'ms', 1000)}  one-input page "
        f"{fmt_summary(results['baseline_s'], 'ms', 1000)}  ratio {results['ratio']['median']:.2f}x, "
        f"difference {results['difference_s'] * 1000:.0f} ms"
    )
    log(
        f"  fastest repetitions: Actions {results['subject_s']['min'] * 1000:.0f} ms, one-input page "
        f"{results['baseline_s']['min'] * 1000:.0f} ms, "
        f"{results['difference_of_minimums_s'] * 1000:.0f} ms apart"
    )


if __name__ == "__main__":
    sys.exit(main())
