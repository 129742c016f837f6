"""
Browser tests with Playwright driving Debian's Chromium (extra ``browser``).

The browser comes from the system's package (``apt-get install chromium``; ``.ci/run``
installs it when missing), never from ``playwright install``. :func:`chromium_page` opens a
page in a fresh headless browser; a test that needs it calls :func:`require_chromium` first,
which skips with the reason when Chromium or Playwright is missing, except under ``CI``: then
it fails, so CI can never pass by skipping the browser tests.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

__all__ = ["chromium_browser", "chromium_page", "chromium_path", "require_chromium"]


def chromium_path() -> str | None:
    """
    The path of the system's Chromium, or ``None``.
    """
    return shutil.which("chromium") or shutil.which("chromium-browser")


def require_chromium() -> str:
    """
    The path of Chromium when it and Playwright are installed; else skip (fail under ``CI``).
    """
    path = chromium_path()
    problem = None
    if path is None:
        problem = "Chromium is not installed (apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            problem = "Playwright is not installed (pip install 'layanan-aduan[browser]')"
    if problem is None and path is not None:
        return path
    if os.environ.get("CI"):
        pytest.fail(f"CI is set but {problem}")
    pytest.skip(str(problem))


@contextlib.contextmanager
def chromium_browser() -> Iterator[Browser]:
    """
    A new headless Chromium (each ``new_context()`` of it is a separate person: its own
    cookies); closed on exit.
    """
    from playwright.sync_api import sync_playwright

    path = require_chromium()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=["--no-sandbox"])
        try:
            yield browser
        finally:
            browser.close()


@contextlib.contextmanager
def chromium_page(**context: Any) -> Iterator[Page]:
    """
    A page of a new headless Chromium (``context``: options of ``new_context``, e.g.
    ``viewport``); the browser is closed on exit.
    """
    with chromium_browser() as browser:
        yield browser.new_context(**context).new_page()
