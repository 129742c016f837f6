"""
Tests of the WhatsApp Cloud API adapter against a real HTTP server on loopback that answers
like the Graph API (layanan_aduan.testing.graph_server).
"""

# ruff: noqa: S106 - the tokens here are test values

from __future__ import annotations

import hashlib
import logging
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from layanan_aduan.adapters.whatsapp.cloud_api import WhatsAppCloudApi, map_graph_error
from layanan_aduan.adapters.whatsapp.config import WhatsAppConfig
from layanan_aduan.exceptions import (
    InvalidRecipientError,
    MediaFetchError,
    MediaNotFoundError,
    MediaSpoolError,
    MediaTooLargeError,
    MessageRejectedError,
    MessagingAuthError,
    MessagingConfigurationError,
    MessagingError,
    MessagingRateLimitedError,
    MessagingUnavailableError,
    OutsideCustomerServiceWindowError,
    RecipientIdNotSupportedError,
    RecipientUnreachableError,
)
from layanan_aduan.messaging import (
    InteractiveList,
    ListRow,
    ListSection,
    MediaFetcher,
    Messenger,
    OutboundMessage,
    Recipient,
    TemplateRef,
    deliver,
)
from layanan_aduan.notifications import NotificationRenderer
from layanan_aduan.testing.graph_server import (
    LoopbackGraphApi,
    ScriptedResponse,
    dropped_connection,
    graph_error,
    malformed_json,
    slow,
)
from layanan_aduan.testing.messaging import MediaFetcherContract, MessengerContract

PHONE = Recipient(phone="+6281234567890")
TOKEN = "loopback-test-token"  # noqa: S105 - the loopback server's test token


@pytest.fixture
def graph() -> Iterator[LoopbackGraphApi]:
    with LoopbackGraphApi(access_token=TOKEN) as server:
        yield server


@pytest.fixture
def api(graph: LoopbackGraphApi) -> Iterator[WhatsAppCloudApi]:
    with WhatsAppCloudApi(graph.config(timeout=2.0)) as adapter:
        yield adapter


def text(key: str = "lap-1:ack", body: str = "Laporan diterima.") -> OutboundMessage:
    """A text message to PHONE."""
    return OutboundMessage(PHONE, key, text=body)


def free_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


# --- contracts --------------------------------------------------------------------------------


class TestCloudApiMessenger(MessengerContract):
    """The Cloud API adapter passes the Messenger contract against the loopback Graph API."""

    @pytest.fixture
    def messenger(self, api: WhatsAppCloudApi) -> Messenger:
        return api


class TestCloudApiMediaFetcher(MediaFetcherContract):
    """The Cloud API adapter passes the MediaFetcher contract against the loopback Graph API."""

    @pytest.fixture
    def media_fetcher(self, api: WhatsAppCloudApi) -> MediaFetcher:
        return api

    @pytest.fixture
    def put_media(self, graph: LoopbackGraphApi) -> Callable[[str, bytes, str], None]:
        return graph.add_media


# --- what is sent -----------------------------------------------------------------------------


def test_text_is_posted_as_the_cloud_api_expects(
    api: WhatsAppCloudApi, graph: LoopbackGraphApi
) -> None:
    """A text goes to /{version}/{phone_number_id}/messages with the bearer token and key."""
    result = api.send(text())
    [request] = graph.requests
    assert request.method == "POST"
    assert request.path == "/v25.0/106540352242922/messages"
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.headers["content-type"] == "application/json"
    assert request.json == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": "6281234567890",
        "biz_opaque_callback_data": "lap-1:ack",
        "type": "text",
        "text": {"preview_url": False, "body": "Laporan diterima."},
    }
    assert result.provider_message_id == "wamid.loopback000000000001"
    assert result.channel == "whatsapp_cloud"


