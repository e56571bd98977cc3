"""The hosted pages a person's browser opens: Checkout, the 3D Secure challenge, and charge receipts.

Plain server-rendered HTML with inline styles, no scripts and no external assets, so the pages work offline
and in any browser. Like Stripe's, they need no API key: the account and the unguessable object id in the
URL are the credential, which is why every page only shows and acts on that one object.

Paying runs the real API code paths (PaymentIntents, SetupIntents, Subscriptions) in one transaction per
click. A decline re-renders the form with the card's message and leaves the session open; a card that
needs 3D Secure gets an extra "Complete / Fail authentication" step; success redirects (303) to the
session's ``success_url`` with ``{CHECKOUT_SESSION_ID}`` filled in.
"""

from __future__ import annotations

import datetime as dt
import html
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from sandbox import _test_cards as cards
from sandbox import hosted_pages
from sandbox._api import Context, route
from sandbox._currencies import format_money
from sandbox._errors import StripeError
from sandbox._test_cards import TestCard
from sandbox.resources import checkout_sessions as sessions
from sandbox.resources import payment_intents, payment_methods, setup_intents

# --- outcome of one click ---------------------------------------------------------------------------------


@dataclass
class Outcome:
    """What a page action leads to: a redirect, or a page to show (with an optional error or 3DS step)."""

    redirect: str | None = None
    error: str | None = None
    authenticate: bool = False
    notice: str | None = None


def _runtime(request: Request) -> Any:
    return request.app.state.runtime


def _known_account(request: Request, account: str) -> bool:
    return bool(account.startswith("acct_") and _runtime(request).store.account_row(account) is not None)


# --- HTML -----------------------------------------------------------------------------------------------

_STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;background:#f6f8fa;color:#1a1f36;margin:0}
main{max-width:760px;margin:32px auto;background:#fff;border-radius:10px;box-shadow:0 2px 10px #0001;
padding:28px}
h1{font-size:1.3rem;margin:0 0 4px} .muted{color:#697386;font-size:.9rem}
table{width:100%;border-collapse:collapse;margin:18px 0}
td,th{padding:8px 4px;border-bottom:1px solid #e3e8ee}
th{text-align:left;font-weight:600;color:#697386;font-size:.85rem} td.num,th.num{text-align:right}
tr.total td{font-weight:700;border-bottom:none;font-size:1.05rem}
label{display:block;margin:12px 0 4px;font-weight:600;font-size:.9rem}
input,select{width:100%;box-sizing:border-box;padding:9px;border:1px solid #cfd7df;border-radius:6px;
font-size:1rem}
.row{display:flex;gap:12px} .row>div{flex:1}
button{margin-top:18px;padding:11px 18px;border:0;border-radius:6px;font-size:1rem;cursor:pointer;
background:#635bff;color:#fff} button.secondary{background:#e3e8ee;color:#1a1f36}
.error{background:#fde8e8;color:#9b1c1c;padding:10px 12px;border-radius:6px;margin:14px 0}
.notice{background:#e6f4ea;color:#1e4620;padding:10px 12px;border-radius:6px;margin:14px 0}
.badge{display:inline-block;background:#ffe7a3;color:#5c4400;border-radius:4px;padding:2px 6px;
font-size:.75rem}
a{color:#635bff}
"""


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    doc = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width,initial-scale=1'>"
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body><main>{body}</main></body></html>"
    )
    return HTMLResponse(doc, status_code=status)


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _interval(price: dict[str, Any]) -> str:
    recurring = price.get("recurring")
    if not recurring:
        return ""
    count = int(recurring.get("interval_count") or 1)
    unit = str(recurring.get("interval"))
    return f" / {unit}" if count == 1 else f" / {count} {unit}s"


def _lines_table(session: dict[str, Any], lines: list[dict[str, Any]]) -> str:
    if not lines:
        return ""
    rows = []
    for line in lines:
        price = line["price"]
        unit = format_money(int(price["unit_amount"]), line["currency"])
        rows.append(
            "<tr data-testid='line-item'>"
            f"<td>{_e(line['description'])}</td><td class='num'>{line['quantity']}</td>"
            f"<td class='num'>{_e(unit)}{_e(_interval(price))}</td>"
            f"<td class='num'>{_e(format_money(line['amount_total'], line['currency']))}</td></tr>"
        )
    currency = str(session["currency"])
    total = format_money(int(session["amount_total"] or 0), currency)
    details = session.get("total_details") or {}
    if details.get("amount_discount"):
        rows.append(
            "<tr data-testid='discount'><td colspan='3'>Discount</td>"
            f"<td class='num'>−{_e(format_money(int(details['amount_discount']), currency))}</td></tr>"
        )
    if details.get("amount_tax"):
        rows.append(
            "<tr data-testid='tax'><td colspan='3'>Tax</td>"
            f"<td class='num'>{_e(format_money(int(details['amount_tax']), currency))}</td></tr>"
        )
    return (
        "<table><thead><tr><th>Item</th><th class='num'>Qty</th><th class='num'>Unit price</th>"
        "<th class='num'>Amount</th></tr></thead><tbody>"
        + "".join(rows)
        + "<tr class='total'><td colspan='3'>Total due today</td>"
        + f"<td class='num' data-testid='total'>{_e(total)}</td></tr></tbody></table>"
    )


def _header(session: dict[str, Any]) -> str:
    what = {"payment": "Pay", "subscription": "Subscribe", "setup": "Save a card"}[session["mode"]]
    return (
        "<p class='muted'><span class='badge'>TEST MODE</span> Local Stripe sandbox · "
        f"{_e(session['id'][:24])}…</p><h1>{what}</h1>"
    )


def _card_options() -> str:
    options = []
    for number in cards.CHECKOUT_PICKER:
        card = cards.CARDS[number]
        options.append(
            f"<option value='{number}'>{_e(cards.format_number(number))} — {_e(card.label)}</option>"
        )
    return "".join(options)


def _action_label(session: dict[str, Any]) -> str:
    if session["mode"] == "setup":
        return "Save card"
    total = format_money(int(session["amount_total"] or 0), str(session["currency"]))
    return f"Subscribe · {total}" if session["mode"] == "subscription" else f"Pay {total}"


def render_form(
    session: dict[str, Any],
    lines: list[dict[str, Any]],
    base: str,
    outcome: Outcome,
    typed: dict[str, str] | None = None,
) -> HTMLResponse:
    """The payment form; ``typed`` keeps what the person entered (never the card number) after a decline."""
    typed = typed or {}
    error = (
        f"<div class='error' role='alert' data-testid='error'>{_e(outcome.error)}</div>"
        if outcome.error
        else ""
    )
    email = typed.get("email") or session.get("customer_email") or ""
    email_field = (
        ""
        if session.get("customer")
        else "<label for='email'>Email</label>"
        f"<input id='email' name='email' type='email' value='{_e(email)}'>"
    )
    cancel = (
        f"<p><a href='{_e(session['cancel_url'])}' data-testid='cancel'>Cancel and go back</a></p>"
        if hosted_pages.is_redirect_url(session.get("cancel_url"))
        else ""
    )
    body = (
        _header(session)
        + _lines_table(session, lines)
        + _promotion_code_box(session, base)
        + error
        + f"<form method='post' action='{_e(base)}' data-testid='pay-form'>"
        + email_field
        + "<label for='card'>Test card</label>"
        + f"<select id='card' name='card'>{_card_options()}</select>"
        + "<label for='number'>…or type a card number</label>"
        + "<input id='number' name='number' inputmode='numeric' autocomplete='off' "
        + "placeholder='4242 4242 4242 4242'>"
        + "<div class='row'><div><label for='exp'>Expiry (MM / YY)</label>"
        + "<input id='exp' name='exp' placeholder='12 / 34'></div>"
        + "<div><label for='cvc'>CVC</label><input id='cvc' name='cvc' placeholder='123'></div></div>"
        + "<label for='name'>Name on card</label>"
        + f"<input id='name' name='name' autocomplete='off' value='{_e(typed.get('name', ''))}'>"
        + f"<button type='submit' data-testid='submit'>{_e(_action_label(session))}</button></form>"
        + cancel
    )
    return _page("Checkout · Stripe sandbox", body)


def _promotion_code_box(session: dict[str, Any], base: str) -> str:
    """Stripe shows an "Add promotion code" field when the session has ``allow_promotion_codes``."""
    if not session.get("allow_promotion_codes"):
        return ""
    applied = session.get("discounts") or []
    if applied:
        return "<p class='notice' data-testid='promo-applied'>Promotion code applied.</p>"
    return (
        f"<form method='post' action='{_e(base)}/promotion_code' data-testid='promo-form'>"
        "<label for='promotion_code'>Promotion code</label>"
        "<div class='row'><div><input id='promotion_code' name='code' autocomplete='off'></div>"
        "<div><button type='submit' class='secondary' data-testid='promo-apply'>Apply</button></div></div>"
        "</form>"
    )


_AUTH_BUTTONS = (
    "<button type='submit' name='outcome' value='succeed' data-testid='auth-succeed'>Complete authentication"
    "</button> <button type='submit' name='outcome' value='fail' class='secondary' data-testid='auth-fail'>"
    "Fail authentication</button>"
)


def render_authenticate(session: dict[str, Any], lines: list[dict[str, Any]], base: str) -> HTMLResponse:
    body = (
        _header(session)
        + _lines_table(session, lines)
        + "<h1>3D Secure authentication</h1>"
        + "<p>Your bank asks you to confirm this payment. In test mode you decide the outcome.</p>"
        + f"<form method='post' action='{_e(base)}/authenticate'>"
        + _AUTH_BUTTONS
        + "</form>"
    )
    return _page("Authenticate · Stripe sandbox", body)


def render_closed(session: dict[str, Any]) -> HTMLResponse:
    if session["status"] == "complete":
        target = str(session.get("success_url") or "").replace("{CHECKOUT_SESSION_ID}", session["id"])
        link = f" <a href='{_e(target)}'>Continue</a>" if hosted_pages.is_redirect_url(target) else ""
        body = (
            "<h1>Already paid</h1><p class='notice' data-testid='complete'>This Checkout Session is complete."
            f"{link}</p>"
        )
        return _page("Checkout complete · Stripe sandbox", body)
    body = "<h1>Session expired</h1><p class='error' data-testid='expired'>This Checkout Session has expired."
    body += "</p>"
    return _page("Checkout expired · Stripe sandbox", body, status=410)


def _not_found(what: str) -> HTMLResponse:
    return _page(
        "Not found · Stripe sandbox", f"<h1>Not found</h1><p class='error'>{_e(what)}</p>", status=404
    )


# --- card input -------------------------------------------------------------------------------------------


class CardInputError(Exception):
    pass


def _card_from_form(form: dict[str, str], now: int) -> tuple[TestCard, int, int]:
    typed = cards.normalize_number(form.get("number", ""))
    number = typed or form.get("card", "")
    card = cards.card_for_number(number) if number else None
    if card is None:
        raise CardInputError(cards.INCORRECT_NUMBER.message)
    year_now = dt.datetime.fromtimestamp(now, tz=dt.UTC).year
    exp = form.get("exp", "").replace(" ", "")
    if not exp:
        return card, 12, year_now + 3
    month_text, _, year_text = exp.partition("/")
    if not (month_text.isdigit() and year_text.isdigit()):
        raise CardInputError("Your card's expiration date is incomplete.")
    month, year = int(month_text), int(year_text)
    year = year + 2000 if year < 100 else year
    if not 1 <= month <= 12:
        raise CardInputError("Your card's expiration month is invalid.")
    if year < year_now:
        raise CardInputError("Your card's expiration year is in the past.")
    cvc = form.get("cvc", "")
    if cvc and (not cvc.isdigit() or len(cvc) not in ((4,) if card.brand == "amex" else (3,))):
        raise CardInputError("Your card's security code is invalid.")
    return card, month, year


# --- the flows ------------------------------------------------------------------------------------------


def _message(pi_or_si: dict[str, Any], key: str) -> str:
    error = pi_or_si.get(key) or {}
    return str(error.get("message") or "The payment could not be completed.")


def _new_payment_intent(ctx: Context, session: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    pi_data = data.get("payment_intent_data") or {}
    pi = payment_intents.build(
        ctx,
        {
            "amount": session["amount_total"],
            "currency": session["currency"],
            "customer": session.get("customer"),
            "payment_method_types": list(session.get("payment_method_types") or ["card"]),
            "capture_method": pi_data.get("capture_method") or "automatic_async",
            "description": pi_data.get("description"),
            "metadata": pi_data.get("metadata") or {},
            "setup_future_usage": pi_data.get("setup_future_usage"),
            "receipt_email": pi_data.get("receipt_email") or session.get("customer_email"),
        },
    )
    ctx.save(pi)
    ctx.emit("payment_intent.created", dict(pi))
    return pi


def _finish_payment(ctx: Context, session: dict[str, Any], pi: dict[str, Any], email: str | None) -> Outcome:
    if pi["status"] in ("succeeded", "requires_capture"):
        customer = None
        if session.get("customer_creation") == "always" and not session.get("customer"):
            # Checkout creates the customer once the payment went through, and links the payment to it.
            customer = _ensure_customer(ctx, session, email, None)
            for kind_id in (pi["id"], pi.get("latest_charge")):
                obj = ctx.get(str(kind_id)) if kind_id else None
                if obj is not None:
                    obj["customer"] = customer
                    ctx.save(obj)
        return Outcome(
            redirect=sessions.complete(
                ctx,
                session,
                email=email,
                payment_intent=pi["id"],
                customer=customer,
                authorized_only=pi["status"] == "requires_capture",
            )
        )
    if pi["status"] == "processing":
        # A bank debit (SEPA): the session completes unpaid; async_payment_succeeded/failed follow.
        return Outcome(
            redirect=sessions.complete(
                ctx, session, email=email, payment_intent=pi["id"], authorized_only=True
            )
        )
    if pi["status"] == "requires_action":
        return Outcome(authenticate=True)
    return Outcome(error=_message(pi, "last_payment_error"))


def _customer_email(session: dict[str, Any], form: dict[str, str]) -> str | None:
    return form.get("email") or session.get("customer_email") or None


def _ensure_customer(ctx: Context, session: dict[str, Any], email: str | None, name: str | None) -> str:
    if session.get("customer"):
        return str(session["customer"])
    from sandbox.resources import customers

    saved = ctx.params
    ctx.params = {k: v for k, v in (("email", email), ("name", name)) if v}
    try:
        customer = customers.create(ctx)
    finally:
        ctx.params = saved
    return str(customer["id"])


def pay(ctx: Context, session: dict[str, Any], form: dict[str, str]) -> Outcome:
    """One submit of the form: try the card the person chose."""
    try:
        card, month, year = _card_from_form(form, ctx.now())
    except CardInputError as problem:
        return Outcome(error=str(problem))
    email = _customer_email(session, form)
    name = form.get("name") or None
    pm = payment_methods.build(
        ctx,
        card,
        exp_month=month,
        exp_year=year,
        billing_details={"email": email, "name": name},
        cvc_given=bool(form.get("cvc")),
    )
    ctx.save(pm)
    return pay_with(ctx, session, pm, email, name)


def pay_with(
    ctx: Context, session: dict[str, Any], pm: dict[str, Any], email: str | None, name: str | None
) -> Outcome:
    """Pay (or set up, or subscribe) the open session with ``pm``, as a submit of the hosted page does. Also
    the CLI's ``POST /v1/payment_pages/{session}/confirm`` (sandbox.resources.payment_pages)."""
    data = sessions.completion_data(ctx, session["id"])
    if data:
        data["buyer"] = {"email": email, "name": name}
        ctx.save(data)
    if session["mode"] == "payment" and int(session.get("amount_total") or 0) == 0:
        # A 100 % discount: nothing to charge, the session completes without a payment.
        return Outcome(redirect=sessions.complete(ctx, session, email=email, name=name))
    if session["mode"] == "payment":
        pi = ctx.get(str(session.get("payment_intent") or "")) if session.get("payment_intent") else None
        reusable = ("requires_payment_method", "requires_confirmation", "requires_action")
        if pi is None or pi.get("status") not in reusable:
            pi = _new_payment_intent(ctx, session, data)
            session["payment_intent"] = pi["id"]
            ctx.save(session)
        pi, _ = payment_intents.confirm_intent(ctx, pi, {"payment_method": pm["id"]})
        return _finish_payment(ctx, session, pi, email)
    if session["mode"] == "setup":
        si = _setup_intent_for(ctx, session)
        try:
            si = setup_intents.confirm_setup(ctx, si, {"payment_method": pm["id"]})
        except StripeError as error:  # the decline was stored by confirm_setup before it raised
            return Outcome(error=error.message)
        if si["status"] == "requires_action":
            return Outcome(authenticate=True)
        return Outcome(
            redirect=sessions.complete(ctx, session, email=email, name=name, setup_intent=si["id"])
        )
    return _subscribe(ctx, session, data, pm, email, name)


def _setup_intent_for(ctx: Context, session: dict[str, Any]) -> dict[str, Any]:
    existing = ctx.get(str(session.get("setup_intent") or "")) if session.get("setup_intent") else None
    if existing is not None and existing.get("status") in (
        "requires_payment_method",
        "requires_confirmation",
    ):
        return existing
    saved = ctx.params
    ctx.params = {
        "payment_method_types": ["card"],
        **({"customer": session["customer"]} if session.get("customer") else {}),
    }
    try:
        si = setup_intents.create(ctx)
    finally:
        ctx.params = saved
    session["setup_intent"] = si["id"]
    ctx.save(session)
    return si


def _invoice_payment_intent(ctx: Context, invoice_id: str) -> dict[str, Any] | None:
    invoice = ctx.get(invoice_id) or {}
    payments = (invoice.get("payments") or {}).get("data") or []
    pi_id = ((payments[0] if payments else {}).get("payment") or {}).get("payment_intent")
    return ctx.get(str(pi_id)) if pi_id else None


def _subscription_done(
    ctx: Context,
    session: dict[str, Any],
    sub_id: str,
    invoice_id: str | None,
    customer: str,
    buyer: dict[str, Any],
) -> Outcome:
    return Outcome(
        redirect=sessions.complete(
            ctx,
            session,
            email=buyer.get("email"),
            name=buyer.get("name"),
            subscription=sub_id,
            invoice=invoice_id,
            customer=customer,
        )
    )


def _subscribe(
    ctx: Context,
    session: dict[str, Any],
    data: dict[str, Any],
    pm: dict[str, Any],
    email: str | None,
    name: str | None,
) -> Outcome:
    """Subscription mode: billing's ``subscriptions.create_from_checkout`` creates and charges it.

    A card that asks for 3D Secure on the first invoice cannot go through ``create_from_checkout`` (it refuses
    anything but an immediate payment), so the subscription is created ``incomplete`` and the page shows the
    authentication step for the invoice's PaymentIntent; billing's invoice watcher settles the invoice (and
    activates the subscription) once that PaymentIntent succeeds, as Stripe does shortly after the payment.
    """
    from sandbox.resources import invoices, subscriptions

    buyer = {"email": email, "name": name}
    customer = _ensure_customer(ctx, session, email, name)
    sub_data = data.get("subscription_data") or {}
    trial = sub_data.get("trial_period_days")
    trial_days = int(trial) if trial not in (None, "", 0, "0") else None
    items = [{"price": line["price"]["id"], "quantity": line["quantity"]} for line in data.get("data", [])]
    pending = data.get("pending_subscription") or {}
    pending_pi = _invoice_payment_intent(ctx, str(pending.get("invoice"))) if pending else None
    card = payment_methods.card_of(pm)
    if pending_pi is not None and pending_pi.get("status") in (
        "requires_payment_method",
        "requires_confirmation",
    ):
        # An earlier try left the first invoice unpaid: pay that invoice with the new card.
        payment_methods.attach_to(ctx, pm, customer)
        pi, _ = payment_intents.confirm_intent(ctx, pending_pi, {"payment_method": pm["id"]})
        return _pending_outcome(ctx, session, pi, pending, customer, buyer)
    if trial_days is None and card.needs_authentication(off_session=False, set_up=True):
        owner = invoices.load_customer(ctx, customer)
        payment_methods.attach_to(ctx, pm, customer)
        sub = subscriptions.create(
            ctx,
            customer=owner,
            items=items,
            payment_behavior="allow_incomplete",
            default_payment_method=str(pm["id"]),
            metadata=sub_data.get("metadata") or {},
            discounts=list(data.get("discount_ids") or []),
        )
        pending = {"subscription": sub["id"], "invoice": sub.get("latest_invoice")}
        data["pending_subscription"] = pending
        data["buyer"] = buyer
        ctx.save(data)
        session["customer"] = customer
        ctx.save(session)
        first = _invoice_payment_intent(ctx, str(pending["invoice"]))
        if first is None:
            return _subscription_done(ctx, session, sub["id"], pending["invoice"], customer, buyer)
        return _pending_outcome(ctx, session, first, pending, customer, buyer)
    sub = subscriptions.create_from_checkout(
        ctx,
        customer=customer,
        items=items,
        payment_method=str(pm["id"]),
        trial_period_days=trial_days,
        metadata=sub_data.get("metadata") or {},
        discounts=list(data.get("discount_ids") or []),
    )
    latest = sub.get("latest_invoice")
    invoice_id = latest.get("id") if isinstance(latest, dict) else latest
    return _subscription_done(ctx, session, sub["id"], invoice_id, customer, buyer)


def _pending_outcome(
    ctx: Context,
    session: dict[str, Any],
    pi: dict[str, Any],
    pending: dict[str, Any],
    customer: str,
    buyer: dict[str, Any],
) -> Outcome:
    if pi["status"] == "succeeded":
        return _subscription_done(
            ctx, session, pending["subscription"], pending.get("invoice"), customer, buyer
        )
    if pi["status"] == "requires_action":
        return Outcome(authenticate=True)
    return Outcome(error=_message(pi, "last_payment_error"))


def authenticate(ctx: Context, session: dict[str, Any], succeed: bool) -> Outcome:
    email = (session.get("customer_details") or {}).get("email") or session.get("customer_email")
    if session["mode"] == "setup":
        si = ctx.get(str(session.get("setup_intent") or ""))
        if si is None or si.get("status") != "requires_action":
            return Outcome(error="There is no card waiting for authentication.")
        si = setup_intents.authenticate_setup(ctx, si, succeed=succeed)
        if si["status"] == "succeeded":
            return Outcome(redirect=sessions.complete(ctx, session, email=email, setup_intent=si["id"]))
        return Outcome(error=_message(si, "last_setup_error"))
    data = sessions.completion_data(ctx, session["id"])
    buyer = data.get("buyer") or {}
    email = email or buyer.get("email")
    pending = data.get("pending_subscription") if session["mode"] == "subscription" else None
    if pending:
        pi = _invoice_payment_intent(ctx, str(pending.get("invoice")))
    else:
        pi = ctx.get(str(session.get("payment_intent") or ""))
    if pi is None or pi.get("status") != "requires_action":
        return Outcome(error="There is no payment waiting for authentication.")
    pi, _ = payment_intents.authenticate(ctx, pi, succeed=succeed)
    if pending:
        return _pending_outcome(ctx, session, pi, pending, str(session.get("customer")), buyer)
    return _finish_payment(ctx, session, pi, email)


# --- routes ---------------------------------------------------------------------------------------------


async def _form(request: Request) -> dict[str, str]:
    raw = (await request.body()).decode("utf-8", errors="replace")
    return {k: v for k, v in urllib.parse.parse_qsl(raw, keep_blank_values=True)}


async def _session_action(
    request: Request,
    action: Callable[[Context, dict[str, Any]], Outcome] | None,
    typed: dict[str, str] | None = None,
) -> Response:
    account = request.path_params["account"]
    session_id = request.path_params["session"]
    base = f"{sessions.PAGE_PATH}/{account}/{session_id}"
    if not _known_account(request, account):
        return _not_found("This Checkout Session does not exist.")
    runtime = _runtime(request)

    def work() -> Response:
        outcome: Outcome | None = None
        failure: str | None = None
        try:
            with runtime.context(account) as ctx:
                session = ctx.get(session_id)
                if session is None or session.get("object") != sessions.KIND:
                    return _not_found("This Checkout Session does not exist.")
                sessions.refresh(ctx, session)
                if session["status"] != "open":
                    return render_closed(session)
                if action is not None:
                    outcome = action(ctx, session)
        except StripeError as problem:  # rolled back (e.g. a subscription's first payment was declined)
            failure = problem.message
        with runtime.context(account) as ctx:
            session = ctx.get(session_id) or {}
            lines = sessions.stored_lines(ctx, session_id)
        if outcome is not None and outcome.redirect is not None:
            if not outcome.redirect:
                return _page(
                    "Complete · Stripe sandbox", "<h1>Thank you</h1><p class='notice'>Payment complete.</p>"
                )
            return RedirectResponse(outcome.redirect, status_code=303)
        if session.get("status") != "open":
            return render_closed(session)
        if outcome is not None and outcome.authenticate:
            return render_authenticate(session, lines, base)
        error = failure or (outcome.error if outcome else None)
        return render_form(session, lines, base, Outcome(error=error), typed)

    return await run_in_threadpool(work)


@route(sessions.PAGE_PATH + "/{account}/{session}", methods=("GET", "POST"))
async def checkout_page(request: Request) -> Response:
    if request.method == "GET":
        return await _session_action(request, None)
    form = await _form(request)
    kept = {k: form[k] for k in ("email", "name") if form.get(k)}
    return await _session_action(request, lambda ctx, session: pay(ctx, session, form), kept)


@route(sessions.PAGE_PATH + "/{account}/{session}/promotion_code", methods=("POST",))
async def checkout_promotion_code(request: Request) -> Response:
    """The code box: applying a code re-renders the page with its discount, or says why it does not apply."""
    form = await _form(request)

    def apply(ctx: Context, session: dict[str, Any]) -> Outcome:
        return Outcome(error=sessions.apply_promotion_code(ctx, session, form.get("code", "")))

    return await _session_action(request, apply)


@route(sessions.PAGE_PATH + "/{account}/{session}/authenticate", methods=("POST",))
async def checkout_authenticate(request: Request) -> Response:
    form = await _form(request)
    succeed = form.get("outcome") == "succeed"
    return await _session_action(request, lambda ctx, session: authenticate(ctx, session, succeed))


# --- 3D Secure challenge for PaymentIntents / SetupIntents confirmed through the API ---------------------


@route("/_sandbox/3ds/{account}/{intent}", methods=("GET", "POST"))
async def challenge(request: Request) -> Response:
    """Where ``next_action`` sends the customer: complete or fail 3D Secure, then back to ``return_url``."""
    account, intent_id = request.path_params["account"], request.path_params["intent"]
    if not _known_account(request, account):
        return _not_found("Unknown payment.")
    form = await _form(request) if request.method == "POST" else {}
    secret = form.get("client_secret") or request.query_params.get("client_secret", "")
    runtime = _runtime(request)

    def work() -> Response:
        with runtime.context(account) as ctx:
            intent = ctx.get(intent_id)
            if intent is None or intent.get("object") not in ("payment_intent", "setup_intent"):
                return _not_found("Unknown payment.")
            if secret != intent.get("client_secret"):
                return _not_found("This link is incomplete: it needs the intent's client_secret.")
            next_action = intent.get("next_action") or {}
            return_url = str((next_action.get("redirect_to_url") or {}).get("return_url") or "")
            if request.method == "GET" or intent.get("status") != "requires_action":
                if intent.get("status") != "requires_action":
                    return _page("3D Secure · Stripe sandbox", "<h1>Nothing to authenticate</h1>")
                amount = (
                    format_money(int(intent["amount"]), str(intent["currency"]))
                    if "amount" in intent
                    else "a card"
                )
                body = (
                    "<p class='muted'><span class='badge'>TEST MODE</span> Local Stripe sandbox</p>"
                    f"<h1>3D Secure</h1><p>Confirm {_e(amount)}. In test mode you decide the outcome.</p>"
                    f"<form method='post'><input type='hidden' name='client_secret' value='{_e(secret)}'>"
                    f"{_AUTH_BUTTONS}</form>"
                )
                return _page("3D Secure · Stripe sandbox", body)
            succeed = form.get("outcome") == "succeed"
            if intent["object"] == "payment_intent":
                intent, _ = payment_intents.authenticate(ctx, intent, succeed=succeed)
                key, kind = "payment_intent", "payment_intent"
            else:
                intent = setup_intents.authenticate_setup(ctx, intent, succeed=succeed)
                key, kind = "setup_intent", "setup_intent"
        if hosted_pages.is_redirect_url(return_url):
            sep = "&" if "?" in return_url else "?"
            status = "succeeded" if intent["status"] in ("succeeded", "requires_capture") else "failed"
            query = urllib.parse.urlencode(
                {
                    key: intent["id"],
                    f"{kind}_client_secret": intent["client_secret"],
                    "redirect_status": status,
                }
            )
            return RedirectResponse(f"{return_url}{sep}{query}", status_code=303)
        return _page(
            "3D Secure · Stripe sandbox", f"<h1>Done</h1><p class='notice'>Status: {_e(intent['status'])}</p>"
        )

    return await run_in_threadpool(work)


# --- receipts -------------------------------------------------------------------------------------------


@route("/receipts/{account}/{charge}", methods=("GET",))
async def receipt(request: Request) -> Response:
    account, charge_id = request.path_params["account"], request.path_params["charge"]
    if not _known_account(request, account):
        return _not_found("Unknown receipt.")
    runtime = _runtime(request)

    def work() -> Response:
        with runtime.context(account) as ctx:
            charge = ctx.get(charge_id)
        if charge is None or charge.get("object") != "charge" or charge.get("status") != "succeeded":
            return _not_found("Unknown receipt.")
        card = (charge.get("payment_method_details") or {}).get("card") or {}
        refunded = int(charge.get("amount_refunded") or 0)
        paid = int(charge["amount_captured"] or charge["amount"])
        day = dt.datetime.fromtimestamp(int(charge["created"]), tz=dt.UTC)
        body = (
            "<p class='muted'><span class='badge'>TEST MODE</span> Local Stripe sandbox</p>"
            f"<h1>Receipt</h1><table><tr><td>Amount paid</td><td class='num' data-testid='amount'>"
            f"{_e(format_money(paid, charge['currency']))}</td></tr>"
            + (
                "<tr><td>Refunded</td>"
                f"<td class='num'>{_e(format_money(refunded, charge['currency']))}</td></tr>"
                if refunded
                else ""
            )
            + f"<tr><td>Date</td><td class='num'>{day:%Y-%m-%d}</td></tr>"
            f"<tr><td>Payment method</td><td class='num'>{_e(card.get('brand', ''))} ····"
            f"{_e(card.get('last4', ''))}</td></tr><tr><td>Description</td><td class='num'>"
            f"{_e(charge.get('description') or '')}</td></tr></table>"
        )
        return _page("Receipt · Stripe sandbox", body)

    return await run_in_threadpool(work)
