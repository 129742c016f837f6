"""
Tests of WhatsApp webhook parsing, signature verification and the subscription handshake.
"""

# ruff: noqa: S106 - the secrets here are test values

from __future__ import annotations

import contextlib
import copy
import json
import logging
from typing import Any

import attrs
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from layanan_aduan.adapters.whatsapp import (
    DeliveryStatus,
    InteractiveReply,
    MessageKind,
    WebhookLimits,
    WhatsAppConfig,
    WhatsAppWebhook,
    answer_subscription,
    compute_signature,
    parse_webhook,
    verify_signature,
)
from layanan_aduan.exceptions import (
    InvalidMessageError,
    MessagingConfigurationError,
    MessagingError,
    WebhookPayloadError,
    WebhookSignatureError,
    WebhookVerificationError,
)
from layanan_aduan.testing.messaging import webhook_documents

# --- the research notes' example payloads (§1a), verbatim -------------------------------------

TEXT_EXAMPLE = """
{
  "object": "whatsapp_business_account",
  "entry": [
    {
      "id": "102290129340398",
      "changes": [
        {
          "value": {
            "messaging_product": "whatsapp",
            "metadata": {
              "display_phone_number": "6281100001111",
              "phone_number_id": "106540352242922"
            },
            "contacts": [
              { "profile": { "name": "Budi Santoso" }, "wa_id": "6281234567890" }
            ],
            "messages": [
              {
                "from": "6281234567890",
                "id": "wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABIYFDNBMDI4RkU0QjI4QkZFMTNBQTQwAA==",
                "timestamp": "1760000000",
                "type": "text",
                "text": { "body": "Selamat siang, saya ingin melaporkan dugaan pungli di kantor desa." }
              }
            ]
          },
          "field": "messages"
        }
      ]
    }
  ]
}
"""  # noqa: E501 - the notes' example as printed

IMAGE_EXAMPLE = """
{
  "object": "whatsapp_business_account",
  "entry": [
    {
      "id": "102290129340398",
      "changes": [
        {
          "value": {
            "messaging_product": "whatsapp",
            "metadata": { "display_phone_number": "6281100001111", "phone_number_id": "106540352242922" },
            "contacts": [ { "profile": { "name": "Budi Santoso" }, "wa_id": "6281234567890" } ],
            "messages": [
              {
                "from": "6281234567890",
                "id": "wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABIYFDNBQjk5QzdFMjE0RjA4RDc3QjEyAA==",
                "timestamp": "1760000123",
                "type": "image",
                "image": {
                  "caption": "Foto kuitansi pungutan",
                  "mime_type": "image/jpeg",
                  "sha256": "81d3bd8a8db4868c9520ed47186e8b7c5789e61ff79f7f834be6950b808a90d3",
                  "id": "2754859441498128"
                }
              }
            ]
          },
          "field": "messages"
        }
      ]
    }
  ]
}
"""  # noqa: E501 - the notes' example as printed

DOCUMENT_MESSAGE = {
    "from": "6281234567890",
    "id": "wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABIYFDNBRkRFMTIzNDU2Nzg5MDEyMzQ1AA==",
    "timestamp": "1760000456",
    "type": "document",
    "document": {
        "caption": "Surat pernyataan",
        "filename": "laporan_pungli.pdf",
        "mime_type": "application/pdf",
        "sha256": "grwfwe/ZPx0wAbdfbdeFUNItPZ0RylL8gGUvdt3YFqc18SY=",
        "id": "1234567890987654321",
    },
}

STATUS_VALUE = {
    "messaging_product": "whatsapp",
    "metadata": {"display_phone_number": "6281100001111", "phone_number_id": "106540352242922"},
    "statuses": [
        {
            "id": "wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABEYEjgxQkVFRDVBQTVDODFDOTg3MQA=",
            "status": "failed",
            "timestamp": "1760000999",
            "recipient_id": "6281234567890",
            "errors": [
                {
                    "code": 131047,
                    "title": "Re-engagement message",
                    "message": "Re-engagement message",
                    "error_data": {
                        "details": "Message failed to send because more than 24 hours have "
                        "passed since the customer last replied to this number."
                    },
                    "href": "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/",
                }
            ],
        }
    ],
}

METADATA = {"display_phone_number": "6281100001111", "phone_number_id": "106540352242922"}


def envelope(*values: dict[str, Any], field: str = "messages") -> dict[str, Any]:
    """A webhook document with one entry holding one change per value."""
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {"id": "102290129340398", "changes": [{"field": field, "value": v} for v in values]}
        ],
    }


def value_with(*messages: dict[str, Any], contacts: list[Any] | None = None) -> dict[str, Any]:
    """A messages value holding ``messages`` (and contacts for their senders)."""
    if contacts is None:
        contacts = [
            {"profile": {"name": "Budi Santoso"}, "wa_id": m["from"]}
            for m in messages
            if "from" in m
        ]
    return {
        "messaging_product": "whatsapp",
        "metadata": METADATA,
        "contacts": contacts,
        "messages": list(messages),
    }


def body(document: object) -> bytes:
    """The document as WhatsApp would send it."""
    return json.dumps(document).encode("utf-8")


def text_message(i: int = 0, **overrides: Any) -> dict[str, Any]:
    """A text message from a known sender."""
    message = {
        "from": "6281234567890",
        "id": f"wamid.TEST{i:04d}",
        "timestamp": str(1760000000 + i),
        "type": "text",
        "text": {"body": f"Pesan ke-{i}"},
    }
    message.update(overrides)
    return message


# --- the notes' examples ----------------------------------------------------------------------


def test_text_example_parses_into_one_message() -> None:
    """The notes' text example gives its text, sender, instant and business number."""
    parsed = parse_webhook(TEXT_EXAMPLE.encode())
    [message] = parsed.messages
    assert message.kind is MessageKind.TEXT
    assert message.text == "Selamat siang, saya ingin melaporkan dugaan pungli di kantor desa."
    assert message.text_content == message.text
    assert message.sender.key == "6281234567890"
    assert message.sender.key_kind == "wa_id"
    assert message.sender.phone == "+6281234567890"
    assert message.sender.profile_name == "Budi Santoso"
    assert message.sent_at == pendulum.datetime(2025, 10, 9, 8, 53, 20, tz="UTC")
    assert message.sent_at.timezone_name == "UTC"
    assert message.phone_number_id == "106540352242922"
    assert message.business_account_id == "102290129340398"
    assert message.dedupe_key == message.message_id
    assert message.media is None
    assert parsed.statuses == parsed.errors == parsed.skipped == ()


