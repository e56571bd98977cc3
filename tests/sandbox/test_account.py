"""GET /v1/account: the key's own account as Stripe's Account object (schema-checked by the fixtures)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import requests
import stripe
from sandbox_keys import restricted_key


def test_the_account_of_the_key(sandbox: Any, make_client: Callable[..., stripe.StripeClient]) -> None:
    keys = sandbox.create_account(email="owner@example.com", business_name="Ada's Shop")
    account = make_client(keys["secret_key"]).v1.accounts.retrieve_current()
    assert account.id == keys["id"]
    assert account.object == "account"
    assert (account.email, account.business_profile.name) == ("owner@example.com", "Ada's Shop")
    assert account.settings.dashboard.display_name == "Ada's Shop"
    assert (account.country, account.default_currency, account.type) == ("US", "usd", "standard")
    assert (account.charges_enabled, account.payouts_enabled, account.details_submitted) == (True, True, True)
    assert account.created > 0


def test_a_plain_account_has_no_profile_yet(
    stripe_client: stripe.StripeClient, account: dict[str, str]
) -> None:
    current = stripe_client.v1.accounts.retrieve_current()
    assert current.id == account["id"]
    assert current.email is None
    assert current.business_profile.name is None


def test_the_control_api_takes_the_profile(sandbox: Any) -> None:
    made = requests.post(
        sandbox.api_base + "/_sandbox/accounts", json={"email": "a@example.com"}, timeout=10
    ).json()
    current = stripe.StripeClient(made["secret_key"], base_addresses={"api": sandbox.api_base})
    assert current.v1.accounts.retrieve_current().email == "a@example.com"
    refused = requests.post(sandbox.api_base + "/_sandbox/accounts", json={"emial": "x"}, timeout=10)
    assert refused.status_code == 400
    assert "emial" in refused.json()["error"]["message"]


def test_keys_that_may_not_read_it(
    sandbox: Any, account: dict[str, str], make_client: Callable[..., stripe.StripeClient]
) -> None:
    with pytest.raises(stripe.AuthenticationError) as publishable:
        make_client(account["publishable_key"]).v1.accounts.retrieve_current()
    assert "publishable API key" in str(publishable.value.user_message)
    products_only = restricted_key(sandbox, account, "rak_product_read")
    with pytest.raises(stripe.PermissionError) as refused:
        make_client(products_only).v1.accounts.retrieve_current()
    assert f"on account '{account['id']}'" in str(refused.value.user_message)
    assert "'rak_accounts_kyc_id_numbers_read' permission" in str(refused.value.user_message)
    allowed = restricted_key(sandbox, account, "rak_accounts_kyc_id_numbers_read")
    assert make_client(allowed).v1.accounts.retrieve_current().id == account["id"]


def test_an_accounts_keys_share_its_id_after_the_mode_as_stripes_do(sandbox: Any) -> None:
    """So the app's "two different accounts" check never fires on the sandbox's own pairs, and does on keys
    of two sandbox accounts."""
    from core.keys import KeyField, check_key_pair, inspect_key

    one, two = sandbox.create_account(), sandbox.create_account()
    for keys in (one, two):
        body = keys["id"].removeprefix("acct_")
        assert keys["secret_key"].startswith(f"sk_test_5{body}")
        assert keys["publishable_key"].startswith(f"pk_test_5{body}")
        assert len(keys["secret_key"]) == len(keys["publishable_key"]) == 107
    pair = check_key_pair(
        inspect_key(one["publishable_key"], KeyField.PUBLISHABLE),
        inspect_key(one["secret_key"], KeyField.SECRET),
    )
    assert pair == []
    mixed = check_key_pair(
        inspect_key(one["publishable_key"], KeyField.PUBLISHABLE),
        inspect_key(two["secret_key"], KeyField.SECRET),
    )
    assert [f.code for f in mixed] == ["keys.account_mismatch"]
