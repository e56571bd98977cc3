"""Control endpoints that stand in for the customer: 3D Secure on an intent, a submit of a Checkout page.

Real Stripe asks the customer's bank, and the customer types a card into a page; a test or a notebook needs
a call. Like the other ``/_sandbox`` control endpoints they take the account's secret key and JSON:

- ``POST /_sandbox/payment_intents/{id}/authenticate`` (and the SetupIntent twin) take
  ``{"outcome": "succeed" | "fail"}`` and answer with the intent as it is afterwards.
- ``POST /_sandbox/checkout_sessions/{id}/pay`` takes ``{"card": "4242…", "email"?, "name"?}`` and does what
  a submit of the hosted page does (sandbox.resources.checkout_page.pay); ``…/authenticate`` takes
  ``{"outcome": …}`` for the 3D Secure step. Both answer what the page would show, as data:
  ``{"result": "complete" | "requires_action" | "failed", "message", "redirect_url", "checkout_session"}``.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from sandbox import _ids
from sandbox._api import Context, route
from sandbox._errors import StripeError, invalid_request
from sandbox.resources import checkout_page, payment_intents, setup_intents
from sandbox.resources import checkout_sessions as sessions

T = TypeVar("T")


def error_response(error: StripeError) -> Response:
    request_id = _ids.new_id("req")
    return JSONResponse(error.body(request_id), status_code=error.status, headers={"Request-Id": request_id})


async def _payload(request: Request) -> dict[str, Any] | None:
    raw = await request.body()
    try:
        payload = json.loads(raw) if raw else {}
    except ValueError:
        return None
    return payload if isinstance(payload, dict) else None


async def _outcome(request: Request) -> bool:
    payload = await _payload(request)
    outcome = payload.get("outcome") if payload is not None else None
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


# --- the hosted Checkout page, as data ---------------------------------------------------------------------


async def _card_form(request: Request) -> dict[str, str]:
    payload = await _payload(request)
    usage = 'Send a JSON body {"card": "4242424242424242"} (a test card), optionally "email" and "name".'
    if payload is None or not isinstance(payload.get("card"), str) or not payload["card"]:
        raise invalid_request(usage, param="card")
    unknown = sorted(set(payload) - {"card", "email", "name"})
    if unknown:
        raise invalid_request(f"Unknown field(s): {', '.join(unknown)}. {usage}", param=unknown[0])
    for name in ("email", "name"):
        if payload.get(name) is not None and not isinstance(payload[name], str):
            raise invalid_request(f'"{name}" must be a string (or left out).', param=name)
    return {k: str(v) for k, v in payload.items() if v is not None}


def _attempt(
    outcome: checkout_page.Outcome | None, failure: str | None, session: dict[str, Any]
) -> dict[str, Any]:
    if outcome is not None and outcome.redirect is not None:
        result, message = "complete", None
    elif outcome is not None and outcome.authenticate:
        result, message = "requires_action", "The card needs 3D Secure: authenticate the payment."
    else:
        result = "failed"
        message = failure or (outcome.error if outcome else None) or "The payment could not be completed."
    return {
        "object": "sandbox.checkout_attempt",
        "result": result,
        "message": message,
        "redirect_url": (outcome.redirect or None) if outcome is not None else None,
        "checkout_session": session,
    }


async def _checkout(
    request: Request,
    read: Callable[[Request], Awaitable[T]],
    act: Callable[[Context, dict[str, Any], T], checkout_page.Outcome],
) -> Response:
    runtime = request.app.state.runtime
    session_id = request.path_params["session"]
    try:
        auth = runtime.secret_auth(request.headers.get("authorization"))
        given = await read(request)

        def work() -> dict[str, Any]:
            outcome: checkout_page.Outcome | None = None
            failure: str | None = None
            try:
                with runtime.context(auth.account) as ctx:
                    session = ctx.load(sessions.KIND, session_id, param="session")
                    sessions.refresh(ctx, session)
                    if session["status"] != "open":
                        raise invalid_request(
                            f"This Checkout Session is {session['status']}: only an open one can be paid.",
                            param="session",
                        )
                    outcome = act(ctx, session, given)
            except StripeError as problem:
                if problem.param == "session":
                    raise
                failure = problem.message  # rolled back, as the page does (a declined first invoice)
            with runtime.context(auth.account) as ctx:
                after = ctx.load(sessions.KIND, session_id, param="session")
            return _attempt(outcome, failure, after)

        return JSONResponse(await run_in_threadpool(work))
    except StripeError as error:
        return error_response(error)


@route("/_sandbox/checkout_sessions/{session}/pay", methods=("POST",))
async def pay_checkout(request: Request) -> Response:
    return await _checkout(request, _card_form, checkout_page.pay)


@route("/_sandbox/checkout_sessions/{session}/authenticate", methods=("POST",))
async def authenticate_checkout(request: Request) -> Response:
    return await _checkout(request, _outcome, checkout_page.authenticate)