def test_image_example_keeps_media_id_caption_and_opaque_hash() -> None:
    """The notes' image example gives the media id, MIME type, caption and hash as given."""
    [message] = parse_webhook(IMAGE_EXAMPLE.encode()).messages
    assert message.kind is MessageKind.IMAGE
    assert message.media is not None
    assert message.media.media_id == "2754859441498128"
    assert message.media.mime_type == "image/jpeg"
    assert message.media.caption == "Foto kuitansi pungutan"
    assert message.media.sha256 == (
        "81d3bd8a8db4868c9520ed47186e8b7c5789e61ff79f7f834be6950b808a90d3"
    )
    assert message.media.url is None
    assert message.media.filename is None
    assert message.text is None
    assert message.text_content == "Foto kuitansi pungutan"


def test_document_example_keeps_filename_and_base64_hash() -> None:
    """The notes' document example keeps its file name and its base64-looking hash unchanged."""
    [message] = parse_webhook(body(envelope(value_with(DOCUMENT_MESSAGE)))).messages
    assert message.kind is MessageKind.DOCUMENT
    assert message.media is not None
    assert message.media.filename == "laporan_pungli.pdf"
    assert message.media.mime_type == "application/pdf"
    assert message.media.sha256 == "grwfwe/ZPx0wAbdfbdeFUNItPZ0RylL8gGUvdt3YFqc18SY="
    assert message.media.caption == "Surat pernyataan"


def test_status_example_gives_a_failed_status_with_its_error() -> None:
    """The notes' failed-status example gives the status, the recipient and error 131047."""
    parsed = parse_webhook(body(envelope(STATUS_VALUE)))
    [status] = parsed.statuses
    assert status.status is DeliveryStatus.FAILED
    assert status.recipient_id == "6281234567890"
    assert status.at == pendulum.datetime(2025, 10, 9, 9, 9, 59, tz="UTC")
    [error] = status.errors
    assert error.code == 131047
    assert error.title == "Re-engagement message"
    assert error.details is not None
    assert "24 hours" in error.details
    assert status.dedupe_key == f"{status.message_id}#failed"
    assert parsed.messages == ()


def test_media_url_is_kept_but_optional() -> None:
    """A media object's url is kept when present; its absence changes nothing."""
    message = copy.deepcopy(DOCUMENT_MESSAGE)
    message["document"]["url"] = "https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1"
    [parsed] = parse_webhook(body(envelope(value_with(message)))).messages
    assert parsed.media is not None
    assert parsed.media.url == message["document"]["url"]


# --- batches ----------------------------------------------------------------------------------


def test_every_entry_and_change_of_a_batch_is_handled_in_order() -> None:
    """Messages and statuses from two entries of two changes each all come out, in order."""
    document = {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "1",
                "changes": [
                    {"field": "messages", "value": value_with(text_message(0), text_message(1))},
                    {"field": "messages", "value": STATUS_VALUE},
                ],
            },
            {
                "id": "2",
                "changes": [
                    {"field": "messages", "value": value_with(text_message(2))},
                    {"field": "messages", "value": value_with(DOCUMENT_MESSAGE)},
                ],
            },
        ],
    }
    parsed = parse_webhook(body(document))
    assert [m.message_id for m in parsed.messages] == [
        "wamid.TEST0000",
        "wamid.TEST0001",
        "wamid.TEST0002",
        DOCUMENT_MESSAGE["id"],
    ]
    assert [m.business_account_id for m in parsed.messages] == ["1", "1", "2", "2"]
    assert len(parsed.statuses) == 1


@given(webhook_documents())
def test_generated_batches_give_every_message(document: dict[str, Any]) -> None:
    """Every message of any generated batch is parsed, keyed on user_id when present."""
    expected = []
    for entry in document["entry"]:
        for change in entry["changes"]:
            user_ids = {c.get("wa_id"): c.get("user_id") for c in change["value"]["contacts"]}
            for m in change["value"]["messages"]:
                user_id = m.get("from_user_id") or user_ids.get(m.get("from"))
                expected.append((m, user_id or m.get("from")))
    parsed = parse_webhook(body(document))
    assert [m.message_id for m in parsed.messages] == [m["id"] for m, _ in expected]
    for (raw, key), message in zip(expected, parsed.messages, strict=True):
        assert message.sender_key == key
        assert message.sender.wa_id == raw.get("from")
        assert message.sent_at.int_timestamp == int(raw["timestamp"])
    assert parsed.skipped == ()


# --- senders: business-scoped user ids ----------------------------------------------------------


def test_bsuid_only_sender_is_keyed_on_user_id_without_phone() -> None:
    """A username user (user_id, no wa_id, no from) is keyed on the user id, phone None."""
    message = {
        "from_user_id": "ID.13491208655302741918",
        "id": "wamid.BSUID1",
        "timestamp": "1760000000",
        "type": "text",
        "text": {"body": "Lapor"},
    }
    contacts = [
        {
            "profile": {"name": "Siti", "username": "@siti"},
            "user_id": "ID.13491208655302741918",
            "parent_user_id": "ID.ENT.11815799212886844830",
        }
    ]
    [parsed] = parse_webhook(body(envelope(value_with(message, contacts=contacts)))).messages
    assert parsed.sender.key == "ID.13491208655302741918"
    assert parsed.sender.key_kind == "user_id"
    assert parsed.sender.phone is None
    assert parsed.sender.username == "@siti"
    assert parsed.sender.parent_user_id == "ID.ENT.11815799212886844830"
    assert parsed.sender.profile_name == "Siti"


