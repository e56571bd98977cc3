"""Control endpoints that stand in for the customer: finish or fail 3D Secure on an intent.

Real Stripe asks the customer's bank; a test needs a button.
``POST /_sandbox/payment_intents/{id}/authenticate`` (and the SetupIntent twin) take
``{"outcome": "succeed" | "fail"}`` and the account's secret key, like the other ``/_sandbox`` control
endpoints, and answer with the intent as it is afterwards.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from sandbox import _ids
from sandbox._api import Context, route
from sandbox._errors import StripeError, invalid_request
from sandbox.resources import payment_intents, setup_intents


def error_response(error: StripeError) -> Response:
    request_id = _ids.new_id("req")
    return JSONResponse(error.body(request_id), status_code=error.status, headers={"Request-Id": request_id})


async def _outcome(request: Request) -> bool:
    raw = await request.body()
    try:
        payload = json.loads(raw) if raw else {}
    except ValueError:
        payload = None
    outcome = payload.get("outcome") if isinstance(payload, dict) else None
    if outcome not in ("succeed", "fail"):
        raise invalid_request(
            'Send a JSON body {"outcome": "succeed"} or {"outcome": "fail"}: whether the customer completes '
            "the 3D Secure challenge.",
            param="outcome",
        )
    return bool(outcome == "succeed")


async def _run(request: Request, work: Callable[[Context, bool], dict[str, Any]]) -> Response:
    runtime = request.app.state.runtime
    try:
        auth = runtime.secret_auth(request.headers.get("authorization"))
        succeed = await _outcome(request)

        def in_transaction() -> dict[str, Any]:
            with runtime.context(auth.account) as ctx:
                return work(ctx, succeed)

        return JSONResponse(await run_in_threadpool(in_transaction))
    except StripeError as error:
        return error_response(error)


def _authenticate_pi(intent_id: str) -> Callable[[Context, bool], dict[str, Any]]:
    def work(ctx: Context, succeed: bool) -> dict[str, Any]:
        pi = ctx.load(payment_intents.KIND, intent_id, param="intent")
        # A decline after a completed challenge is part of the answer (last_payment_error), not an error:
        # the customer's browser, not the merchant's server, made this step.
        pi, _ = payment_intents.authenticate(ctx, pi, succeed=succeed)
        return pi

    return work


def _authenticate_si(intent_id: str) -> Callable[[Context, bool], dict[str, Any]]:
    def work(ctx: Context, succeed: bool) -> dict[str, Any]:
        si = ctx.load(setup_intents.KIND, intent_id, param="intent")
        return setup_intents.authenticate_setup(ctx, si, succeed=succeed)

    return work


@route("/_sandbox/payment_intents/{intent}/authenticate", methods=("POST",))
async def authenticate_payment_intent(request: Request) -> Response:
    return await _run(request, _authenticate_pi(request.path_params["intent"]))


@route("/_sandbox/setup_intents/{intent}/authenticate", methods=("POST",))
async def authenticate_setup_intent(request: Request) -> Response:
    return await _run(request, _authenticate_si(request.path_params["intent"]))
