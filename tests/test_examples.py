"""
The bundled example, public as ``layanan_aduan.examples``: a webhook and its screenshot.
"""

from __future__ import annotations

from importlib import resources

from layanan_aduan import examples
from layanan_aduan.adapters.whatsapp.inbound import parse_webhook
from layanan_aduan.domain.evidence import MediaType, inspect_evidence


def test_example_webhook_refers_to_the_example_screenshot() -> None:
    """The webhook parses into a text and an image whose media id and type are the screenshot's."""
    parsed = parse_webhook(examples.whatsapp_webhook())
    text, image = parsed.messages
    assert text.kind.value == "text"
    assert image.media is not None
    assert image.media.media_id == examples.SCREENSHOT_MEDIA_ID
    assert image.media.mime_type == examples.SCREENSHOT_MEDIA_TYPE


def test_example_screenshot_is_acceptable_evidence() -> None:
    """The screenshot is a whole PNG that the evidence checks accept."""
    inspection = inspect_evidence(examples.screenshot_png())
    assert inspection.ok, inspection.problems
    assert inspection.media_type is MediaType.PNG


def test_example_files_live_with_the_public_module_only() -> None:
    """The data ships beside layanan_aduan.examples; the old entrypoints/examples folder is gone."""
    here = resources.files("layanan_aduan.examples")
    assert here.joinpath("pesan-whatsapp.json").is_file()
    assert here.joinpath("tangkapan-layar.png").is_file()
    assert not resources.files("layanan_aduan.entrypoints").joinpath("examples").is_dir()