def test_user_id_takes_precedence_over_wa_id() -> None:
    """With both identifiers the key is the user id, and the phone is still known."""
    message = text_message(0, from_user_id="ID.99887766554433")
    [parsed] = parse_webhook(body(envelope(value_with(message)))).messages
    assert parsed.sender.key == "ID.99887766554433"
    assert parsed.sender.phone == "+6281234567890"


def test_user_id_from_contact_when_message_has_only_from() -> None:
    """The contact matching the message's number supplies the user id."""
    contacts = [{"profile": {"name": "Budi"}, "wa_id": "6281234567890", "user_id": "ID.1234567"}]
    message = text_message(0)
    [parsed] = parse_webhook(body(envelope(value_with(message, contacts=contacts)))).messages
    assert parsed.sender.key == "ID.1234567"


def test_sole_contact_identifies_a_message_without_sender_fields() -> None:
    """A message with no from and no from_user_id takes the value's only contact."""
    message = text_message(0)
    del message["from"]
    contacts = [{"profile": {"name": "Siti"}, "user_id": "ID.555666777"}]
    [parsed] = parse_webhook(body(envelope(value_with(message, contacts=contacts)))).messages
    assert parsed.sender.key == "ID.555666777"


def test_message_without_any_sender_is_malformed() -> None:
    """A message whose sender cannot be found is skipped as unknown_sender."""
    message = text_message(0)
    del message["from"]
    parsed = parse_webhook(body(envelope(value_with(message, contacts=[]))))
    [skipped] = parsed.skipped
    assert (skipped.code, skipped.detail) == ("malformed_item", "unknown_sender")
    assert parsed.messages == ()


def test_sender_needs_an_identifier() -> None:
    """A Sender value without user_id and wa_id is refused."""
    from layanan_aduan.adapters.whatsapp import Sender

    with pytest.raises(InvalidMessageError):
        Sender(user_id=None, wa_id=None)


def test_context_gives_reply_and_forward_flags() -> None:
    """A reply's context gives the replied-to id; forwarded flags are read."""
    message = text_message(
        0, context={"from": "6281100001111", "id": "wamid.ORIGINAL", "forwarded": True}
    )
    [parsed] = parse_webhook(body(envelope(value_with(message)))).messages
    assert parsed.context is not None
    assert parsed.context.replied_to_id == "wamid.ORIGINAL"
    assert parsed.context.replied_to_from == "6281100001111"
    assert parsed.context.forwarded is True
    assert parsed.context.frequently_forwarded is False


# --- skipped items ----------------------------------------------------------------------------