def test_user_id_recipient_goes_in_recipient(
    api: WhatsAppCloudApi, graph: LoopbackGraphApi
) -> None:
    """A BSUID-only recipient is sent in "recipient", not "to"."""
    api.send(OutboundMessage(Recipient(user_id="ID.13491208655302741918"), "k", text="Halo"))
    [sent] = graph.sent_messages()
    assert sent["recipient"] == "ID.13491208655302741918"
    assert "to" not in sent


def test_templates_and_replies(api: WhatsAppCloudApi, graph: LoopbackGraphApi) -> None:
    """Templates carry their body parameters (none when empty); replies carry the context."""
    api.send(
        OutboundMessage(
            PHONE, "t1", template=TemplateRef("aduan_tanda_terima", "id", ("LAP-1", "Senin"))
        )
    )
    api.send(OutboundMessage(PHONE, "t2", template=TemplateRef("hello_world", "en_US")))
    api.send(OutboundMessage(PHONE, "t3", text="Balasan", reply_to="wamid.ORIGINAL"))
    first, second, third = graph.sent_messages()
    assert first["template"] == {
        "name": "aduan_tanda_terima",
        "language": {"code": "id"},
        "components": [
            {
                "type": "body",
                "parameters": [
                    {"type": "text", "text": "LAP-1"},
                    {"type": "text", "text": "Senin"},
                ],
            }
        ],
    }
    assert second["template"] == {"name": "hello_world", "language": {"code": "en_US"}}
    assert third["context"] == {"message_id": "wamid.ORIGINAL"}


def test_an_interactive_list_is_posted_as_a_list_message(
    api: WhatsAppCloudApi, graph: LoopbackGraphApi
) -> None:
    """The rating question goes as "type": "interactive" with a list of five rows, the key in
    biz_opaque_callback_data, no template; WhatsApp's answer gives its wamid."""
    question = NotificationRenderer().rating_question("LAP/KNJP/2026/000001", "r-1")
    result = api.send(question.message(PHONE, "r-1:5:rating_question"))
    [sent] = graph.sent_messages()
    assert result.idempotency_key == "r-1:5:rating_question"
    assert (sent["type"], sent["to"], sent["biz_opaque_callback_data"]) == (
        "interactive",
        "6281234567890",
        "r-1:5:rating_question",
    )
    assert "template" not in sent
    assert "text" not in sent
    interactive = sent["interactive"]
    assert interactive["type"] == "list"
    assert interactive["body"] == {"text": question.text}
    assert interactive["footer"] == {"text": "Survei Kepuasan Masyarakat"}
    assert "header" not in interactive
    assert interactive["action"]["button"] == "Beri penilaian"
    [section] = interactive["action"]["sections"]
    assert "title" not in section
    assert section["rows"][0] == {
        "id": "rating:1:r-1",
        "title": "1",
        "description": "Sangat tidak puas",
    }
    assert [row["title"] for row in section["rows"]] == ["1", "2", "3", "4", "5"]


def test_a_list_with_header_sections_and_bare_rows(
    api: WhatsAppCloudApi, graph: LoopbackGraphApi
) -> None:
    """A header goes as text; section titles are kept; a row without a description has none;
    a reply carries the context."""
    listed = InteractiveList(
        "Pilih satu.",
        "Pilih",
        [
            ListSection([ListRow("a", "A"), ListRow("b", "B", "Bravo")], title="Satu"),
            ListSection([ListRow("c", "C")], title="Dua"),
        ],
        header="Judul",
    )
    api.send(OutboundMessage(PHONE, "k", interactive=listed, reply_to="wamid.ORIGINAL"))
    [sent] = graph.sent_messages()
    assert sent["context"] == {"message_id": "wamid.ORIGINAL"}
    assert sent["interactive"] == {
        "type": "list",
        "header": {"type": "text", "text": "Judul"},
        "body": {"text": "Pilih satu."},
        "action": {
            "button": "Pilih",
            "sections": [
                {"title": "Satu", "rows": [{"id": "a", "title": "A"}, _row("b", "B", "Bravo")]},
                {"title": "Dua", "rows": [{"id": "c", "title": "C"}]},
            ],
        },
    }


