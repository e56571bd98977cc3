"""What every product benchmark shares: side-by-side timing, a summary that shows the spread, result files,
and the two servers they drive (the sandbox and ``streamlit run``) as subprocesses.

Why ratios, interleaved: the machine is shared (2 cores, other work running), so an absolute time means little
from one minute to the next. Each repetition runs the subject and its baseline back to back, and we report the
ratio per repetition; load from elsewhere hits both sides of a pair alike.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sandbox.control import ControlClient, SandboxAccount

ROOT = Path(__file__).resolve().parent.parent
RESULTS_ENV_VAR = "BENCH_RESULTS_DIR"  # the smoke test writes elsewhere, so it never replaces real results
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Streamlit's own "the script run has finished" marker, as the e2e tests use it.
READY = "[data-testid='stApp'][data-test-script-state='notRunning']"


def summary(samples: list[float]) -> dict[str, float]:
    """Median and spread (min, max, and the quartiles when there are enough samples)."""
    ordered = sorted(samples)
    out = {
        "median": statistics.median(ordered),
        "min": ordered[0],
        "max": ordered[-1],
        "n": float(len(ordered)),
    }
    if len(ordered) >= 4:
        q1, _, q3 = statistics.quantiles(ordered, n=4)
        out["q1"], out["q3"] = q1, q3
    return out


def timed(action: Callable[[], Any]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


@dataclass
class Pair:
    """Subject and baseline seconds per repetition, measured back to back."""

    subject: list[float]
    baseline: list[float]

    @property
    def ratios(self) -> list[float]:
        return [s / b for s, b in zip(self.subject, self.baseline, strict=True)]

    def as_dict(self) -> dict[str, Any]:
        return {
            "subject_s": summary(self.subject),
            "baseline_s": summary(self.baseline),
            "ratio": summary(self.ratios),
            "ratio_of_medians": statistics.median(self.subject) / statistics.median(self.baseline),
        }


def side_by_side(subject: Callable[[], Any], baseline: Callable[[], Any], repetitions: int) -> Pair:
    """Alternate subject and baseline (the order flips every repetition so neither always goes first)."""
    pair = Pair([], [])
    for rep in range(repetitions):
        if rep % 2:
            pair.baseline.append(timed(baseline))
            pair.subject.append(timed(subject))
        else:
            pair.subject.append(timed(subject))
            pair.baseline.append(timed(baseline))
    return pair


def results_dir() -> Path:
    return Path(os.environ.get(RESULTS_ENV_VAR) or ROOT / "bench" / "results")


def write_result(name: str, data: dict[str, Any]) -> Path:
    folder = results_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.json"
    stamped = {"benchmark": name, "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), **data}
    path.write_text(json.dumps(stamped, indent=2) + "\n")
    return path


def verdict(ratio: float, goal: float) -> str:
    return f"{ratio:.2f}x (goal <= {goal}x: {'met' if ratio <= goal else 'NOT met'})"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def wait_for(url: str, process: subprocess.Popen[bytes], deadline_s: float = 90.0) -> None:
    deadline = time.monotonic() + deadline_s
    while not answers(url):
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode} before {url} answered")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not answer within {deadline_s:.0f} s")
        time.sleep(0.05)


def stop(process: subprocess.Popen[bytes], graceful: bool = True) -> None:
    if not graceful:
        process.kill()
        process.wait(timeout=10)
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@dataclass
class SandboxServer:
    """A sandbox the bench started (or found), reached through its control client."""

    api_base: str

    @property
    def control(self) -> ControlClient:
        return ControlClient(self.api_base)

    def create_account(self) -> SandboxAccount:
        return self.control.create_account()


@contextmanager
def sandbox_server() -> Iterator[SandboxServer]:
    """``python -m sandbox --memory`` in its own process, so its work never shares our GIL."""
    port = free_port()
    command = [sys.executable, "-m", "sandbox", "--port", str(port), "--memory"]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(f"{base}/_sandbox/health", process, 60)
        yield SandboxServer(base)
    finally:
        stop(process)


HELLO_WORLD = 'import streamlit as st\n\nst.title("Hello world")\nst.write("connected")\n'


@contextmanager
def streamlit_app(
    script: str | Path, data_dir: Path | None = None
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``streamlit run <script>`` as a person starts it; yields (url, process) once the port is bound.

    The app gets its own data folder and .env path, so a benchmark never reads a developer's keys.
    """
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="bench-app-") as tmp:
        env = {
            **os.environ,
            "PLAYGROUND_ENV_FILE": str(Path(tmp) / ".env"),
            "PLAYGROUND_DATA_DIR": str(data_dir or Path(tmp) / "data"),
        }
        command = [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(script),
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
            "--server.fileWatcherType",
            "none",
        ]
        log = (Path(tmp) / "server.log").open("wb")
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            yield f"http://127.0.0.1:{port}", process
        finally:
            # Killed, not terminated: its files are in a temporary folder, and a graceful Streamlit shutdown
            # takes about a second that no benchmark measures.
            stop(process, graceful=False)
            log.close()