def test_unknown_message_types_are_skipped_and_logged_without_personal_data(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Audio and reactions are skipped with their type, id and sender; the log names none."""
    audio = {
        "from": "6281234567890",
        "id": "wamid.AUDIO1",
        "timestamp": "1760000000",
        "type": "audio",
        "audio": {"id": "111", "mime_type": "audio/ogg"},
    }
    weird = {**audio, "id": "wamid.WEIRD1", "type": "Evil Type <script>"}
    caplog.set_level(logging.INFO, logger="layanan_aduan.whatsapp")
    parsed = parse_webhook(body(envelope(value_with(audio, text_message(1), weird))))
    assert [m.message_id for m in parsed.messages] == ["wamid.TEST0001"]
    first, second = parsed.skipped
    assert (first.code, first.item_type, first.message_id, first.sender_key) == (
        "unsupported_message_type",
        "audio",
        "wamid.AUDIO1",
        "6281234567890",
    )
    assert first.path == "entry[0].changes[0].value.messages[0]"
    assert second.item_type == "other"
    logged = caplog.text
    assert "unsupported_message_type" in logged
    for personal in ("6281234567890", "wamid.AUDIO1", "Budi", "<script>"):
        assert personal not in logged


def test_unsupported_message_type_keeps_its_error_codes() -> None:
    """An "unsupported" message's attached error codes are reported."""
    message = {
        "from": "6281234567890",
        "id": "wamid.UNSUP",
        "timestamp": "1760000000",
        "type": "unsupported",
        "errors": [{"code": 131051, "title": "Message type unknown"}],
    }
    [skipped] = parse_webhook(body(envelope(value_with(message)))).skipped
    assert skipped.error_codes == (131051,)


def test_other_fields_and_other_numbers_are_skipped() -> None:
    """A change for another field, or (when filtering) another number, is skipped."""
    other_number = value_with(text_message(0))
    other_number["metadata"] = {"phone_number_id": "999"}
    document = envelope(value_with(text_message(1)), other_number)
    document["entry"][0]["changes"].append(
        {"field": "account_update", "value": {"event": "VERIFIED_ACCOUNT"}}
    )
    parsed = parse_webhook(body(document), phone_number_id="106540352242922")
    assert [m.message_id for m in parsed.messages] == ["wamid.TEST0001"]
    assert [s.code for s in parsed.skipped] == ["other_phone_number", "unsupported_field"]
    assert parsed.skipped[1].item_type == "account_update"
    assert len(parse_webhook(body(document)).messages) == 2


def test_unknown_status_is_skipped_and_played_is_taken() -> None:
    """A status outside sent/delivered/read/failed/played is skipped; played is taken."""
    value = copy.deepcopy(STATUS_VALUE)
    value["statuses"] = [
        {"id": "wamid.S1", "status": "deleted", "timestamp": "1760000000"},
        {
            "id": "wamid.S2",
            "status": "played",
            "timestamp": "1760000000",
            "recipient_user_id": "ID.1234567",
            "biz_opaque_callback_data": "LAP-1:ack",
        },
    ]
    parsed = parse_webhook(body(envelope(value)))
    [status] = parsed.statuses
    assert status.status is DeliveryStatus.PLAYED
    assert status.recipient_user_id == "ID.1234567"
    assert status.recipient_id is None
    assert status.callback_data == "LAP-1:ack"
    assert [s.code for s in parsed.skipped] == ["unsupported_status"]


def test_value_level_errors_are_reported() -> None:
    """Errors in value.errors come out with their path and business number."""
    value = {
        "messaging_product": "whatsapp",
        "metadata": METADATA,
        "errors": [{"code": 131000, "title": "Something went wrong"}],
    }
    [reported] = parse_webhook(body(envelope(value))).errors
    assert reported.error.code == 131000
    assert reported.phone_number_id == "106540352242922"
    assert reported.path == "entry[0].changes[0].value.errors[0]"


# --- answers picked from interactive messages ----------------------------------------------------


def interactive_message(i: int = 0, **interactive: Any) -> dict[str, Any]:
    """An answer picked from a list we sent, replying to it."""
    return {
        "from": "6281234567890",
        "id": f"wamid.PICK{i:04d}",
        "timestamp": str(1760000000 + i),
        "type": "interactive",
        "context": {"from": "6281100001111", "id": "wamid.QUESTION"},
        "interactive": interactive
        or {
            "type": "list_reply",
            "list_reply": {"id": "rating:5:r-1", "title": "5", "description": "Sangat puas"},
        },
    }


def test_a_list_reply_is_an_interactive_message_with_its_row() -> None:
    """A list_reply gives kind INTERACTIVE, the row's id, title and description, no text,
    and the context of the message it answers."""
    [m] = parse_webhook(body(envelope(value_with(interactive_message())))).messages
    assert m.kind is MessageKind.INTERACTIVE
    assert m.reply == InteractiveReply("list_reply", "rating:5:r-1", "5", "Sangat puas")
    assert (m.text, m.text_content, m.media) == (None, None, None)
    assert m.context is not None
    assert m.context.replied_to_id == "wamid.QUESTION"
    assert repr(m.reply) == "InteractiveReply(kind='list_reply', id='rating:5:r-1', title='5')"


def test_a_button_reply_has_no_description() -> None:
    """A button_reply gives its id and title; a description it carries is not taken."""
    picked = interactive_message(
        type="button_reply", button_reply={"id": "ya", "title": "Ya", "description": "x"}
    )
    [m] = parse_webhook(body(envelope(value_with(picked)))).messages
    assert m.reply == InteractiveReply("button_reply", "ya", "Ya")


def test_other_interactive_answers_are_skipped_as_unsupported() -> None:
    """A flow's answer (nfm_reply) or another interactive type is not taken: skipped as an
    unsupported type with its id and sender, so rule 6 answers it."""
    flow = interactive_message(type="nfm_reply", nfm_reply={"response_json": "{}"})
    parsed = parse_webhook(body(envelope(value_with(flow, text_message(1)))))
    assert [m.message_id for m in parsed.messages] == ["wamid.TEST0001"]
    [skipped] = parsed.skipped
    assert (skipped.code, skipped.item_type, skipped.message_id, skipped.sender_key) == (
        "unsupported_message_type",
        "interactive",
        "wamid.PICK0000",
        "6281234567890",
    )


MALFORMED_REPLIES = [
    ({"interactive": None}, "missing_field", "interactive"),
    ({"interactive": "list_reply"}, "wrong_type", "interactive"),
    ({"interactive": {"list_reply": {}}}, "missing_field", "interactive.type"),
    ({"interactive": {"type": "list_reply"}}, "missing_field", "interactive.list_reply"),
    (
        {"interactive": {"type": "list_reply", "list_reply": []}},
        "wrong_type",
        "interactive.list_reply",
    ),
    (
        {"interactive": {"type": "list_reply", "list_reply": {"title": "5"}}},
        "missing_field",
        "interactive.list_reply.id",
    ),
    (
        {"interactive": {"type": "button_reply", "button_reply": {"id": "x", "title": 5}}},
        "wrong_type",
        "interactive.button_reply.title",
    ),
    (
        {"interactive": {"type": "list_reply", "list_reply": {"id": "x" * 257, "title": "5"}}},
        "invalid_interactive_reply",
        "interactive.list_reply",
    ),
    (
        {"interactive": {"type": "list_reply", "list_reply": {"id": "x", "title": "x" * 25}}},
        "invalid_interactive_reply",
        "interactive.list_reply",
    ),
    (
        {"interactive": {"type": "list_reply", "list_reply": {"id": "a\x00b", "title": "5"}}},
        "invalid_interactive_reply",
        "interactive.list_reply",
    ),
    (
        {
            "interactive": {
                "type": "list_reply",
                "list_reply": {"id": "x", "title": "5", "description": "x" * 73},
            }
        },
        "invalid_interactive_reply",
        "interactive.list_reply",
    ),
]


@pytest.mark.parametrize(("override", "code", "where"), MALFORMED_REPLIES)
def test_a_malformed_interactive_answer_is_skipped_and_siblings_kept(
    override: dict[str, Any], code: str, where: str
) -> None:
    """An interactive answer without its part, of the wrong type, too long or with a control
    character is skipped as malformed with its code; the batch's others are kept."""
    bad = {**interactive_message(1), **override}
    parsed = parse_webhook(body(envelope(value_with(text_message(0), bad))))
    assert [m.message_id for m in parsed.messages] == ["wamid.TEST0000"]
    [skipped] = parsed.skipped
    assert (skipped.code, skipped.detail) == ("malformed_item", code)
    with pytest.raises(WebhookPayloadError) as caught:
        parse_webhook(body(envelope(value_with(bad))), strict=True)
    assert caught.value.code == code
    assert caught.value.path == f"entry[0].changes[0].value.messages[0].{where}"


@given(
    st.text(max_size=300),
    st.text(max_size=30),
    st.none() | st.text(max_size=80),
)
def test_any_interactive_answer_is_parsed_or_skipped_never_raised(
    reply_id: str, title: str, description: str | None
) -> None:
    """Whatever a list_reply holds, the parser gives a valid InteractiveReply within the
    bounds or skips the item as malformed; it raises nothing."""
    row: dict[str, Any] = {"id": reply_id, "title": title}
    if description is not None:
        row["description"] = description
    picked = interactive_message(type="list_reply", list_reply=row)
    parsed = parse_webhook(body(envelope(value_with(picked))))
    if parsed.messages:
        [m] = parsed.messages
        assert m.reply is not None
        assert 0 < len(m.reply.id) <= 256
        assert 0 < len(m.reply.title) <= 24
        assert m.reply.description is None or len(m.reply.description) <= 72
    else:
        [skipped] = parsed.skipped
        assert skipped.code == "malformed_item"


def test_a_reply_value_is_checked_when_built() -> None:
    """InteractiveReply refuses an unknown kind and over-long parts itself."""
    with pytest.raises(ValueError, match="kind"):
        InteractiveReply("nfm_reply", "x", "y")  # type: ignore[arg-type]  # deliberately wrong
    with pytest.raises(InvalidMessageError) as info:
        InteractiveReply("list_reply", "x", "y", "z" * 73)
    assert info.value.field == "interactive.description"


# --- malformed items: skipped, good siblings kept; strict raises -------------------------------

MALFORMED_ITEMS = [
    ({"timestamp": "17600000.5"}, "invalid_timestamp", "timestamp"),
    ({"timestamp": True}, "invalid_timestamp", "timestamp"),
    ({"timestamp": 1.5}, "invalid_timestamp", "timestamp"),
    ({"timestamp": None}, "missing_field", "timestamp"),
    ({"id": 12}, "wrong_type", "id"),
    ({"id": ""}, "missing_field", "id"),
    ({"type": ["text"]}, "wrong_type", "type"),
    ({"text": "not an object"}, "wrong_type", "text"),
    ({"text": {"body": None}}, "missing_field", "text.body"),
    ({"text": {"body": "\ud800"}}, "invalid_string", "text.body"),
    ({"from": "not-a-number"}, "invalid_wa_id", "from"),
    ({"from_user_id": "has space"}, "invalid_user_id", "from_user_id"),
    ({"context": {"forwarded": "yes"}}, "wrong_type", "context.forwarded"),
    ({"errors": [{"title": "no code"}]}, "missing_field", "errors[0].code"),
    ({"errors": [{"code": "131000"}]}, "wrong_type", "errors[0].code"),
]


@pytest.mark.parametrize(("override", "code", "where"), MALFORMED_ITEMS)
def test_malformed_message_is_skipped_and_siblings_kept(
    override: dict[str, Any], code: str, where: str
) -> None:
    """A malformed message is skipped with its code and path; the batch's others are kept."""
    bad = text_message(1, **override)
    parsed = parse_webhook(body(envelope(value_with(text_message(0), bad, text_message(2)))))
    assert [m.message_id for m in parsed.messages] == ["wamid.TEST0000", "wamid.TEST0002"]
    [skipped] = parsed.skipped
    assert (skipped.code, skipped.detail) == ("malformed_item", code)
    assert skipped.path == "entry[0].changes[0].value.messages[1]"

    with pytest.raises(WebhookPayloadError) as caught:
        parse_webhook(body(envelope(value_with(text_message(0), bad))), strict=True)
    assert caught.value.code == code
    assert caught.value.path == f"entry[0].changes[0].value.messages[1].{where}"


def test_media_message_without_its_media_is_malformed() -> None:
    """An image message without an image object, or without its id, is malformed."""
    no_object = {**DOCUMENT_MESSAGE, "type": "image"}
    no_id = copy.deepcopy(DOCUMENT_MESSAGE)
    del no_id["document"]["id"]
    parsed = parse_webhook(body(envelope(value_with(no_object, no_id))))
    assert [s.detail for s in parsed.skipped] == ["missing_field", "missing_field"]


def test_malformed_status_contact_and_error_items_are_skipped() -> None:
    """Malformed statuses, contacts and value errors are skipped, each with its path."""
    value = {
        "messaging_product": "whatsapp",
        "metadata": METADATA,
        "contacts": ["not an object"],
        "statuses": [{"id": "wamid.S", "status": "read"}],
        "errors": [7],
    }
    parsed = parse_webhook(body(envelope(value)))
    assert [(s.item_type, s.detail) for s in parsed.skipped] == [
        ("contact", "wrong_type"),
        ("status", "missing_field"),
        ("error", "wrong_type"),
    ]


def test_timestamps_as_integers_are_taken() -> None:
    """An integer timestamp is read as epoch seconds too."""
    [parsed] = parse_webhook(
        body(envelope(value_with(text_message(0, timestamp=1760000000))))
    ).messages
    assert parsed.sent_at == pendulum.from_timestamp(1760000000, tz="UTC")


# --- refused bodies ---------------------------------------------------------------------------

DEEP = b"[" * 100_000 + b"]" * 100_000


@pytest.mark.parametrize(
    ("raw", "code", "path"),
    [
        (b"", "empty_body", "$"),
        (b"  \n", "empty_body", "$"),
        (b"\xff\xfe{}", "invalid_encoding", "$"),
        (TEXT_EXAMPLE.encode()[:-40], "invalid_json", "$"),
        (b'{"object": NaN}', "invalid_json", "$"),
        (b'{"a": ' + b"1" * 5000 + b"}", "invalid_json", "$"),
        (DEEP, "too_deep", "$"),
        (
            b'{"object": "whatsapp_business_account", "entry": [' + b"[" * 40 + b"]" * 40 + b"]}",
            "too_deep",
            "$",
        ),
        (b"[]", "wrong_type", "$"),
        (b'"text"', "wrong_type", "$"),
        (b'{"object": "page", "entry": []}', "unexpected_object", "$.object"),
        (b'{"entry": []}', "unexpected_object", "$.object"),
        (b'{"object": "whatsapp_business_account"}', "missing_field", "$.entry"),
        (b'{"object": "whatsapp_business_account", "entry": {}}', "wrong_type", "$.entry"),
        (b'{"object": "whatsapp_business_account", "entry": [3]}', "wrong_type", "entry[0]"),
        (
            b'{"object": "whatsapp_business_account", "entry": [{}]}',
            "missing_field",
            "entry[0].changes",
        ),
        (
            b'{"object": "whatsapp_business_account", "entry": [{"changes": [{"value": {}}]}]}',
            "missing_field",
            "entry[0].changes[0].field",
        ),
        (
            b'{"object": "whatsapp_business_account", "entry": '
            b'[{"changes": [{"field": "messages"}]}]}',
            "missing_field",
            "entry[0].changes[0].value",
        ),
        (
            b'{"object": "whatsapp_business_account", "entry": [{"changes": '
            b'[{"field": "messages", "value": {"messages": {}}}]}]}',
            "wrong_type",
            "entry[0].changes[0].value.messages",
        ),
    ],
)
def test_refused_bodies_raise_a_typed_error(raw: bytes, code: str, path: str) -> None:
    """Bodies that are not a WhatsApp webhook raise WebhookPayloadError with code and path."""
    with pytest.raises(WebhookPayloadError) as caught:
        parse_webhook(raw)
    assert caught.value.code == code
    assert caught.value.path == path
    assert isinstance(caught.value, MessagingError)
    assert isinstance(caught.value, ValueError)
    assert caught.value.message_en


def test_limits_refuse_oversized_bodies_huge_arrays_and_long_strings() -> None:
    """The configured limits refuse large bodies, long arrays and long strings."""
    document = envelope(value_with(*[text_message(i) for i in range(20)]))
    raw = body(document)
    with pytest.raises(WebhookPayloadError, match="bita") as too_big:
        parse_webhook(raw, limits=WebhookLimits(max_body_bytes=len(raw) - 1))
    assert too_big.value.details == {"size": len(raw), "limit": len(raw) - 1}
    with pytest.raises(WebhookPayloadError) as too_many:
        parse_webhook(raw, limits=WebhookLimits(max_list_length=10))
    assert too_many.value.code == "too_many_items"
    assert too_many.value.path == "$.entry[0].changes[0].value.messages"
    wide = body(
        {"object": "whatsapp_business_account", "entry": [], **{f"k{i}": i for i in range(20)}}
    )
    with pytest.raises(WebhookPayloadError) as too_wide:
        parse_webhook(wide, limits=WebhookLimits(max_list_length=10))
    assert (too_wide.value.code, too_wide.value.path) == ("too_many_items", "$")
    with pytest.raises(WebhookPayloadError) as too_long:
        parse_webhook(raw, limits=WebhookLimits(max_string_length=5))
    assert too_long.value.code == "string_too_long"
    assert len(parse_webhook(raw).messages) == 20


def test_limits_are_validated() -> None:
    """A limit that is not a positive integer is refused."""
    with pytest.raises(MessagingConfigurationError):
        WebhookLimits(max_depth=0)


def test_a_refused_body_is_logged_by_code_only(caplog: pytest.LogCaptureFixture) -> None:
    """The log line for a refused body names the code and path, not the content."""
    caplog.set_level(logging.WARNING, logger="layanan_aduan.whatsapp")
    with pytest.raises(WebhookPayloadError):
        parse_webhook(b'{"nik": "3171234567890001", ')
    assert "invalid_json" in caplog.text
    assert "3171234567890001" not in caplog.text


def test_body_must_be_bytes() -> None:
    """Passing text instead of the raw bytes is a programming error."""
    with pytest.raises(TypeError):
        parse_webhook(TEXT_EXAMPLE)  # type: ignore[arg-type]  # the point of the test


_json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=30,
)


