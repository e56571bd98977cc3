"""``python -m sandbox``: run the Stripe-compatible sandbox server in the foreground."""

from __future__ import annotations

import argparse
import logging
import sys
import threading

from sandbox._app import Runtime
from sandbox._ids import new_api_key
from sandbox._store import Store

DEFAULT_DB = ".sandbox.sqlite3"
DEFAULT_PORT = 12111  # stripe-mock's port, so tools that expect a local Stripe find it


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m sandbox", description="A local Stripe test-mode server.")
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}; 0 = any)"
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--db", default=DEFAULT_DB, help=f"SQLite file for the state (default ./{DEFAULT_DB})")
    where.add_argument("--memory", action="store_true", help="keep the state in memory only")
    parser.add_argument("--public-url", default=None, help="base URL browsers use for hosted pages")
    parser.add_argument(
        "--allow-webhook-host",
        action="append",
        default=[],
        metavar="HOST",
        help="also deliver webhooks to this non-loopback host (repeatable; '*' allows every host)",
    )
    parser.add_argument(
        "--print-keys", action="store_true", help="print the default account's test keys and exit"
    )
    return parser.parse_args(argv)


def print_keys(store: Store) -> None:
    """Print the default account's keys. Secret keys are stored only as digests, so an existing default
    account gets a new secret key each time (earlier ones keep working), like rolling a key."""
    runtime = Runtime(store)
    try:
        account = store.get_meta("default_account")
        row = store.account_row(account) if account else None
        if account is None or row is None:
            keys = runtime.create_account()
            store.set_meta("default_account", keys["id"])
        else:
            secret = new_api_key("sk", account)
            store.add_key(account, secret, "secret")
            keys = {"id": account, "publishable_key": row[0], "secret_key": secret}
        print(f"account:         {keys['id']}")
        print(f"publishable key: {keys['publishable_key']}")
        print(f"secret key:      {keys['secret_key']}")
    finally:
        runtime.close()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    db = None if args.memory else args.db
    if args.print_keys:
        if db is None:
            print(
                "--print-keys needs a database file: keys of an in-memory sandbox die with it.",
                file=sys.stderr,
            )
            return 2
        print_keys(Store(db))
        return 0
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    logging.getLogger("sandbox.requests").setLevel(logging.INFO)
    import sandbox

    handle = sandbox.start(
        port=args.port,
        db=db,
        host=args.host,
        public_url=args.public_url,
        log_requests=True,
        allow_webhook_hosts=args.allow_webhook_host,
    )
    print(f"Stripe sandbox listening on {handle.api_base}  (state: {db or 'memory'})", flush=True)
    print(f'Use it with: stripe.StripeClient(key, base_addresses={{"api": "{handle.api_base}"}})', flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        handle.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
