"""The catalog as data: WeWeb's 38 actions, the Setup page's availability, and shapes every consumer needs."""

from __future__ import annotations

import inspect
import re

import pytest
import stripe

from core import catalog
from core.catalog import Availability, InputKind

WEWEB_38 = {
    "Products": ["List Products", "Retrieve Product", "Create Product", "Update Product", "Delete Product"],
    "Prices": ["List Prices", "Retrieve Price", "Create Price", "Update Price", "Deactivate Price"],
    "Customers": [
        "List Customers",
        "Retrieve Customer",
        "Create Customer",
        "Update Customer",
        "Delete Customer",
    ],
    "Invoices": ["List Invoices", "Retrieve Invoice", "Create Invoice", "Update Invoice", "Delete Invoice"],
    "Invoice Items": ["Create Invoice Item"],
    "Subscriptions": [
        "List Subscriptions",
        "Retrieve Subscription",
        "Create Subscription",
        "Update Subscription",
        "Cancel Subscription",
    ],
    "Payment Intents": [
        "List Payment Intents",
        "Retrieve Payment Intent",
        "Create Payment Intent",
        "Update Payment Intent",
        "Cancel Payment Intent",
    ],
    "Refunds": ["Refund Payment"],
    "Checkout Sessions": [
        "Create Checkout Session",
        "Update Checkout Session",
        "Retrieve Checkout Session",
        "List Checkout Sessions",
        "List Checkout Session Line Items",
        "Expire Checkout Session",
    ],
}


def test_the_38_weweb_actions_are_all_there_by_name_and_group() -> None:
    listed = catalog.weweb_reference_actions()
    assert len(listed) == 38
    assert {(a.group, a.name) for a in listed} == {(g, n) for g, names in WEWEB_38.items() for n in names}


def test_backend_only_operations_of_the_setup_page_exist() -> None:
    names = {a.name for a in catalog.ACTIONS if a.availability is Availability.BACKEND_ONLY}
    expected = {
        "Create Setup Intent",
        "Confirm Setup Intent",
        "Cancel Setup Intent",
        "Retrieve Setup Intent",
        "List Setup Intents",
        "Retrieve Charge",
        "List Charges",
        "Create Payment Method",
        "Attach Payment Method",
        "Detach Payment Method",
        "List Payment Methods",
        "Create Coupon",
        "Create Promotion Code",
        "Create Tax Rate",
        "Create Credit Note",
        "Preview Credit Note",
        "Void Credit Note",
        "Update Checkout Session",
        "Retrieve Checkout Session",
        "List Checkout Sessions",
        "List Checkout Session Line Items",
        "Expire Checkout Session",
        "Retrieve Invoice Item",
        "Update Invoice Item",
        "Delete Invoice Item",
        "List Invoice Items",
        "Confirm Payment Intent",
        "Capture Payment Intent",
        "Finalize Invoice",
        "Pay Invoice",
        "Void Invoice",
    }
    assert expected <= names


def test_setup_page_wins_on_editor_availability() -> None:
    assert catalog.get("create_checkout_session").availability is Availability.IN_EDITOR
    assert catalog.get("retrieve_checkout_session").availability is Availability.BACKEND_ONLY
    assert catalog.get("create_invoice_item").availability is Availability.IN_EDITOR
    assert catalog.get("list_invoice_items").availability is Availability.BACKEND_ONLY
    assert "custom API" in catalog.get("create_setup_intent").availability_note
    assert catalog.get("create_setup_intent").weweb_doc.endswith("setup.html")


@pytest.mark.parametrize("action", catalog.ACTIONS, ids=lambda a: a.id)
def test_every_action_is_well_formed(action: catalog.Action) -> None:
    assert re.fullmatch(r"[a-z_]+", action.id)
    assert action.method in ("GET", "POST", "DELETE")
    assert action.path.startswith("/v1/")
    assert action.stripe_doc.startswith("https://docs.stripe.com/api/")
    placeholders = re.findall(r"{(\w+)}", action.path)
    assert placeholders == [i.name for i in action.path_inputs]
    names = [i.name for i in action.inputs]
    assert len(names) == len(set(names)), "duplicate input names"
    for inp in action.inputs:
        if inp.kind is InputKind.ENUM:
            assert inp.choices
        if inp.kind is InputKind.ID:
            assert inp.id_prefix
        if inp.currency_input is not None:
            assert inp.is_amount
            assert action.input(inp.currency_input).kind is InputKind.CURRENCY
    assert action.permission.startswith("rak_")
    assert action.permission.endswith("_write" if action.method != "GET" else "_read")


