"""Bracket-notation decoding: what the SDK encodes, the sandbox decodes back (property-based)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from hypothesis import given
from hypothesis import strategies as st

from sandbox._forms import decode, encode, split_key

keys = st.text(
    alphabet=st.characters(blacklist_characters="[]&=", blacklist_categories=("Cs",)), min_size=1, max_size=8
)
leaves = st.text(max_size=12)
forms = st.recursive(
    leaves,
    lambda children: st.dictionaries(keys, children, min_size=1, max_size=4),
    max_leaves=12,
).filter(lambda value: isinstance(value, dict))


@given(forms)
def test_decode_inverts_encode(form: dict[str, Any]) -> None:
    assert decode(urlencode(encode(form))) == form


def test_array_forms() -> None:
    assert decode("expand[]=a&expand[]=b") == {"expand": {"0": "a", "1": "b"}}
    assert decode("items[0][price]=p&items[0][quantity]=2&items[1][price]=q") == {
        "items": {"0": {"price": "p", "quantity": "2"}, "1": {"price": "q"}}
    }
    assert decode("metadata[order id]=6735&created[gte]=10") == {
        "metadata": {"order id": "6735"},
        "created": {"gte": "10"},
    }


def test_split_key_keeps_malformed_tails() -> None:
    assert split_key("a[b][0][]") == ["a", "b", "0", ""]
    assert split_key("a[b") == ["a[b"]
    assert split_key("a[b]c") == ["a", "bc"]