def _row(row_id: str, title: str, description: str) -> dict[str, str]:
    return {"id": row_id, "title": title, "description": description}


@pytest.mark.parametrize(
    "broken",
    [
        {"title": "x" * 25},
        {"id": "x" * 201},
        {"description": "x" * 73},
    ],
)
def test_the_loopback_api_refuses_a_list_beyond_the_limits(
    graph: LoopbackGraphApi, broken: dict[str, str]
) -> None:
    """The double refuses what WhatsApp refuses (131009), so a list it takes is within the
    limits: rows of 24/200/72 characters pass, one more fails."""
    row = {"id": "x" * 200, "title": "x" * 24, "description": "x" * 72}
    for candidate, accepted in ((row, True), ({**row, **broken}, False)):
        payload = {
            "messaging_product": "whatsapp",
            "to": "6281234567890",
            "type": "interactive",
            "interactive": {
                "type": "list",
                "body": {"text": "Pilih."},
                "action": {"button": "Pilih", "sections": [{"rows": [candidate]}]},
            },
        }
        answer = httpx.post(
            graph.config().messages_url,
            json=payload,
            headers={"Authorization": f"Bearer {TOKEN}"},
            timeout=2.0,
        )
        assert answer.is_success is accepted
        if not accepted:
            assert answer.json()["error"]["code"] == 131009


def test_outside_the_window_a_list_is_not_sent_and_not_retried(
    api: WhatsAppCloudApi, graph: LoopbackGraphApi
) -> None:
    """131047 for an interactive list raises OutsideCustomerServiceWindowError from
    deliver(): there is no template to fall back on, and it is not retryable."""
    graph.enqueue(graph_error(131047))
    question = NotificationRenderer().rating_question("LAP/KNJP/2026/000001", "r-1")
    with pytest.raises(OutsideCustomerServiceWindowError) as info:
        deliver(api, question.message(PHONE, "r-1:5:rating_question"))
    assert not info.value.retryable
    assert [m["type"] for m in graph.sent_messages()] == ["interactive"]


# --- Graph errors mapped to the library's -------------------------------------------------------

ERROR_CASES: list[tuple[ScriptedResponse, type[MessagingError], str, bool, float | None]] = [
    (graph_error(130429), MessagingRateLimitedError, "rate_limited", True, None),
    (
        graph_error(130429, status=429, headers={"Retry-After": "7"}),
        MessagingRateLimitedError,
        "rate_limited",
        True,
        7.0,
    ),
    (graph_error(131056), MessagingRateLimitedError, "rate_limited", True, None),
    (graph_error(131048), MessagingRateLimitedError, "rate_limited", True, None),
    (graph_error(80007), MessagingRateLimitedError, "rate_limited", True, None),
    (
        ScriptedResponse(status=429, body=b"Too Many Requests"),
        MessagingRateLimitedError,
        "rate_limited",
        True,
        None,
    ),
    (
        graph_error(
            4,
            headers={
                "X-Business-Use-Case-Usage": (
                    '{"1": [{"type": "whatsapp", "estimated_time_to_regain_access": 2}]}'
                )
            },
        ),
        MessagingRateLimitedError,
        "rate_limited",
        True,
        120.0,
    ),
    (
        graph_error(131047),
        OutsideCustomerServiceWindowError,
        "outside_customer_service_window",
        False,
        None,
    ),
    (graph_error(190, status=401), MessagingAuthError, "messaging_auth_failed", True, None),
    (graph_error(0, status=401), MessagingAuthError, "messaging_auth_failed", True, None),
    (graph_error(10, status=403), MessagingAuthError, "messaging_auth_failed", True, None),
    (
        ScriptedResponse(status=403, body=b"Forbidden"),
        MessagingAuthError,
        "messaging_auth_failed",
        True,
        None,
    ),
    (graph_error(131026), RecipientUnreachableError, "recipient_unreachable", True, None),
    (graph_error(131030), InvalidRecipientError, "invalid_recipient", False, None),
    (graph_error(131021), InvalidRecipientError, "invalid_recipient", False, None),
    (graph_error(131062), RecipientIdNotSupportedError, "recipient_id_not_supported", False, None),
    (graph_error(100), MessageRejectedError, "message_rejected", False, None),
    (graph_error(132001), MessageRejectedError, "message_rejected", False, None),
    (
        ScriptedResponse(status=404, body=b"Not Found"),
        MessageRejectedError,
        "message_rejected",
        False,
        None,
    ),
    (
        graph_error(131000, status=500),
        MessagingUnavailableError,
        "messaging_unavailable",
        True,
        None,
    ),
    (graph_error(131016), MessagingUnavailableError, "messaging_unavailable", True, None),
    (graph_error(131057), MessagingUnavailableError, "messaging_unavailable", True, None),
    (
        ScriptedResponse(status=502, body=b"<html>Bad Gateway</html>"),
        MessagingUnavailableError,
        "messaging_unavailable",
        True,
        None,
    ),
    (
        ScriptedResponse(status=503, body=b"", headers={"Retry-After": "30"}),
        MessagingUnavailableError,
        "messaging_unavailable",
        True,
        30.0,
    ),
    (malformed_json(), MessagingUnavailableError, "malformed_response", True, None),
    (
        ScriptedResponse(json={"messaging_product": "whatsapp"}),
        MessagingUnavailableError,
        "malformed_response",
        True,
        None,
    ),
    (ScriptedResponse(json=[1, 2]), MessagingUnavailableError, "malformed_response", True, None),
]


