"""
Routing inbound webhooks to the office that owns the receiving business number.

One deployment (a Kejati serving its Kejari, or a national one) may serve many offices from
one storage. Each office has its own :class:`~layanan_aduan.service_layer.desk.Desk`, bound
to its office code and its business numbers; an :class:`OfficeRouter` holds them and sends
each message and status of a webhook to the desk whose number it was sent to
(``metadata.phone_number_id``, or ``metadata.display_phone_number``).

A webhook is routed whole or not at all: when any item names a number no office owns (or
names none, which a deployment of several offices cannot place), the router raises
:class:`~layanan_aduan.exceptions.UnknownBusinessNumberError`, logs it by code, and nothing
is stored for any office.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping

import attrs

from layanan_aduan.exceptions import MessagingConfigurationError, UnknownBusinessNumberError
from layanan_aduan.ports.inbound import InboundMessage, ParsedWebhook, StatusUpdate
from layanan_aduan.service_layer.desk import Desk, IngestResult

__all__ = ["OfficeRouter"]

_log = logging.getLogger("layanan_aduan.routing")


class OfficeRouter:
    """
    The desks of a deployment, found by the business number a webhook was sent to.

    Args:
        desks: One desk per office; no two for the same office code or the same number.

    Raises:
        MessagingConfigurationError: Two desks share an office code or a business number.
    """

    def __init__(self, desks: Iterable[Desk]) -> None:
        self.desks: dict[str, Desk] = {}
        owner: dict[str, str] = {}
        for desk in desks:
            if desk.office in self.desks:
                raise MessagingConfigurationError(
                    f"Kantor {desk.office} terdaftar dua kali.",
                    f"Office {desk.office} is registered twice.",
                    field="desks",
                    code="duplicate_office",
                )
            self.desks[desk.office] = desk
            for number in desk.business_numbers:
                if number in owner:
                    raise MessagingConfigurationError(
                        f"Nomor layanan yang sama terdaftar untuk {owner[number]} dan "
                        f"{desk.office}.",
                        f"The same business number is registered for {owner[number]} and "
                        f"{desk.office}.",
                        field="business_numbers",
                        code="duplicate_business_number",
                    )
                owner[number] = desk.office

    def __repr__(self) -> str:
        return f"OfficeRouter(offices={sorted(self.desks)!r})"

    def desk_for(self, phone_number_id: str | None, display_phone_number: str | None) -> Desk:
        """
        The desk of the office that owns the number.

        Raises:
            UnknownBusinessNumberError: No office owns it (or no number is given).
        """
        if phone_number_id is not None or display_phone_number is not None:
            # Each desk answers by the same rule its own ingest applies; exactly one must own it.
            owners = [
                d for d in self.desks.values() if d.owns(phone_number_id, display_phone_number)
            ]
            if len(owners) == 1:
                return owners[0]
        raise UnknownBusinessNumberError(
            "Webhook dikirim ke nomor layanan yang tidak dimiliki kantor mana pun; tidak ada "
            "yang disimpan.",
            "The webhook was sent to a business number no office owns; nothing was stored.",
            field="phone_number_id",
        )

    def split(self, parsed: ParsedWebhook) -> dict[str, ParsedWebhook]:
        """
        The webhook's messages and statuses by office code (offices with none left out).

        Raises:
            UnknownBusinessNumberError: An item was sent to a number no office owns.
        """
        messages: dict[str, list[InboundMessage]] = {}
        statuses: dict[str, list[StatusUpdate]] = {}
        try:
            for m in parsed.messages:
                office = self.desk_for(m.phone_number_id, m.display_phone_number).office
                messages.setdefault(office, []).append(m)
            for s in parsed.statuses:
                office = self.desk_for(s.phone_number_id, s.display_phone_number).office
                statuses.setdefault(office, []).append(s)
        except UnknownBusinessNumberError as e:
            _log.warning("webhook refused: %s", e.code)
            raise
        return {
            office: attrs.evolve(
                parsed,
                messages=tuple(messages.get(office, ())),
                statuses=tuple(statuses.get(office, ())),
            )
            for office in self.desks
            if office in messages or office in statuses
        }

    def ingest(self, parsed: ParsedWebhook) -> Mapping[str, IngestResult]:
        """
        Route the webhook and ingest each office's part with its desk.

        Every item is placed before anything is stored: a webhook with one item for an unknown
        number is refused whole.
        """
        parts = self.split(parsed)
        return {office: self.desks[office].ingest(part) for office, part in parts.items()}
