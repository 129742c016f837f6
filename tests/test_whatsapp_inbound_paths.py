"""
parse_webhook names the exact path of what is wrong, although it builds no path for a good body.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from layanan_aduan import examples
from layanan_aduan.adapters.whatsapp import WebhookLimits, parse_webhook
from layanan_aduan.adapters.whatsapp import inbound as _inbound
from layanan_aduan.exceptions import WebhookPayloadError

DOCUMENT = json.loads(examples.whatsapp_webhook())

# Every string the parser reads from the bundled example, by path, and what a wrong value gives.
_VALUE = "entry[0].changes[0].value"
_READ = {
    "entry[0].id": "wrong_type",
    f"{_VALUE}.metadata.display_phone_number": "wrong_type",
    f"{_VALUE}.metadata.phone_number_id": "wrong_type",
    f"{_VALUE}.contacts[0].wa_id": "wrong_type",
    f"{_VALUE}.contacts[0].profile.name": "wrong_type",
    f"{_VALUE}.messages[0].from": "wrong_type",
    f"{_VALUE}.messages[0].id": "wrong_type",
    f"{_VALUE}.messages[0].timestamp": "invalid_timestamp",
    f"{_VALUE}.messages[0].type": "wrong_type",
    f"{_VALUE}.messages[0].text.body": "wrong_type",
    f"{_VALUE}.messages[1].id": "wrong_type",
    f"{_VALUE}.messages[1].image.id": "wrong_type",
    f"{_VALUE}.messages[1].image.mime_type": "wrong_type",
    f"{_VALUE}.messages[1].image.caption": "wrong_type",
}


def _leaves(value: Any, path: str) -> Iterator[tuple[str, list[Any] | dict[str, Any], Any]]:
    """(path as the parser writes it, container, key) of every string in ``value``."""
    items = enumerate(value) if isinstance(value, list) else value.items()
    for key, item in items:
        where = f"{path}[{key}]" if isinstance(value, list) else f"{path}.{key}" if path else key
        if isinstance(item, str):
            yield where, value, key
        elif isinstance(item, dict | list):
            yield from _leaves(item, where)


def _mutated(path: str, new: Any) -> bytes:
    document = copy.deepcopy(DOCUMENT)
    for where, container, key in _leaves(document["entry"], "entry"):
        if where == path:
            container[key] = new
            return json.dumps(document).encode()
    raise AssertionError(f"no string at {path}")


def test_the_table_covers_the_strings_the_parser_reads() -> None:
    """Each path of the table is a string of the example (the table is not stale)."""
    found = {where for where, _, _ in _leaves(DOCUMENT["entry"], "entry")}
    assert set(_READ) <= found


@pytest.mark.parametrize(("path", "code"), sorted(_READ.items()))
def test_a_wrong_value_is_named_by_its_exact_path(path: str, code: str) -> None:
    """A boolean where a string or timestamp belongs is refused (strict) with its path and code."""
    with pytest.raises(WebhookPayloadError) as raised:
        parse_webhook(_mutated(path, True), strict=True)
    assert (raised.value.field, raised.value.code) == (path, code)
    assert path in raised.value.message
    assert path in raised.value.message_en


@pytest.mark.parametrize("path", sorted(p for p in _READ if ".messages[" in p))
def test_a_malformed_message_is_skipped_under_its_item_path(path: str) -> None:
    """Without strict, the message is skipped, named by the item's path, its siblings kept."""
    parsed = parse_webhook(_mutated(path, True))
    head, _, rest = path.partition(".messages[")
    item = f"{head}.messages[{rest[0]}]"
    assert [(s.code, s.path) for s in parsed.skipped] == [("malformed_item", item)]
    assert len(parsed.messages) == 1


@pytest.mark.parametrize("path", sorted(_READ))
def test_a_lone_surrogate_is_refused_at_its_path(path: str) -> None:
    """A string holding a lone surrogate is refused (strict) as invalid at its path."""
    if path.endswith(".timestamp"):
        return  # not text: a timestamp that is not digits is refused as such (above)
    body = _mutated(path, "PLACEHOLDER").replace(b'"PLACEHOLDER"', b'"\\ud800"')
    with pytest.raises(WebhookPayloadError) as raised:
        parse_webhook(body, strict=True)
    assert (raised.value.field, raised.value.code) == (path, "invalid_string")


# --- the shape limits: the quick checks never hide a violation -----------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=6) | st.dictionaries(st.text(max_size=8), inner, max_size=6)
    ),
    max_leaves=40,
)


@given(
    json_values,
    st.integers(1, 6),
    st.integers(1, 8),
    st.integers(1, 14),
)
def test_the_shape_is_refused_exactly_as_the_full_walk_refuses_it(
    document: Any, depth: int, items: int, string: int
) -> None:
    """Whatever the body, the refusal (code and path), or none, is the full walk's."""
    limits = WebhookLimits(max_depth=depth, max_list_length=items, max_string_length=string)
    body = json.dumps({"object": "other", "entry": document}).encode()
    expected = _outcome(lambda: _inbound._refuse_shape(json.loads(body), limits))
    got = _outcome(lambda: parse_webhook(body, limits=limits))
    if expected is None:
        assert got is None or got[0] not in {"too_deep", "too_many_items", "string_too_long"}
    else:
        assert got == expected


def _outcome(run: Any) -> tuple[str, str | None] | None:
    try:
        run()
    except WebhookPayloadError as error:
        return error.code, error.field
    return None