@pytest.mark.parametrize(("response", "error", "code", "retryable", "retry_after"), ERROR_CASES)
def test_graph_answers_map_to_library_errors(
    api: WhatsAppCloudApi,
    graph: LoopbackGraphApi,
    response: ScriptedResponse,
    error: type[MessagingError],
    code: str,
    retryable: bool,
    retry_after: float | None,
) -> None:
    """Each Graph answer raises the library error its code (then HTTP status) calls for."""
    graph.enqueue(response)
    with pytest.raises(error) as caught:
        api.send(text())
    assert type(caught.value) is error
    assert caught.value.code == code
    assert caught.value.retryable is retryable
    assert getattr(caught.value, "retry_after", None) == retry_after
    assert TOKEN not in str(caught.value)
    assert TOKEN not in repr(caught.value.details)
    assert "Graph API error" not in repr(caught.value.details)
    assert api.send(text()).provider_message_id


def test_graph_error_details_keep_codes_not_free_text() -> None:
    """details carry the HTTP status, Graph code, subcode and trace id only."""
    body = {
        "error": {
            "message": "(#131030) Recipient phone number 6281234567890 not in allowed list",
            "code": 131030,
            "error_subcode": 2494010,
            "fbtrace_id": "Az8or2yhqkZfEZ",
        }
    }
    error = map_graph_error(400, body)
    assert error.details == {
        "http_status": 400,
        "graph_code": 131030,
        "graph_subcode": 2494010,
        "fbtrace_id": "Az8or2yhqkZfEZ",
    }
    assert "6281234567890" not in str(error)
    assert error.field == "recipient"
    assert map_graph_error(400, {"error": {"code": True}}).details["graph_code"] is None
    assert map_graph_error(302, None).retryable


def test_outside_the_window_the_template_is_delivered(
    api: WhatsAppCloudApi, graph: LoopbackGraphApi
) -> None:
    """deliver() answers 131047 by sending the message's approved template instead."""
    graph.enqueue(graph_error(131047))
    template = TemplateRef("aduan_tindak_lanjut", "id", ("LAP-1", "Sudah ditindaklanjuti"))
    message = OutboundMessage(PHONE, "lap-1:fu", text="Tindak lanjut", fallback_template=template)
    assert deliver(api, message).idempotency_key == "lap-1:fu"
    first, second = graph.sent_messages()
    assert (first["type"], second["type"]) == ("text", "template")
    assert second["biz_opaque_callback_data"] == "lap-1:fu"


