"""Secrets never leak from the sandbox itself: ``python -m sandbox`` (its request log on stderr, with faults,
refused live keys and unknown keys) and its SQLite file (keys are kept only as digests)."""

from __future__ import annotations

import signal
from pathlib import Path

import requests
from sandbox_cli import serve
from secrets_scan import FAKE_TEST_SK, LIVE_RK, LIVE_SK, leaks


def test_the_cli_log_and_database_hold_no_key(tmp_path: Path) -> None:
    db = tmp_path / "sandbox.sqlite3"
    process, base = serve("--db", str(db))
    try:
        keys = requests.post(base + "/_sandbox/accounts", timeout=10).json()
        secret = keys["secret_key"]
        restricted = requests.post(
            base + "/_sandbox/restricted_keys",
            json={"permissions": ["rak_product_read"]},
            headers={"Authorization": f"Bearer {secret}"},
            timeout=10,
        ).json()["key"]
        requests.post(
            base + "/_sandbox/faults",
            json={"mode": "500", "count": 1},
            headers={"Authorization": f"Bearer {secret}"},
            timeout=10,
        )
        statuses = []
        for key in (secret, restricted, LIVE_SK, LIVE_RK, FAKE_TEST_SK, secret):
            answer = requests.post(
                base + "/v1/products",
                data={"name": "x"},
                headers={"Authorization": f"Bearer {key}"},
                timeout=10,
            )
            statuses.append(answer.status_code)
            assert not leaks(answer.text, [key])  # Stripe masks the key in its own error messages too
        assert statuses == [500, 403, 401, 401, 401, 200]
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=20)
    secrets = [secret, restricted, LIVE_SK, LIVE_RK, FAKE_TEST_SK]
    assert "POST /v1/products 200" in stderr
    assert not leaks(stderr, secrets)
    written = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.is_file())
    assert written
    assert not leaks(written.decode("latin-1"), secrets)
