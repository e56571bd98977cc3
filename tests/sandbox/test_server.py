"""sandbox.start(): options, handle, and a clean stop."""

from __future__ import annotations

import requests

import sandbox as sandbox_package


def test_start_options_and_stop() -> None:
    handle = sandbox_package.start(public_url="http://pages.example.test:8080/")
    try:
        assert handle.api_base.startswith("http://127.0.0.1:")
        assert handle.public_url == "http://pages.example.test:8080"
        assert handle.runtime.public_url == "http://pages.example.test:8080"
        assert requests.get(handle.api_base + "/_sandbox/health", timeout=5).json() == {"status": "ok"}
        keys = handle.create_account()
        assert keys["id"].startswith("acct_")
        assert len(keys["secret_key"]) == 107  # the length of current Stripe keys
    finally:
        handle.stop()
    try:
        requests.get(handle.api_base + "/_sandbox/health", timeout=2)
    except requests.ConnectionError:
        pass
    else:
        raise AssertionError("the server still answers after stop()")


def test_default_public_url_is_the_api_base() -> None:
    handle = sandbox_package.start()
    try:
        assert handle.public_url == handle.api_base
    finally:
        handle.stop()