# --- transport failures -----------------------------------------------------------------------


def test_slow_answers_time_out_as_retryable_and_ambiguous(graph: LoopbackGraphApi) -> None:
    """A send that times out is retryable and flagged ambiguous; the next send works."""
    with WhatsAppCloudApi(graph.config(timeout=0.2)) as api:
        graph.enqueue(slow(2.0))
        with pytest.raises(MessagingUnavailableError) as caught:
            api.send(text())
        assert caught.value.code == "messaging_timeout"
        assert caught.value.retryable
        assert caught.value.details["ambiguous"] is True
        assert api.send(text()).provider_message_id


def test_a_dropped_connection_is_retryable(api: WhatsAppCloudApi, graph: LoopbackGraphApi) -> None:
    """A connection closed without an answer is retryable and may have sent the message."""
    graph.enqueue(dropped_connection())
    with pytest.raises(MessagingUnavailableError) as caught:
        api.send(text())
    assert caught.value.details["ambiguous"] is True


def test_refused_connections_are_retryable_and_not_ambiguous() -> None:
    """Nothing listening: connection_failed, retryable, certainly not sent."""
    api = WhatsAppCloudApi(
        WhatsAppConfig(
            access_token=TOKEN,
            phone_number_id="106540352242922",
            base_url=f"http://127.0.0.1:{free_port()}",
            timeout=2.0,
        )
    )
    with api, pytest.raises(MessagingUnavailableError) as caught:
        api.send(text())
    assert caught.value.code == "messaging_connection_failed"
    assert caught.value.details["ambiguous"] is False
    with pytest.raises(MessagingUnavailableError):
        api.ping()


def test_delivery_resumes_when_the_server_recovers(
    api: WhatsAppCloudApi, graph: LoopbackGraphApi
) -> None:
    """After 5xx, rate limits and drops, a retry loop delivers once the server answers again."""
    graph.enqueue(
        ScriptedResponse(status=500, body=b"down"),
        graph_error(130429, status=429, headers={"Retry-After": "1"}),
        dropped_connection(),
        graph_error(131000, status=503),
    )
    failures: list[tuple[str, bool]] = []
    for _ in range(10):
        try:
            result = api.send(text("lap-9:ack"))
        except MessagingError as e:
            failures.append((e.code, e.retryable))
            continue
        break
    assert all(retryable for _, retryable in failures)
    assert [code for code, _ in failures] == [
        "messaging_unavailable",
        "rate_limited",
        "messaging_unavailable",
        "messaging_unavailable",
    ]
    assert result.idempotency_key == "lap-9:ack"
    assert len(graph.sent_messages()) == 5


def test_the_token_never_reaches_logs(
    api: WhatsAppCloudApi, graph: LoopbackGraphApi, caplog: pytest.LogCaptureFixture
) -> None:
    """With every logger at DEBUG, sending, failing and fetching log no token."""
    caplog.set_level(logging.DEBUG)
    graph.add_media("77", b"abc", "image/png")
    api.send(text())
    graph.enqueue(graph_error(190, status=401))
    with pytest.raises(MessagingAuthError):
        api.send(text())
    api.fetch("77")
    assert TOKEN not in caplog.text
    assert TOKEN not in repr(api)
    assert TOKEN not in repr(api.config)


# --- health check -----------------------------------------------------------------------------


def test_ping_reads_the_business_number(api: WhatsAppCloudApi, graph: LoopbackGraphApi) -> None:
    """ping() reads the phone number node with the token; failures are mapped."""
    api.ping()
    [request] = graph.requests
    assert request.path == "/v25.0/106540352242922"
    assert request.query == {"fields": ("id",)}
    graph.enqueue(graph_error(190, status=401), route="phone_number")
    with pytest.raises(MessagingAuthError):
        api.ping()
    graph.enqueue(ScriptedResponse(json={"id": "someone-else"}), route="phone_number")
    with pytest.raises(MessagingUnavailableError) as caught:
        api.ping()
    assert caught.value.code == "malformed_response"


