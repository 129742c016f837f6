"""
Settings of the WhatsApp Cloud API adapter, read from explicit arguments or the environment.

Secrets (the access token, the app secret, the verify token) come from the environment or a
secret store, never from code, and never appear in a ``repr`` or a log line.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import SplitResult, urlsplit

import attrs

from layanan_aduan.exceptions import MessagingConfigurationError

__all__ = [
    "DEFAULT_GRAPH_BASE_URL",
    "DEFAULT_GRAPH_VERSION",
    "ENV_ACCESS_TOKEN",
    "ENV_APP_SECRET",
    "ENV_GRAPH_BASE_URL",
    "ENV_GRAPH_VERSION",
    "ENV_PHONE_NUMBER_ID",
    "ENV_VERIFY_TOKEN",
    "WhatsAppConfig",
]

DEFAULT_GRAPH_BASE_URL = "https://graph.facebook.com"
#: The version Meta's own text-message example uses (research notes §1c); pin it per deployment.
DEFAULT_GRAPH_VERSION = "v25.0"

ENV_ACCESS_TOKEN = "WHATSAPP_ACCESS_TOKEN"  # noqa: S105 - a variable's name, not a secret
ENV_PHONE_NUMBER_ID = "WHATSAPP_PHONE_NUMBER_ID"
ENV_APP_SECRET = "WHATSAPP_APP_SECRET"  # noqa: S105 - a variable's name, not a secret
ENV_VERIFY_TOKEN = "WHATSAPP_VERIFY_TOKEN"  # noqa: S105 - a variable's name, not a secret
ENV_GRAPH_BASE_URL = "WHATSAPP_GRAPH_BASE_URL"
ENV_GRAPH_VERSION = "WHATSAPP_GRAPH_VERSION"

_VERSION = re.compile(r"v\d{1,3}\.\d{1,3}")
_NODE_ID = re.compile(r"[0-9]{1,64}")


def _refuse(field: str, message: str, message_en: str) -> MessagingConfigurationError:
    return MessagingConfigurationError(message, message_en, field=field)


def _check_secret(name: str) -> Callable[[object, attrs.Attribute[Any], Any], None]:
    def check(_: object, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is None:
            return
        if not isinstance(value, str) or not value or value != value.strip():
            raise _refuse(
                name,
                f"Pengaturan {name} harus berupa teks tidak kosong tanpa spasi di tepi.",
                f"Setting {name} must be a non-empty string without surrounding spaces.",
            )

    return check


def _check_phone_number_id(_: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not _NODE_ID.fullmatch(value):
        raise _refuse(
            "phone_number_id",
            "phone_number_id harus berupa ID angka dari WhatsApp Manager.",
            "phone_number_id must be the numeric ID from WhatsApp Manager.",
        )


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check_base_url(_: object, attribute: attrs.Attribute[str], value: str) -> None:
    parts: SplitResult | None = None
    host: str | None = None
    try:
        if isinstance(value, str):
            parts = urlsplit(value)
            host = parts.hostname
    except ValueError:  # e.g. an unbalanced "[" in the host
        parts = None
    if (
        parts is None
        or parts.scheme not in ("https", "http")
        or not host
        or parts.query
        or parts.fragment
        or parts.username
    ):
        raise _refuse(
            "base_url",
            "base_url harus berupa URL http(s) tanpa query, fragmen, atau kredensial.",
            "base_url must be an http(s) URL without query, fragment or credentials.",
        )
    if parts.scheme == "http" and not _is_loopback(host):
        # The bearer token goes with every request: in clear only to this machine.
        raise MessagingConfigurationError(
            "base_url harus memakai https: token akses dikirim pada setiap permintaan; "
            "http hanya boleh ke alamat loopback (127.0.0.0/8, ::1, localhost).",
            "base_url must use https: the access token is sent with every request; "
            "http is allowed only to a loopback address (127.0.0.0/8, ::1, localhost).",
            code="insecure_base_url",
            field="base_url",
        )


def _check_version(_: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not _VERSION.fullmatch(value):
        raise _refuse(
            "version",
            "Versi Graph API harus berbentuk vNN.N, misalnya v25.0.",
            "The Graph API version must look like vNN.N, e.g. v25.0.",
        )


def _check_positive(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise _refuse(
            attribute.name,
            f"{attribute.name} harus berupa bilangan positif.",
            f"{attribute.name} must be a positive number.",
        )


def _to_tuple(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


def _strip_trailing_slash(url: str) -> str:
    return url.rstrip("/") if isinstance(url, str) else url


@attrs.frozen(repr=False)
class WhatsAppConfig:
    """
    Settings of the WhatsApp Cloud API adapter.

    Attributes:
        access_token: The bearer token (system-user token) for the Graph API.
        phone_number_id: The business phone number's ID (not the number itself).
        app_secret: The app secret that signs webhook bodies, or ``None`` where only sending.
        verify_token: The token the subscription handshake must present, or ``None``.
        base_url: The Graph API origin: ``https``, or ``http`` to a loopback address only
            (127.0.0.0/8, ``::1``, ``localhost``: a test server), since the access token is
            sent with every request (``insecure_base_url`` otherwise).
        version: The Graph API version, e.g. ``"v25.0"``.
        timeout: Seconds to wait for connecting, each read and each write.
        max_media_bytes: Largest media download accepted (100 MB: WhatsApp's document limit).
        media_hosts: Hosts the bearer token may be sent to when downloading media, besides
            the host of ``base_url``.

    >>> config = WhatsAppConfig(access_token="EAAG-secret-token", phone_number_id="106540352242922")
    >>> config
    WhatsAppConfig(phone_number_id='106540352242922', base_url='https://graph.facebook.com', version='v25.0', access_token=<hidden>, app_secret=None, verify_token=None)
    >>> config.messages_url
    'https://graph.facebook.com/v25.0/106540352242922/messages'
    """  # noqa: E501 - a doctest's expected output is one line

    access_token: str = attrs.field(validator=_check_secret("access_token"))
    phone_number_id: str = attrs.field(validator=_check_phone_number_id)
    app_secret: str | None = attrs.field(default=None, validator=_check_secret("app_secret"))
    verify_token: str | None = attrs.field(default=None, validator=_check_secret("verify_token"))
    base_url: str = attrs.field(
        default=DEFAULT_GRAPH_BASE_URL,
        converter=_strip_trailing_slash,
        validator=_check_base_url,
    )
    version: str = attrs.field(default=DEFAULT_GRAPH_VERSION, validator=_check_version)
    timeout: float = attrs.field(default=10.0, validator=_check_positive)
    max_media_bytes: int = attrs.field(default=100 * 1024 * 1024, validator=_check_positive)
    media_hosts: tuple[str, ...] = attrs.field(
        default=("lookaside.fbsbx.com",), converter=_to_tuple
    )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> WhatsAppConfig:
        """
        Read the settings from environment variables.

        ``WHATSAPP_ACCESS_TOKEN`` and ``WHATSAPP_PHONE_NUMBER_ID`` are required;
        ``WHATSAPP_APP_SECRET`` and ``WHATSAPP_VERIFY_TOKEN`` are needed to receive webhooks;
        ``WHATSAPP_GRAPH_BASE_URL`` and ``WHATSAPP_GRAPH_VERSION`` are optional.

        Args:
            environ: The variables to read; ``os.environ`` when ``None``.

        Raises:
            MessagingConfigurationError: A required variable is unset or a value is invalid
                (``field`` names the variable).

        >>> env = {"WHATSAPP_ACCESS_TOKEN": "EAAG-token", "WHATSAPP_PHONE_NUMBER_ID": "1065"}
        >>> WhatsAppConfig.from_env(env).version
        'v25.0'
        >>> WhatsAppConfig.from_env({})
        Traceback (most recent call last):
        ...
        layanan_aduan.exceptions.MessagingConfigurationError: Variabel lingkungan WHATSAPP_ACCESS_TOKEN belum diatur.
        """  # noqa: E501 - a doctest's expected output is one line
        env = os.environ if environ is None else environ

        def optional(name: str) -> str | None:
            value = env.get(name)
            return value.strip() if value is not None and value.strip() else None

        def required(name: str) -> str:
            value = optional(name)
            if value is None:
                raise _refuse(
                    name,
                    f"Variabel lingkungan {name} belum diatur.",
                    f"Environment variable {name} is not set.",
                )
            return value

        return cls(
            access_token=required(ENV_ACCESS_TOKEN),
            phone_number_id=required(ENV_PHONE_NUMBER_ID),
            app_secret=optional(ENV_APP_SECRET),
            verify_token=optional(ENV_VERIFY_TOKEN),
            base_url=optional(ENV_GRAPH_BASE_URL) or DEFAULT_GRAPH_BASE_URL,
            version=optional(ENV_GRAPH_VERSION) or DEFAULT_GRAPH_VERSION,
        )

    @property
    def api_root(self) -> str:
        """
        ``{base_url}/{version}``, the root every Graph API path hangs from.
        """
        return f"{self.base_url}/{self.version}"

    @property
    def messages_url(self) -> str:
        """
        The send endpoint, ``{base_url}/{version}/{phone_number_id}/messages``.
        """
        return f"{self.api_root}/{self.phone_number_id}/messages"

    def __repr__(self) -> str:
        def shown(secret: str | None) -> str:
            return "None" if secret is None else "<hidden>"

        return (
            f"WhatsAppConfig(phone_number_id={self.phone_number_id!r}, "
            f"base_url={self.base_url!r}, version={self.version!r}, "
            f"access_token={shown(self.access_token)}, app_secret={shown(self.app_secret)}, "
            f"verify_token={shown(self.verify_token)})"
        )
