"""Durability: a write the server acknowledged survives SIGKILL; the CLI serves and prints keys."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import requests
import stripe
from sandbox_cli import ROOT, serve

import sandbox as sandbox_package


def test_acknowledged_write_survives_sigkill(
    tmp_path: Path, make_client: Callable[..., stripe.StripeClient]
) -> None:
    db = tmp_path / "state.sqlite3"
    process, api_base = serve("--db", str(db))
    try:
        keys = requests.post(api_base + "/_sandbox/accounts", timeout=10).json()
        client = make_client(keys["secret_key"], api_base)
        product = client.v1.products.create({"name": "Durable", "metadata": {"k": "v"}})
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    assert process.returncode == -signal.SIGKILL
    handle = sandbox_package.start(db=str(db))
    try:
        reopened = make_client(keys["secret_key"], handle.api_base)
        again = reopened.v1.products.retrieve(product.id)
        assert again.name == "Durable"
        assert again.metadata.to_dict() == {"k": "v"}
    finally:
        handle.stop()


def test_cli_request_log_never_shows_keys(
    tmp_path: Path, make_client: Callable[..., stripe.StripeClient]
) -> None:
    process, api_base = serve("--db", str(tmp_path / "log.sqlite3"))
    try:
        keys = requests.post(api_base + "/_sandbox/accounts", timeout=10).json()
        client = make_client(keys["secret_key"], api_base)
        client.v1.customers.list({"email": "secret@example.com"})
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=15)
    assert re.search(r"GET /v1/customers 200 req_\w{14} [\d.]+ms", stderr), stderr
    assert keys["secret_key"] not in stderr
    assert "secret@example.com" not in stderr


def test_print_keys(tmp_path: Path, make_client: Callable[..., stripe.StripeClient]) -> None:
    db = tmp_path / "keys.sqlite3"
    command = [sys.executable, "-m", "sandbox", "--db", str(db), "--print-keys"]
    first = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60, check=True).stdout
    second = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60, check=True).stdout
    account = re.search(r"account:\s+(acct_\w+)", first)
    secret = re.search(r"secret key:\s+(sk_test_\w+)", first)
    assert account
    assert secret
    assert f"account:         {account.group(1)}" in second  # same default account
    handle = sandbox_package.start(db=str(db))
    try:
        client = make_client(secret.group(1), handle.api_base)
        assert client.v1.products.list().data == []
    finally:
        handle.stop()