def test_a_wrong_token_is_an_auth_error(graph: LoopbackGraphApi) -> None:
    """The loopback server refuses a wrong token with 190, mapped to MessagingAuthError."""
    with WhatsAppCloudApi(graph.config(access_token="wrong-token")) as api:
        with pytest.raises(MessagingAuthError):
            api.send(text())
        with pytest.raises(MessagingAuthError):
            api.ping()


# --- media ------------------------------------------------------------------------------------


def test_media_is_fetched_by_id_then_url_with_the_token(
    api: WhatsAppCloudApi, graph: LoopbackGraphApi
) -> None:
    """Fetching reads the id's URL, then downloads it with the bearer token."""
    graph.add_media("2754859441498128", b"\xff\xd8\xff" + b"j" * 100, "image/jpeg")
    fetched = api.fetch("2754859441498128")
    meta, download = graph.requests
    assert meta.path == "/v25.0/2754859441498128"
    assert meta.query == {"phone_number_id": ("106540352242922",)}
    assert download.path == "/download/2754859441498128"
    assert download.headers["authorization"] == f"Bearer {TOKEN}"
    assert fetched.mime_type == "image/jpeg"
    assert fetched.reported_hash_matches is True
    assert fetched.size == 103


def test_a_base64_reported_hash_is_recognised(
    api: WhatsAppCloudApi, graph: LoopbackGraphApi
) -> None:
    """A hash reported in another form than ours is kept and compared, not refused."""
    graph.add_media("42", b"data", "application/pdf", reported_sha256="grwfwe/ZPx0=")
    fetched = api.fetch("42")
    assert fetched.reported_sha256 == "grwfwe/ZPx0="
    assert fetched.reported_hash_matches is False


@pytest.mark.parametrize("media_id", ["../messages", "", "a/b", "x" * 200, "id with space"])
def test_malformed_media_ids_are_refused_without_a_request(
    api: WhatsAppCloudApi, graph: LoopbackGraphApi, media_id: str
) -> None:
    """A media id that is not a plain token is refused before any request."""
    with pytest.raises(MediaNotFoundError) as caught:
        api.fetch(media_id)
    assert caught.value.code == "media_id_invalid"
    assert graph.requests == ()


def test_a_declared_size_over_the_limit_is_refused_before_download(
    api: WhatsAppCloudApi, graph: LoopbackGraphApi
) -> None:
    """When the metadata's file_size exceeds the limit, nothing is downloaded."""
    graph.add_media("55", b"x" * 5000, "application/pdf")
    with pytest.raises(MediaTooLargeError) as caught:
        api.fetch("55", max_bytes=4096)
    assert caught.value.details == {"limit": 4096, "size": 5000}
    assert [r.path for r in graph.requests] == ["/v25.0/55"]


def test_an_understated_size_is_caught_while_downloading(
    api: WhatsAppCloudApi, graph: LoopbackGraphApi
) -> None:
    """A file larger than the metadata said is refused while streaming."""
    graph.add_media("56", b"x" * 300_000, "application/pdf")
    graph.enqueue(
        ScriptedResponse(
            json={
                "url": f"{graph.base_url}/download/56",
                "mime_type": "application/pdf",
                "file_size": 10,
            }
        ),
        route="media",
    )
    with pytest.raises(MediaTooLargeError):
        api.fetch("56", max_bytes=200_000)