def hello_world_script(folder: Path) -> Path:
    path = folder / "hello_world.py"
    path.write_text(HELLO_WORLD)
    return path


def peak_rss_mib(pid: int) -> float:
    """The process's peak resident set size so far (Linux ``VmHWM``), in MiB."""
    return _status_kib(pid, "VmHWM") / 1024


def rss_mib(pid: int) -> float:
    return _status_kib(pid, "VmRSS") / 1024


def _status_kib(pid: int, field: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return float(line.split()[1])
    raise RuntimeError(f"/proc/{pid}/status has no {field}")


def launch_chromium(playwright: Any) -> Any:
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} is missing: apt-get install -y chromium")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def fmt_summary(s: dict[str, float], unit: str = "s", scale: float = 1.0) -> str:
    return f"{s['median'] * scale:.3g}{unit} [{s['min'] * scale:.3g}–{s['max'] * scale:.3g}]"


def log(message: str) -> None:
    print(message, flush=True)


# Resolves with the wall-clock time (epoch ms) at which ``text`` is in the document and the script run has
# finished, observed inside the page. Playwright's own waits poll at up to 500 ms intervals, which would add
# up to half a second at random to every measurement.
_READY_AT = """(text) => new Promise((resolve) => {
    const ready = () => {
        const app = document.querySelector("[data-testid='stApp']");
        return app !== null && app.getAttribute("data-test-script-state") === "notRunning"
            && document.body.textContent.includes(text);
    };
    const finish = () => resolve(performance.timeOrigin + performance.now());
    if (ready()) { finish(); return; }
    const observer = new MutationObserver(() => { if (ready()) { observer.disconnect(); finish(); } });
    observer.observe(document.documentElement, {
        subtree: true, childList: true, characterData: true, attributes: true,
        attributeFilter: ["data-test-script-state"],
    });
})"""


async def ready_at(page: Any, text: str, timeout_s: float) -> float:
    """Epoch seconds at which the page showed ``text`` with its script run finished (the page's clock)."""
    shown_ms = await asyncio.wait_for(page.evaluate(_READY_AT, text), timeout_s)
    return float(shown_ms) / 1000


async def open_session(browser: Any, url: str, text: str, timeout_s: float) -> float:
    """Epoch seconds at which a new browser session asking for ``url`` showed ``text``, its run finished."""
    context = await browser.new_context(viewport={"width": 1366, "height": 900})
    try:
        page = await context.new_page()
        await page.goto(url, timeout=timeout_s * 1000)
        return await ready_at(page, text, timeout_s)
    finally:
        await context.close()


# Home's banner: shown once the sandbox answered and this session has its own account.
APP_READY_TEXT = "You are on the local sandbox"
HELLO_READY_TEXT = "connected"
