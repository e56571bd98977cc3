"""Nothing lost: the sandbox process killed with SIGKILL in the middle of a stream of writes keeps every write
it acknowledged, and its database passes SQLite's integrity check.

(tests/sandbox/test_durability.py covers one write before the kill; this one kills while writes are in
flight, from a client thread, so some requests are cut off mid-way.)
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import threading
from pathlib import Path

import requests
from sandbox_cli import serve

import sandbox as sandbox_package

KILL_AFTER_ACKS = 40
MAX_WRITES = 2000  # bounds the writer if the kill never comes


def test_acknowledged_writes_survive_sigkill_mid_stream(tmp_path: Path) -> None:
    db = tmp_path / "stream.sqlite3"
    process, api_base = serve("--db", str(db), stderr=subprocess.DEVNULL)
    keys = requests.post(api_base + "/_sandbox/accounts", timeout=10).json()
    headers = {"Authorization": f"Bearer {keys['secret_key']}"}
    acknowledged: list[str] = []
    failures: list[str] = []
    enough = threading.Event()

    def write() -> None:
        with requests.Session() as session:
            for n in range(MAX_WRITES):
                try:
                    answer = session.post(
                        api_base + "/v1/products",
                        data={"name": f"write {n}", "metadata[n]": str(n)},
                        headers=headers,
                        timeout=10,
                    )
                except requests.RequestException as error:
                    failures.append(type(error).__name__)
                    return  # the server is gone
                if 200 <= answer.status_code < 300:
                    acknowledged.append(answer.json()["id"])
                if len(acknowledged) >= KILL_AFTER_ACKS:
                    enough.set()

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    try:
        assert enough.wait(timeout=60), "the sandbox acknowledged too few writes"
    finally:
        os.kill(process.pid, signal.SIGKILL)  # while the writer keeps writing
        process.wait(timeout=10)
        writer.join(timeout=15)
    assert process.returncode == -signal.SIGKILL
    assert failures, "the writer should have seen the connection die"

    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]

    handle = sandbox_package.start(db=str(db))
    try:
        seen: set[str] = set()
        params: dict[str, str | int] = {"limit": 100}
        for _ in range(MAX_WRITES // 100 + 1):
            page = requests.get(handle.api_base + "/v1/products", params=params, headers=headers, timeout=10)
            assert page.status_code == 200, page.text
            body = page.json()
            seen.update(p["id"] for p in body["data"])
            if not body["has_more"]:
                break
            params["starting_after"] = body["data"][-1]["id"]
        lost = [i for i in acknowledged if i not in seen]
        assert not lost, f"{len(lost)} acknowledged writes were lost: {lost[:5]}"
        assert len(acknowledged) >= KILL_AFTER_ACKS
    finally:
        handle.stop()
