"""Memory: peak resident memory of the app process, with its sandbox holding and listing 10,000 objects.

``python -m bench.memory`` (``--objects 10000``). No goal was set; the baseline is a hello-world Streamlit app
measured the same way in the same run.

The app process is ``streamlit run app.py``: the Streamlit server, every session, and the sandbox server the
app starts in-process. We read its peak RSS (Linux ``VmHWM``) at each stage:

1. after Home is rendered in Chromium (the sandbox started, this browser session has its account);
2. after ``--objects`` products are created in a sandbox account of that process (through the SDK, over HTTP,
   as the playground's own calls go);
3. after all of them are listed with auto-paging (100 a page), so the sandbox has served every one;
4. after the Data page shows a page of products in the browser session.

The app's UI itself never holds more than one page (100 rows) or ``core.runner.MAX_LOAD_ALL`` (1,000)
objects at a time; the 10,000 live in the sandbox's SQLite file.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import stripe
from playwright.async_api import async_playwright

from bench._common import (
    APP_READY_TEXT,
    HELLO_READY_TEXT,
    READY,
    ROOT,
    SandboxServer,
    hello_world_script,
    launch_chromium,
    log,
    open_session,
    peak_rss_mib,
    rss_mib,
    streamlit_app,
    wait_for,
    write_result,
)

TIMEOUT_S = 120.0


async def _hello_world(browser: Any, folder: Path) -> dict[str, float]:
    with streamlit_app(hello_world_script(folder)) as (url, process):
        wait_for(f"{url}/_stcore/health", process, TIMEOUT_S)
        await open_session(browser, url, HELLO_READY_TEXT, TIMEOUT_S)
        return {"peak_rss_mib": peak_rss_mib(process.pid), "rss_mib": rss_mib(process.pid)}


async def _app(browser: Any, objects: int) -> dict[str, Any]:
    stages: dict[str, Any] = {}
    with streamlit_app(ROOT / "app.py") as (url, process):
        wait_for(f"{url}/_stcore/health", process, TIMEOUT_S)
        stages["started_mib"] = peak_rss_mib(process.pid)
        context = await browser.new_context(viewport={"width": 1366, "height": 900})
        page = await context.new_page()
        await page.goto(url, timeout=TIMEOUT_S * 1000)
        await page.get_by_text(APP_READY_TEXT).first.wait_for(timeout=TIMEOUT_S * 1000)
        await page.locator(READY).wait_for(state="attached", timeout=TIMEOUT_S * 1000)
        stages["home_rendered_mib"] = peak_rss_mib(process.pid)
        # Home prints the in-process sandbox's address for the snippets; the bench's calls go there too.
        caption = await page.get_by_text("Sandbox API address").first.inner_text()
        match = re.search(r"http://127\.0\.0\.1:\d+", caption)
        if match is None:
            raise RuntimeError(f"no sandbox address on Home: {caption!r}")
        server = SandboxServer(match.group(0))
        keys = server.create_account()
        client = stripe.StripeClient(keys.secret_key, base_addresses={"api": server.api_base})
        started = time.perf_counter()
        for i in range(objects):
            client.v1.products.create({"name": f"Memory product {i}", "metadata": {"i": str(i)}})
        stages["create_s"] = time.perf_counter() - started
        stages["filled_mib"] = peak_rss_mib(process.pid)
        started = time.perf_counter()
        listed = sum(1 for _ in client.v1.products.list({"limit": 100}).auto_paging_iter())
        stages["list_all_s"] = time.perf_counter() - started
        if listed != objects:
            raise RuntimeError(f"listed {listed} of {objects} products")
        stages["listed_mib"] = peak_rss_mib(process.pid)
        await page.goto(f"{url}/data", timeout=TIMEOUT_S * 1000)
        await page.locator(READY).wait_for(state="attached", timeout=TIMEOUT_S * 1000)
        await page.locator(".st-key-data_load button").click()
        await page.get_by_text("Page 1:").first.wait_for(timeout=TIMEOUT_S * 1000)
        stages["data_page_mib"] = peak_rss_mib(process.pid)
        stages["rss_now_mib"] = rss_mib(process.pid)
        await context.close()
    return stages


async def measure(objects: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as tmp:
        async with async_playwright() as playwright:
            browser = await launch_chromium(playwright)
            try:
                hello = await _hello_world(browser, Path(tmp))
                app = await _app(browser, objects)
            finally:
                await browser.close()
    peak = max(v for k, v in app.items() if k.endswith("_mib") and k != "rss_now_mib")
    return {
        "objects": objects,
        "hello_world": hello,
        "app": app,
        "app_peak_mib": peak,
        "ratio_to_hello_world": peak / hello["peak_rss_mib"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.memory", description=__doc__.split("\n")[0])
    parser.add_argument("--objects", type=int, default=10_000)
    args = parser.parse_args(argv)
    log(f"memory: app process with {args.objects} products created and listed, vs hello world")
    results = asyncio.run(measure(args.objects))
    write_result("memory", results)
    report(results)
    return 0


def report(results: dict[str, Any]) -> None:
    app, hello = results["app"], results["hello_world"]
    log("\nmemory (peak RSS of the streamlit process, MiB)")
    log(f"  hello world, page rendered:        {hello['peak_rss_mib']:.0f}")
    log(f"  app started (health answers):      {app['started_mib']:.0f}")
    log(f"  app, Home rendered:                {app['home_rendered_mib']:.0f}")
    created = f"app, {results['objects']} products created:"
    log(f"  {created:35}{app['filled_mib']:.0f}  ({app['create_s']:.1f} s)")
    log(f"  app, all of them listed:           {app['listed_mib']:.0f}  ({app['list_all_s']:.1f} s)")
    log(f"  app, Data page loaded:             {app['data_page_mib']:.0f}")
    ratio = results["ratio_to_hello_world"]
    log(f"  peak {results['app_peak_mib']:.0f} MiB = {ratio:.2f}x the hello-world app")


if __name__ == "__main__":
    sys.exit(main())
