"""The ceiling for the sandbox benchmark: a Starlette app that answers every call with a canned object.

It does no auth, no validation and no storage, so the SDK + HTTP + uvicorn cost it measures is the least any
Stripe-compatible server on this stack can spend per request.
"""

from __future__ import annotations

import argparse
import json
import time

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

LIST_SIZE = 1000


def _product(index: int) -> dict[str, object]:
    now = int(time.time())
    return {
        "id": f"prod_trivial{index:06d}",
        "object": "product",
        "active": True,
        "created": now,
        "default_price": None,
        "description": None,
        "images": [],
        "livemode": False,
        "marketing_features": [],
        "metadata": {"k": "v"},
        "name": "Bench product",
        "package_dimensions": None,
        "shippable": None,
        "statement_descriptor": None,
        "tax_code": None,
        "type": "service",
        "unit_label": None,
        "updated": now,
        "url": None,
    }


# The same fields the sandbox returns, so the client parses as much as it does against the sandbox.
CUSTOMER = json.dumps(
    {
        "id": "cus_trivial000000",
        "object": "customer",
        "address": None,
        "balance": 0,
        "created": 0,
        "currency": None,
        "default_source": None,
        "delinquent": False,
        "description": None,
        "discount": None,
        "email": "bench@example.com",
        "invoice_prefix": "TRIVIAL0",
        "invoice_settings": {
            "custom_fields": None,
            "default_payment_method": None,
            "footer": None,
            "rendering_options": None,
        },
        "livemode": False,
        "metadata": {},
        "name": "B",
        "next_invoice_sequence": 1,
        "phone": None,
        "preferred_locales": [],
        "shipping": None,
        "tax_exempt": "none",
        "test_clock": None,
    }
).encode()
PRODUCT = json.dumps(_product(0)).encode()


async def endpoint(request: Request) -> Response:
    path = request.url.path
    if request.method == "POST":
        await request.body()
        return Response(
            CUSTOMER if path.startswith("/v1/customers") else PRODUCT, media_type="application/json"
        )
    if path.count("/") >= 3:  # GET /v1/products/{id}: a retrieve (bench.sandbox_scaling times those)
        return Response(PRODUCT, media_type="application/json")
    after = request.query_params.get("starting_after")
    limit = int(request.query_params.get("limit", "10"))
    start = int(after.removeprefix("prod_trivial")) + 1 if after else 0
    page = [_product(i) for i in range(start, min(start + limit, LIST_SIZE))]
    body = {"object": "list", "url": "/v1/products", "has_more": start + limit < LIST_SIZE, "data": page}
    return Response(json.dumps(body).encode(), media_type="application/json")


app = Starlette(routes=[Route("/{path:path}", endpoint, methods=["GET", "POST"])])

if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False)
