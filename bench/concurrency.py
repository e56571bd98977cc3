"""Concurrency: how many browser sessions one app process holds. ``python -m bench.concurrency``.

One ``streamlit run app.py`` process and, side by side, one hello-world process. For each N in ``--sessions``
(default 1 2 4 8, bounded: every wave must finish within ``--timeout`` seconds), N Chromium contexts (separate
sessions, separate cookies) open the page at the same moment; we time each until its page is rendered, keep
all N open, and read the server's RSS. The ratio is the app's median time over hello world's at the same N.

What "holds" means here: every session rendered within the timeout, with the time and memory it took. It is
not a load test of clicks per second; a Streamlit session costs a thread per script run and its state in
memory, so the limits are CPU (one Python process, one GIL) and RAM per session.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
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
    hello_world_script,
    launch_chromium,
    log,
    ready_at,
    rss_mib,
    streamlit_app,
    summary,
    wait_for,
    write_result,
)


async def _session(browser: Any, url: str, text: str, timeout_s: float, contexts: list[Any]) -> float | None:
    context = await browser.new_context(viewport={"width": 1366, "height": 900})
    contexts.append(context)
    page = await context.new_page()
    started = time.time()
    try:
        await page.goto(url, timeout=timeout_s * 1000)
        shown = await ready_at(page, text, timeout_s)
    except Exception:  # a session that did not render in time is the measurement, not a crash
        return None
    return shown - started


async def _wave(browser: Any, url: str, text: str, n: int, timeout_s: float, pid: int) -> dict[str, Any]:
    before = rss_mib(pid)
    contexts: list[Any] = []
    try:
        times = await asyncio.gather(*(_session(browser, url, text, timeout_s, contexts) for _ in range(n)))
        held = rss_mib(pid)
    finally:
        await asyncio.gather(*(c.close() for c in contexts))
    done = [t for t in times if t is not None]
    return {
        "sessions": n,
        "rendered": len(done),
        "seconds": summary(done) if done else None,
        "rss_before_mib": before,
        "rss_with_sessions_open_mib": held,
    }


async def measure(levels: list[int], timeout_s: float) -> dict[str, Any]:
    results: dict[str, Any] = {"timeout_s": timeout_s, "levels": levels, "app": [], "hello": []}
    with tempfile.TemporaryDirectory(prefix="bench-conc-") as tmp:
        hello_script = hello_world_script(Path(tmp))
        async with async_playwright() as playwright:
            browser = await launch_chromium(playwright)
            try:
                with (
                    streamlit_app(ROOT / "app.py") as (app_url, app),
                    streamlit_app(hello_script) as (hello_url, hello),
                ):
                    wait_for(f"{app_url}/_stcore/health", app)
                    wait_for(f"{hello_url}/_stcore/health", hello)
                    # One session each first, so the in-process sandbox start is cold start's, not a wave's.
                    if levels[0] > 1:
                        await _wave(browser, app_url, APP_READY_TEXT, 1, timeout_s, app.pid)
                        await _wave(browser, hello_url, HELLO_READY_TEXT, 1, timeout_s, hello.pid)
                    for n in levels:
                        log(f"  {n} concurrent sessions ...")
                        app_wave = await _wave(browser, app_url, APP_READY_TEXT, n, timeout_s, app.pid)
                        hello_wave = await _wave(
                            browser, hello_url, HELLO_READY_TEXT, n, timeout_s, hello.pid
                        )
                        results["app"].append(app_wave)
                        results["hello"].append(hello_wave)
                        if app_wave["rendered"] < n:
                            log(f"  stopping: {app_wave['rendered']} of {n} app sessions rendered in time")
                            break
            finally:
                await browser.close()
    for app_wave, hello_wave in zip(results["app"], results["hello"], strict=True):
        if app_wave["seconds"] and hello_wave["seconds"]:
            app_wave["ratio_to_hello"] = app_wave["seconds"]["median"] / hello_wave["seconds"]["median"]
    full = [w for w in results["app"] if w["rendered"] == w["sessions"]]
    results["max_sessions_rendered"] = max((w["sessions"] for w in full), default=0)
    growth = [
        (w["rss_with_sessions_open_mib"] - w["rss_before_mib"]) / w["sessions"]
        for w in full
        if w["sessions"] > 1
    ]
    results["rss_per_open_session_mib"] = statistics.median(growth) if growth else None
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.concurrency", description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 2, 4, 8])
    parser.add_argument("--timeout", type=float, default=90.0, help="seconds a session may take to render")
    args = parser.parse_args(argv)
    log(f"concurrency: waves of {args.sessions} browser sessions on one app process, and on hello world")
    results = asyncio.run(measure(args.sessions, args.timeout))
    write_result("concurrency", results)
    report(results)
    return 0


def report(results: dict[str, Any]) -> None:
    log("\nconcurrency (N sessions opened at once; seconds until each page rendered)")
    for app_wave, hello_wave in zip(results["app"], results["hello"], strict=True):
        a, h = app_wave["seconds"], hello_wave["seconds"]
        app_text = f"{a['median']:.2f} s (max {a['max']:.2f})" if a else "none"
        hello_text = f"{h['median']:.2f} s (max {h['max']:.2f})" if h else "none"
        ratio = f"{app_wave['ratio_to_hello']:.2f}x" if "ratio_to_hello" in app_wave else "-"
        log(
            f"  N={app_wave['sessions']:<3} app {app_wave['rendered']}/{app_wave['sessions']} rendered, "
            f"{app_text}; hello {hello_text}; ratio {ratio}; "
            f"app RSS with N open {app_wave['rss_with_sessions_open_mib']:.0f} MiB"
        )
    per = results["rss_per_open_session_mib"]
    per_text = f"{per:.1f} MiB" if per is not None else "n/a"
    log(f"  largest N fully rendered: {results['max_sessions_rendered']}; RSS per open session: {per_text}")


if __name__ == "__main__":
    sys.exit(main())
