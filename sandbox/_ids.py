"""Stripe-style object ids.

Real ids come in two shapes (see the fixtures in Stripe's OpenAPI repo): "short" ones such as
``prod_NWjs8kKbJWmuuc`` and ``cus_NffrFeUfNV2Hib`` (14 characters after the prefix) and "long" ones such as
``pi_3MtwBwLkdIwHu7ix28a3tqPa`` (24 characters, with a fragment that is constant per account in the
middle). Copying both shapes lets code that pattern-matches ids, and people reading them, treat sandbox ids
like real ones.
"""

from __future__ import annotations

import random
import secrets
import string

_ALPHABET = string.ascii_letters + string.digits
# Object ids only need to be unique, not unguessable: a fast PRNG seeded from the OS keeps id generation out
# of the request's cost. API keys (below) use the secrets module.
_RANDOM = random.Random(secrets.randbits(128))
_SHORT = {"prod": 14, "cus": 14, "req": 14, "acct": 16}
_CHECKOUT_LENGTH = 58  # cs_test_a1… ids are long and start with "a1"


def random_chars(length: int) -> str:
    return "".join(_RANDOM.choices(_ALPHABET, k=length))


def secret_chars(length: int) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def account_fragment(account: str) -> str:
    """The 10 characters every long id of one account shares (like Stripe's ``LkdIwHu7ix``)."""
    tail = account.removeprefix("acct_")
    return (tail * 2)[2:12] if tail else random_chars(10)


def new_id(prefix: str, account: str = "") -> str:
    if prefix in _SHORT:
        return f"{prefix}_{random_chars(_SHORT[prefix])}"
    if prefix.startswith("cs_"):
        return f"{prefix}_a1{random_chars(_CHECKOUT_LENGTH - 2)}"
    body = "1" + random_chars(5) + account_fragment(account) + random_chars(8)
    return f"{prefix}_{body}"


def new_account_id() -> str:
    return "acct_1" + random_chars(15)


def new_api_key(kind: str, account: str) -> str:
    """``sk_test_`` / ``pk_test_`` / ``rk_test_`` + 99 characters, the length of current Stripe keys.

    Like Stripe's, every key of one account carries the account's id after the "5" (``sk_test_5`` +
    ``1AbC…`` for ``acct_1AbC…``), so the keys of one account start alike and a pair from two accounts can
    be told apart.
    """
    return f"{kind}_test_5" + account.removeprefix("acct_") + secret_chars(98 - len(account) + len("acct_"))