def test_media_failures_are_typed(api: WhatsAppCloudApi, graph: LoopbackGraphApi) -> None:
    """Expired URLs and outages are retryable; untrusted or missing URLs are not."""
    graph.add_media("57", b"abc", "image/png")
    graph.enqueue(ScriptedResponse(status=404, body=b"gone"), route="download")
    with pytest.raises(MessagingUnavailableError) as expired:
        api.fetch("57")
    assert expired.value.code == "media_url_expired"
    with api.fetch("57") as fetched:
        assert fetched.read_bytes() == b"abc"

    graph.enqueue(ScriptedResponse(status=500, body=b"oops"), route="download")
    with pytest.raises(MessagingUnavailableError):
        api.fetch("57")
    graph.enqueue(graph_error(131000, status=500), route="media")
    with pytest.raises(MessagingUnavailableError):
        api.fetch("57")

    for url in ["https://evil.example.com/x", f"http://127.0.0.1:{free_port()}/download/57"]:
        graph.enqueue(ScriptedResponse(json={"url": url, "mime_type": "image/png"}), route="media")
        with pytest.raises(MediaFetchError) as untrusted:
            api.fetch("57")
        assert untrusted.value.code == "media_url_untrusted"
        assert not untrusted.value.retryable

    graph.enqueue(ScriptedResponse(json={"mime_type": "image/png"}), route="media")
    with pytest.raises(MediaFetchError) as no_url:
        api.fetch("57")
    assert no_url.value.code == "media_answer_malformed"

    graph.enqueue(malformed_json(), route="media")
    with pytest.raises(MessagingUnavailableError):
        api.fetch("57")


