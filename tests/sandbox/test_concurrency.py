"""Concurrent clients: every write lands exactly once and lists stay consistent (handlers run in a pool)."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import stripe


def test_parallel_creates_are_all_stored(
    account: dict[str, str], make_client: Callable[..., stripe.StripeClient]
) -> None:
    def work(worker: int) -> list[str]:
        client = make_client(account["secret_key"])
        return [client.v1.customers.create({"name": f"w{worker}-{i}"}).id for i in range(25)]

    with ThreadPoolExecutor(max_workers=8) as pool:
        created = [customer_id for ids in pool.map(work, range(8)) for customer_id in ids]
    assert len(created) == len(set(created)) == 200
    client = make_client(account["secret_key"])
    listed = [c.id for c in client.v1.customers.list({"limit": 100}).auto_paging_iter()]
    assert sorted(listed) == sorted(created)
    assert len(listed) == len(set(listed))


def test_parallel_updates_of_one_object_keep_every_metadata_key(
    account: dict[str, str], make_client: Callable[..., stripe.StripeClient]
) -> None:
    product = make_client(account["secret_key"]).v1.products.create({"name": "shared"})

    def work(worker: int) -> None:
        client = make_client(account["secret_key"])
        for i in range(5):
            client.v1.products.update(product.id, {"metadata": {f"k{worker}_{i}": "v"}})

    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(work, range(6)))
    final = make_client(account["secret_key"]).v1.products.retrieve(product.id)
    assert len(final.metadata.to_dict()) == 30  # read-modify-write is serialised: no lost update