@given(_json_values)
def test_arbitrary_json_raises_nothing_but_payload_errors(value: object) -> None:
    """Any JSON value is parsed or refused with WebhookPayloadError, never anything else."""
    with contextlib.suppress(WebhookPayloadError):
        parse_webhook(body(value))


@given(st.binary(max_size=2000))
def test_arbitrary_bytes_raise_nothing_but_payload_errors(raw: bytes) -> None:
    """Any bytes are parsed or refused with WebhookPayloadError, never anything else."""
    with contextlib.suppress(WebhookPayloadError):
        parse_webhook(raw)


def _paths(node: object, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(node, dict):
        for k, v in node.items():
            found += _paths(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            found += _paths(v, (*path, i))
    return found


@st.composite
def corrupted_documents(draw: st.DrawFn) -> dict[str, Any]:
    """A valid webhook document with one subtree replaced by an arbitrary JSON value."""
    document = draw(webhook_documents(max_entries=2, max_changes=2, max_messages=3))
    path = draw(st.sampled_from(_paths(document)[1:] or [("entry",)]))
    replacement = draw(_json_values)
    node: Any = document
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = replacement
    return document


@given(corrupted_documents())
def test_corrupted_webhooks_raise_nothing_but_payload_errors(document: dict[str, Any]) -> None:
    """A webhook with any one part replaced by junk is parsed or refused, never crashes."""
    try:
        parsed = parse_webhook(body(document))
    except WebhookPayloadError as error:
        refused: WebhookPayloadError | None = error
    else:
        refused = None
        for message in parsed.messages:
            assert message.sender_key
            assert message.sent_at.tzinfo is not None
    if refused is not None:
        assert refused.code
        assert refused.path


# --- values are immutable and never leak personal data ------------------------------------------


def test_values_are_frozen_and_reprs_mask_personal_data() -> None:
    """Parsed values cannot be changed, and reprs show no number, name, id or text whole."""
    [message] = parse_webhook(TEXT_EXAMPLE.encode()).messages
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        message.text = "changed"  # type: ignore[misc]  # the point of the test
    shown = repr(message)
    for personal in (
        "6281234567890",
        "Budi Santoso",
        "pungli",
        "wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABIYFDNBMDI4RkU0QjI4QkZFMTNBQTQwAA==",
    ):
        assert personal not in shown
    [status] = parse_webhook(body(envelope(STATUS_VALUE))).statuses
    assert "6281234567890" not in repr(status)


# --- signature --------------------------------------------------------------------------------

VECTOR_BODY = b'{"object":"whatsapp_business_account","entry":[]}'
VECTOR_SIGNATURE = "sha256=dec6a680679a968e7e0319355b23599cbfc54502c0784668e9618baa0c633756"


def test_signature_test_vectors() -> None:
    """The notes' two HMAC-SHA256 test vectors are reproduced and accepted."""
    assert compute_signature(b"test", "secret") == (
        "sha256=0329a06b62cd16b33eb6792be8c60b158d89a2ee3a876fce9a881ebb488c0914"
    )
    assert compute_signature(VECTOR_BODY, "test_app_secret") == VECTOR_SIGNATURE
    verify_signature(VECTOR_BODY, VECTOR_SIGNATURE, "test_app_secret")
    verify_signature(VECTOR_BODY, f"  {VECTOR_SIGNATURE} ", "test_app_secret")


@pytest.mark.parametrize(
    ("header", "code"),
    [
        (None, "signature_missing"),
        ("", "signature_missing"),
        ("   ", "signature_missing"),
        (VECTOR_SIGNATURE.removeprefix("sha256="), "signature_malformed"),
        ("sha1=" + VECTOR_SIGNATURE.removeprefix("sha256="), "signature_malformed"),
        (VECTOR_SIGNATURE.upper().replace("SHA256=", "sha256="), "signature_malformed"),
        (VECTOR_SIGNATURE[:-2], "signature_malformed"),
        ("sha256=" + "0" * 64, "signature_mismatch"),
        (compute_signature(VECTOR_BODY, "another secret"), "signature_mismatch"),
    ],
)
def test_bad_signatures_are_refused_with_distinct_codes(header: str | None, code: str) -> None:
    """Missing, malformed and mismatched signatures are refused with their own codes."""
    with pytest.raises(WebhookSignatureError) as caught:
        verify_signature(VECTOR_BODY, header, "test_app_secret")
    assert caught.value.code == code
    assert caught.value.field == "X-Hub-Signature-256"


def test_signature_over_reserialised_json_is_refused() -> None:
    """A signature computed over re-serialised JSON does not verify the raw body."""
    reserialised = json.dumps(json.loads(VECTOR_BODY)).encode()
    assert reserialised != VECTOR_BODY
    with pytest.raises(WebhookSignatureError):
        verify_signature(reserialised, VECTOR_SIGNATURE, "test_app_secret")


def test_empty_app_secret_is_a_configuration_error() -> None:
    """Verifying with no app secret is refused, never silently skipped."""
    with pytest.raises(MessagingConfigurationError):
        verify_signature(VECTOR_BODY, VECTOR_SIGNATURE, "")


_secrets = st.text(min_size=1, max_size=40).filter(lambda s: "\x00" not in s)


@given(raw=st.binary(max_size=500), secret=_secrets)
def test_valid_signatures_are_accepted(raw: bytes, secret: str) -> None:
    """The signature computed over any body with any secret verifies."""
    verify_signature(raw, compute_signature(raw, secret), secret)


@given(raw=st.binary(min_size=1, max_size=300), secret=_secrets, data=st.data())
def test_any_bit_flip_of_the_body_is_refused(raw: bytes, secret: str, data: st.DataObject) -> None:
    """Flipping any single bit of the body makes its signature fail."""
    signature = compute_signature(raw, secret)
    bit = data.draw(st.integers(min_value=0, max_value=len(raw) * 8 - 1))
    flipped = bytearray(raw)
    flipped[bit // 8] ^= 1 << (bit % 8)
    with pytest.raises(WebhookSignatureError):
        verify_signature(bytes(flipped), signature, secret)


@given(raw=st.binary(max_size=300), secret=_secrets, data=st.data())
def test_any_bit_flip_of_the_signature_is_refused(
    raw: bytes, secret: str, data: st.DataObject
) -> None:
    """Flipping any single bit of the digest, or of the header's text, is refused."""
    signature = compute_signature(raw, secret)
    digest = bytearray(bytes.fromhex(signature.removeprefix("sha256=")))
    bit = data.draw(st.integers(min_value=0, max_value=255))
    digest[bit // 8] ^= 1 << (bit % 8)
    with pytest.raises(WebhookSignatureError):
        verify_signature(raw, "sha256=" + digest.hex(), secret)

    header = bytearray(signature.encode("ascii"))
    char_bit = data.draw(st.integers(min_value=0, max_value=len(header) * 8 - 1))
    header[char_bit // 8] ^= 1 << (char_bit % 8)
    with pytest.raises(WebhookSignatureError):
        verify_signature(raw, header.decode("latin-1"), secret)


# --- subscription handshake -------------------------------------------------------------------

GOOD_PARAMS = {"hub.mode": "subscribe", "hub.verify_token": "s3cret", "hub.challenge": "1158201444"}


def test_handshake_returns_the_challenge() -> None:
    """A subscribe request with the right token gets its challenge back."""
    assert answer_subscription(GOOD_PARAMS, "s3cret") == "1158201444"


@pytest.mark.parametrize(
    ("override", "code"),
    [
        ({"hub.mode": "unsubscribe"}, "verification_mode_invalid"),
        ({"hub.mode": None}, "verification_mode_invalid"),
        ({"hub.verify_token": "wrong"}, "verification_token_mismatch"),
        ({"hub.verify_token": None}, "verification_token_mismatch"),
        ({"hub.verify_token": "s3cret\ud800"}, "verification_token_mismatch"),
        ({"hub.challenge": None}, "verification_challenge_invalid"),
        ({"hub.challenge": ""}, "verification_challenge_invalid"),
        ({"hub.challenge": "line\nbreak"}, "verification_challenge_invalid"),
        ({"hub.challenge": "x" * 2000}, "verification_challenge_invalid"),
    ],
)
def test_handshake_refusals(override: dict[str, Any], code: str) -> None:
    """A wrong mode, token or challenge is refused with its code (the caller answers 403)."""
    params = {k: v for k, v in {**GOOD_PARAMS, **override}.items() if v is not None}
    with pytest.raises(WebhookVerificationError) as caught:
        answer_subscription(params, "s3cret")
    assert caught.value.code == code


def test_handshake_without_configured_token_is_a_configuration_error() -> None:
    """An empty configured verify token is refused rather than matching an empty one."""
    with pytest.raises(MessagingConfigurationError):
        answer_subscription({**GOOD_PARAMS, "hub.verify_token": ""}, "")


# --- the bundle and its settings ----------------------------------------------------------------


def test_webhook_bundle_verifies_then_parses() -> None:
    """receive() refuses a bad signature, and parses a signed body."""
    hook = WhatsAppWebhook(app_secret="app-secret", verify_token="s3cret")
    raw = TEXT_EXAMPLE.encode()
    with pytest.raises(WebhookSignatureError):
        hook.receive(raw, compute_signature(raw, "other"))
    assert len(hook.receive(raw, compute_signature(raw, "app-secret")).messages) == 1
    assert hook.answer_handshake(GOOD_PARAMS) == "1158201444"


def test_webhook_bundle_refuses_oversized_bodies_before_hashing() -> None:
    """An oversized body is refused as too large even when unsigned."""
    hook = WhatsAppWebhook(
        app_secret="app-secret", verify_token="s3cret", limits=WebhookLimits(max_body_bytes=10)
    )
    with pytest.raises(WebhookPayloadError) as caught:
        hook.receive(b"x" * 11, None)
    assert caught.value.code == "body_too_large"


def test_webhook_bundle_from_config_needs_both_secrets() -> None:
    """Building the receiver from settings without an app secret or verify token is refused."""
    config = WhatsAppConfig(access_token="token", phone_number_id="106540352242922")
    with pytest.raises(MessagingConfigurationError) as caught:
        WhatsAppWebhook.from_config(config)
    assert caught.value.field == "app_secret"
    full = attrs.evolve(config, app_secret="app-secret", verify_token="s3cret")
    hook = WhatsAppWebhook.from_config(full)
    assert hook.phone_number_id == "106540352242922"
    assert "app-secret" not in repr(hook)
    assert "s3cret" not in repr(hook)


def test_config_reads_the_environment_and_hides_secrets() -> None:
    """from_env reads every variable; the repr shows no secret."""
    env = {
        "WHATSAPP_ACCESS_TOKEN": "EAAG-very-secret",
        "WHATSAPP_PHONE_NUMBER_ID": "106540352242922",
        "WHATSAPP_APP_SECRET": "app-secret-value",
        "WHATSAPP_VERIFY_TOKEN": "verify-token-value",
        "WHATSAPP_GRAPH_BASE_URL": "http://127.0.0.1:9/",
        "WHATSAPP_GRAPH_VERSION": "v24.0",
    }
    config = WhatsAppConfig.from_env(env)
    assert config.messages_url == "http://127.0.0.1:9/v24.0/106540352242922/messages"
    assert (config.app_secret, config.verify_token) == ("app-secret-value", "verify-token-value")
    for secret in ("EAAG-very-secret", "app-secret-value", "verify-token-value"):
        assert secret not in repr(config)


@pytest.mark.parametrize(
    ("env", "field"),
    [
        ({"WHATSAPP_PHONE_NUMBER_ID": "1"}, "WHATSAPP_ACCESS_TOKEN"),
        (
            {"WHATSAPP_ACCESS_TOKEN": "t", "WHATSAPP_PHONE_NUMBER_ID": "  "},
            "WHATSAPP_PHONE_NUMBER_ID",
        ),
        ({"WHATSAPP_ACCESS_TOKEN": "t", "WHATSAPP_PHONE_NUMBER_ID": "+62811"}, "phone_number_id"),
        (
            {
                "WHATSAPP_ACCESS_TOKEN": "t",
                "WHATSAPP_PHONE_NUMBER_ID": "1",
                "WHATSAPP_GRAPH_VERSION": "25",
            },
            "version",
        ),
        (
            {
                "WHATSAPP_ACCESS_TOKEN": "t",
                "WHATSAPP_PHONE_NUMBER_ID": "1",
                "WHATSAPP_GRAPH_BASE_URL": "ftp://x",
            },
            "base_url",
        ),
    ],
)
def test_config_refuses_missing_or_invalid_settings(env: dict[str, str], field: str) -> None:
    """A missing or invalid setting is refused, naming the variable or field."""
    with pytest.raises(MessagingConfigurationError) as caught:
        WhatsAppConfig.from_env(env)
    assert caught.value.field == field


@pytest.mark.parametrize(
    "url",
    [
        "http://graph.facebook.com",
        "http://graph.example.id:8080",
        "http://10.0.0.5",
        "http://0.0.0.0:9000",
        "http://localhost.example.com",
        "http://127.0.0.1.nip.io",
    ],
)
def test_config_refuses_a_clear_text_base_url_off_loopback(url: str) -> None:
    """An http base URL to anything but loopback is refused: the bearer token would go in clear."""
    env = {
        "WHATSAPP_ACCESS_TOKEN": "EAAG-secret",
        "WHATSAPP_PHONE_NUMBER_ID": "1",
        "WHATSAPP_GRAPH_BASE_URL": url,
    }
    with pytest.raises(MessagingConfigurationError) as caught:
        WhatsAppConfig.from_env(env)
    assert (caught.value.code, caught.value.field) == ("insecure_base_url", "base_url")
    assert "EAAG-secret" not in str(caught.value)
    with pytest.raises(MessagingConfigurationError):
        WhatsAppConfig(access_token="t", phone_number_id="1", base_url=url)


@pytest.mark.parametrize(
    "url",
    [
        "https://graph.facebook.com",
        "https://graph.example.id:8443/",
        "http://127.0.0.1:8080",
        "http://127.10.0.3",
        "http://[::1]:9000",
        "http://localhost:1234",
        "http://LOCALHOST",
    ],
)
def test_config_accepts_https_and_loopback_http(url: str) -> None:
    """https anywhere, and http to 127.0.0.0/8, ::1 or localhost (a test server), are accepted."""
    config = WhatsAppConfig(access_token="t", phone_number_id="1", base_url=url)
    assert config.base_url == url.rstrip("/")


def test_config_refuses_a_malformed_base_url_with_its_own_error() -> None:
    """A URL that urlsplit cannot read is refused as a configuration error, not a ValueError."""
    with pytest.raises(MessagingConfigurationError) as caught:
        WhatsAppConfig(access_token="t", phone_number_id="1", base_url="https://[::1")
    assert caught.value.field == "base_url"


def test_config_reads_os_environ_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a mapping, from_env reads the process environment."""
    monkeypatch.setenv("WHATSAPP_ACCESS_TOKEN", "EAAG-env")
    monkeypatch.setenv("WHATSAPP_PHONE_NUMBER_ID", "42")
    monkeypatch.delenv("WHATSAPP_APP_SECRET", raising=False)
    config = WhatsAppConfig.from_env()
    assert (config.phone_number_id, config.app_secret) == ("42", None)