def _generated(total: int, piece: int = 64 * 1024) -> Callable[[], Iterator[bytes]]:
    """``total`` bytes in pieces, generated each time they are asked for."""

    def pieces() -> Iterator[bytes]:
        block = bytes(range(256)) * (piece // 256)
        left = total
        while left > 0:
            yield block[: min(left, piece)]
            left -= piece

    return pieces


@pytest.mark.parametrize("declared", [True, False])
def test_a_streamed_download_is_spooled_with_the_digest_of_its_bytes(
    graph: LoopbackGraphApi, tmp_path: Path, declared: bool
) -> None:
    """Eight megabytes streamed (with or without a declared size) land in one private
    temporary file under spool_dir, hashed as the bytes served; closing deletes it."""
    pieces = _generated(8 * 1024 * 1024 + 3)
    expected = hashlib.sha256(b"".join(pieces())).hexdigest()
    size = 8 * 1024 * 1024 + 3 if declared else None
    graph.add_streamed_media("61", pieces, "application/pdf", size=size)
    with WhatsAppCloudApi(graph.config(), spool_dir=tmp_path) as api, api.fetch("61") as fetched:
        assert (fetched.size, fetched.sha256) == (8 * 1024 * 1024 + 3, expected)
        assert fetched.path.parent.parent == tmp_path
        assert fetched.mime_type == "application/pdf"
    assert list(tmp_path.iterdir()) == []


def test_a_body_past_the_limit_is_refused_mid_stream_and_leaves_no_file(
    graph: LoopbackGraphApi, tmp_path: Path
) -> None:
    """A download that declares no size is cut off as soon as it passes the limit: the typed
    error, not the whole body read, and no temporary file left."""
    graph.add_streamed_media("62", _generated(50 * 1024 * 1024), "application/pdf", size=None)
    with WhatsAppCloudApi(graph.config(), spool_dir=tmp_path) as api:
        with pytest.raises(MediaTooLargeError) as caught:
            api.fetch("62", max_bytes=1024 * 1024)
        assert caught.value.details == {"limit": 1024 * 1024, "size": None}
    assert list(tmp_path.iterdir()) == []


def test_a_declared_content_length_over_the_limit_is_refused_before_reading(
    graph: LoopbackGraphApi, tmp_path: Path
) -> None:
    """When the metadata gives no size but the download's Content-Length is over the limit,
    nothing is spooled."""
    graph.add_streamed_media("63", _generated(5000), "application/pdf", size=5000)
    graph.enqueue(
        ScriptedResponse(json={"url": f"{graph.base_url}/download/63", "mime_type": "x/y"}),
        route="media",
    )
    with (
        WhatsAppCloudApi(graph.config(), spool_dir=tmp_path) as api,
        pytest.raises(MediaTooLargeError) as caught,
    ):
        api.fetch("63", max_bytes=4096)
    assert caught.value.details == {"limit": 4096, "size": 5000}
    assert list(tmp_path.iterdir()) == []


def test_a_download_cut_short_is_retryable_and_leaves_no_file(
    graph: LoopbackGraphApi, tmp_path: Path
) -> None:
    """A connection closed before the declared size arrived is a retryable failure, and the
    bytes received are deleted."""
    graph.add_streamed_media("64", _generated(100_000), "application/pdf", size=200_000)
    with (
        WhatsAppCloudApi(graph.config(), spool_dir=tmp_path) as api,
        pytest.raises(MessagingUnavailableError),
    ):
        api.fetch("64")
    assert list(tmp_path.iterdir()) == []


def test_a_spool_that_cannot_be_written_is_retryable(
    graph: LoopbackGraphApi, tmp_path: Path
) -> None:
    """A spool directory that is gone makes the fetch a retryable MediaSpoolError."""
    graph.add_media("65", b"abc", "image/png")
    with (
        WhatsAppCloudApi(graph.config(), spool_dir=tmp_path / "gone") as api,
        pytest.raises(MediaSpoolError) as caught,
    ):
        api.fetch("65")
    assert caught.value.retryable


def test_a_slow_download_times_out(graph: LoopbackGraphApi) -> None:
    """A download that does not answer in time is a retryable timeout."""
    graph.add_media("58", b"abc", "image/png")
    with WhatsAppCloudApi(graph.config(timeout=0.2)) as api:
        graph.enqueue(slow(2.0), route="download")
        with pytest.raises(MessagingUnavailableError) as caught:
            api.fetch("58")
        assert caught.value.code == "messaging_timeout"
        assert caught.value.details["ambiguous"] is False


def test_mime_type_falls_back_to_the_download_content_type(
    api: WhatsAppCloudApi, graph: LoopbackGraphApi
) -> None:
    """Without a MIME type in the metadata, the download's Content-Type is used."""
    graph.add_media("59", b"%PDF", "application/pdf")
    graph.enqueue(ScriptedResponse(json={"url": f"{graph.base_url}/download/59"}), route="media")
    assert api.fetch("59").mime_type == "application/pdf"


# --- the client's lifetime ----------------------------------------------------------------------


def test_construction_opens_nothing_and_a_given_client_is_left_open(
    graph: LoopbackGraphApi,
) -> None:
    """Building the adapter makes no request; a client passed in is not closed by it."""
    api = WhatsAppCloudApi(graph.config())
    assert graph.requests == ()
    api.close()
    with httpx.Client() as client:
        shared = WhatsAppCloudApi(graph.config(), client=client)
        shared.send(text())
        shared.close()
        assert not client.is_closed
        response: Any = client.get(f"{graph.base_url}/v25.0/106540352242922")
        assert response.status_code == 401


def test_the_adapter_is_configured_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """from_env reads WHATSAPP_* variables; a missing token is a configuration error."""
    monkeypatch.setenv("WHATSAPP_ACCESS_TOKEN", "EAAG-from-env")
    monkeypatch.setenv("WHATSAPP_PHONE_NUMBER_ID", "106540352242922")
    monkeypatch.setenv("WHATSAPP_GRAPH_VERSION", "v24.0")
    api = WhatsAppCloudApi.from_env()
    assert api.config.messages_url == ("https://graph.facebook.com/v24.0/106540352242922/messages")
    assert "EAAG-from-env" not in repr(api)
    with pytest.raises(MessagingConfigurationError) as caught:
        WhatsAppCloudApi.from_env({"WHATSAPP_PHONE_NUMBER_ID": "1"})
    assert caught.value.field == "WHATSAPP_ACCESS_TOKEN"
