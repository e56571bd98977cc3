"""``DELETE /_sandbox/account``: what "Forget this workspace" relies on, checked in the SQLite file itself."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import requests
import stripe

import sandbox as sandbox_package


def _rows(db: Path, account: str) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        return {
            "objects": conn.execute("SELECT COUNT(*) FROM objects WHERE account = ?", (account,)).fetchone()[
                0
            ],
            "api_keys": conn.execute(
                "SELECT COUNT(*) FROM api_keys WHERE account = ?", (account,)
            ).fetchone()[0],
            "accounts": conn.execute("SELECT COUNT(*) FROM accounts WHERE id = ?", (account,)).fetchone()[0],
        }


def test_deleting_an_account_removes_its_rows_and_keeps_the_others(tmp_path: Path) -> None:
    db = tmp_path / "sandbox.sqlite3"
    handle = sandbox_package.start(db=str(db))
    try:
        gone, kept = handle.create_account(), handle.create_account()
        for keys in (gone, kept):
            client = stripe.StripeClient(keys["secret_key"], base_addresses={"api": handle.api_base})
            client.v1.products.create({"name": "Tea"})
        before = _rows(db, kept["id"])
        assert _rows(db, gone["id"]) == before  # the product and its event, two keys, the account
        assert before["objects"] >= 1
        assert before["accounts"] == 1

        anonymous = requests.delete(f"{handle.api_base}/_sandbox/account", timeout=10)
        assert anonymous.status_code == 401
        answer = requests.delete(
            f"{handle.api_base}/_sandbox/account",
            headers={"Authorization": f"Bearer {gone['secret_key']}"},
            timeout=10,
        )
        assert answer.status_code == 200
        assert answer.json() == {"account": gone["id"], "deleted": True}

        assert _rows(db, gone["id"]) == {"objects": 0, "api_keys": 0, "accounts": 0}
        assert _rows(db, kept["id"]) == before
        after = requests.get(
            f"{handle.api_base}/v1/products",
            headers={"Authorization": f"Bearer {gone['secret_key']}"},
            timeout=10,
        )
        assert after.status_code == 401
    finally:
        handle.stop()
