"""Cold start: ``streamlit run app.py`` until Home is rendered on the sandbox in Chromium, vs hello world.

``python -m bench.cold_start`` (``--repetitions 3``). Goal: ≤ 2× the hello-world app.

Each repetition starts a fresh server process (``streamlit run``, exactly as a person does), polls
``/_stcore/health`` until the port answers, then opens a new browser session and waits for the page's ready
text and Streamlit's "script run finished" marker. For the app the ready text is Home's sandbox banner, which
appears only once the in-process sandbox has started and given this session its own account: "connected".
The browser is launched once, before the clock starts (it is not part of the product). App and hello world
alternate, so both see the same machine load.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from playwright.async_api import async_playwright

from bench._common import (
    APP_READY_TEXT,
    HELLO_READY_TEXT,
    ROOT,
    Pair,
    fmt_summary,
    hello_world_script,
    launch_chromium,
    log,
    open_session,
    streamlit_app,
    summary,
    verdict,
    wait_for,
    write_result,
)

GOAL = 2.0
TIMEOUT_S = 120.0


async def _one(browser: Any, script: Path, text: str) -> tuple[float, float]:
    """(seconds to /_stcore/health, seconds to the rendered page), both from the process start.

    Wall-clock time: the page reports the moment it was ready on its own clock (``open_session``).
    """
    started = time.time()
    with streamlit_app(script) as (url, process):
        wait_for(f"{url}/_stcore/health", process, TIMEOUT_S)
        healthy = time.time() - started
        shown = await open_session(browser, url, text, TIMEOUT_S)
        return healthy, shown - started


async def measure(repetitions: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-cold-") as tmp:
        hello = hello_world_script(Path(tmp))
        app = ROOT / "app.py"
        health = Pair([], [])
        rendered = Pair([], [])
        async with async_playwright() as playwright:
            browser = await launch_chromium(playwright)
            try:
                for rep in range(repetitions):
                    order = [("app", app, APP_READY_TEXT), ("hello", hello, HELLO_READY_TEXT)]
                    for name, script, text in order if rep % 2 == 0 else order[::-1]:
                        healthy, shown = await _one(browser, script, text)
                        log(f"  {name:5} run {rep + 1}: health {healthy:.2f} s, rendered {shown:.2f} s")
                        (health.subject if name == "app" else health.baseline).append(healthy)
                        (rendered.subject if name == "app" else rendered.baseline).append(shown)
            finally:
                await browser.close()
    return {
        "goal": GOAL,
        "rendered": rendered.as_dict(),
        "health": health.as_dict(),
        "after_health_s": {
            "app": summary([r - h for r, h in zip(rendered.subject, health.subject, strict=True)]),
            "hello": summary([r - h for r, h in zip(rendered.baseline, health.baseline, strict=True)]),
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.cold_start", description=__doc__.split("\n")[0])
    parser.add_argument("--repetitions", type=int, default=3)
    args = parser.parse_args(argv)
    log(f"cold start: {args.repetitions} x (app, hello world) from streamlit run to a page in Chromium")
    results = asyncio.run(measure(args.repetitions))
    write_result("cold_start", results)
    report(results)
    return 0


def report(results: dict[str, Any]) -> None:
    rendered, health = results["rendered"], results["health"]
    log("\ncold start (process start → page rendered in Chromium)")
    log(
        f"  rendered: app {fmt_summary(rendered['subject_s'])}  hello {fmt_summary(rendered['baseline_s'])}  "
        f"ratio {verdict(rendered['ratio']['median'], GOAL)}"
    )
    log(
        f"  /_stcore/health: app {fmt_summary(health['subject_s'])}  "
        f"hello {fmt_summary(health['baseline_s'])}"
        f"  ratio {health['ratio']['median']:.2f}x"
    )
    after = results["after_health_s"]
    log(f"  health → rendered: app {fmt_summary(after['app'])}  hello {fmt_summary(after['hello'])}")


if __name__ == "__main__":
    sys.exit(main())