@pytest.mark.parametrize("action", catalog.ACTIONS, ids=lambda a: a.id)
def test_sdk_call_exists_on_stripe_client_and_takes_the_path_ids(action: catalog.Action) -> None:
    target: object = stripe.StripeClient("sk_test_catalog").v1
    for part in action.sdk_call.split(".")[1:]:
        target = getattr(target, part)
    assert callable(target)
    positional = [
        p
        for p in inspect.signature(target).parameters.values()
        if p.kind is inspect.Parameter.POSITIONAL_ONLY and p.name not in ("params", "options")
    ]
    assert len(positional) == len(action.path_inputs)


def test_prices_use_the_legacy_plan_permission() -> None:
    assert catalog.get("create_price").permission == "rak_plan_write"
    assert catalog.get("list_prices").permission == "rak_plan_read"
    assert catalog.get("deactivate_price").fixed_params == {"active": False}


def test_amount_inputs_name_their_currency_and_purpose() -> None:
    amount = catalog.get("create_payment_intent").input("amount")
    assert amount.is_amount
    assert amount.currency_input == "currency"
    assert amount.amount_purpose == "payment"
    assert catalog.get("create_price").input("unit_amount").amount_purpose == "price"
    assert catalog.get("refund_payment").input("amount").amount_purpose == "refund"
    assert catalog.get("create_invoice_item").input("amount").allow_negative


def test_lookups() -> None:
    assert catalog.get("create_price").name == "Create Price"
    assert [a.name for a in catalog.by_group("refunds")] == ["Refund Payment"]
    assert catalog.GROUPS[0] == "Products"
    assert {a.id for a in catalog.search("cancel payment")} >= {"cancel_payment_intent"}
    assert [a.id for a in catalog.search("v1.prices.create")] == ["create_price"]
    assert catalog.search("") == catalog.ACTIONS
    with pytest.raises(KeyError, match="Did you mean"):
        catalog.get("create_prices")
    with pytest.raises(KeyError, match="Groups:"):
        catalog.by_group("Payment Links")
    with pytest.raises(KeyError, match="its inputs"):
        catalog.get("create_price").input("amount")


def test_each_resource_states_its_shared_facts_once_and_its_actions_follow_them() -> None:
    resources = catalog.RESOURCES
    assert [r.group for r in resources] == list(catalog.GROUPS)
    for action in catalog.ACTIONS:
        resource = action.resource
        assert resource is not None, action.id
        assert (action.group, action.permission_stem) == (resource.group, resource.permission_stem)
        assert action.stripe_doc.startswith(f"https://docs.stripe.com/api/{resource.docs}/")


def test_the_editor_limitations_table_is_derived_from_the_catalog() -> None:
    from core import pitfalls

    limited = {r.key: r for r in catalog.RESOURCES if r.editor_limitation}
    assert (
        set(pitfalls.EDITOR_LIMITATIONS)
        == set(limited)
        == {
            "setup_intents",
            "charges",
            "payment_methods",
            "checkout_sessions",
            "invoice_items",
        }
    )
    for key, (pitfall_id, label, available) in pitfalls.EDITOR_LIMITATIONS.items():
        pitfalls.get(pitfall_id)  # every derived row has its catalog entry
        resource = limited[key]
        assert label == resource.group
        in_editor = {
            a.operation for a in catalog.by_group(resource.group) if a.availability.value == "in_editor"
        }
        assert available == in_editor
    assert pitfalls.EDITOR_LIMITATIONS["checkout_sessions"][2] == {"create"}
    assert pitfalls.EDITOR_LIMITATIONS["setup_intents"][2] == frozenset()
