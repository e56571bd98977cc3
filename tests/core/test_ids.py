"""One id table (``core.ids``) for the key inspector, the runner's id checks and the Actions page pickers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from core import catalog, ids
from core.client import Target
from core.keys import KeyKind, inspect_key
from core.runner import run
from core.secrets import Secret

ROOT = Path(__file__).resolve().parents[2]


def test_prefixes_are_unique_and_every_list_action_exists_and_lists_that_object() -> None:
    prefixes = [kind.prefix for kind in ids.ID_KINDS]
    assert len(prefixes) == len(set(prefixes))
    listed = [kind for kind in ids.ID_KINDS if kind.list_action]
    assert listed
    for kind in listed:
        action = catalog.get(kind.list_action or "")
        assert action.is_list
        assert action.object_kind == kind.object


def test_every_id_input_of_the_catalog_has_a_known_prefix() -> None:
    for action in catalog.ACTIONS:
        for inp in action.inputs:
            for prefix in inp.id_prefix:
                assert ids.by_prefix(prefix) is not None, (action.id, inp.name, prefix)


@pytest.mark.parametrize(
    ("value", "label"),
    [
        ("sub_sched_1AbCdEf", "Subscription schedule"),
        ("sub_1AbCdEf", "Subscription"),
        ("li_1AbCdEf", "Line item"),
    ],
)
def test_the_longest_prefix_wins(value: str, label: str) -> None:
    found = ids.kind_of(value)
    assert found is not None
    assert found.label == label


def test_the_key_inspector_and_the_runner_name_an_id_the_same_way() -> None:
    pasted = "pi_3ABCdef123"
    report = inspect_key(pasted)
    assert report.kind is KeyKind.OBJECT_ID
    assert report.object_label == "PaymentIntent"
    nowhere = Target(Secret("sk_test_" + "x" * 24), "http://127.0.0.1:9")
    blocked = run("retrieve_product", {"id": pasted}, target=nowhere)
    assert blocked.blocked  # stopped by the id check, before anything is sent
    assert "looks like a PaymentIntent ID" in blocked.warnings[0].message


def test_no_other_module_keeps_an_id_prefix_table() -> None:
    """The tables this replaced (keys._OBJECT_PREFIXES, _runner_inputs.ID_KINDS, action_form.PICKER_LISTS)."""
    table_like = re.compile(r'^\s*"(?:prod|cus|pi|seti)_?":\s', re.MULTILINE)
    offenders = [
        str(path.relative_to(ROOT))
        for folder in ("core", "ui", "pages")
        for path in (ROOT / folder).rglob("*.py")
        if path.name != "ids.py" and table_like.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
