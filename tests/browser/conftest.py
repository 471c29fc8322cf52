"""Browser test fixtures: a real Rasa server with the web chat channel, and Debian's Chromium.

The Rasa server is the lead's ``RasaStack`` (real ``rasa run`` + action server, the model from
``trained_model``) started with credentials that enable ``bot.channels.webchat.WebChatInput``.
Chromium is ``/usr/bin/chromium`` driven by Playwright for Python (no browser download).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.stack import RasaStack
from tests.support.webchat import CHROMIUM, CHROMIUM_ARGS, WebChatServer


@pytest.fixture(scope="session")
def webchat_server(rasa_stack: RasaStack) -> WebChatServer:
    """The run's shared Rasa server and action server (``tests/conftest.py``: web chat channel on)."""
    return WebChatServer(rasa_stack)


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """Debian's Chromium, headless, shared by a test module.

    Module scope, not session: Playwright's sync API runs an event loop for as long as it is
    open, and async tests (pytest-asyncio) that run after it would find that loop running.
    """
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (see .ci/run)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def new_page(chromium: Any) -> Iterator[Any]:
    """A factory for pages in fresh browser contexts (own localStorage), closed after the test."""
    contexts: list[Any] = []

    def make(width: int = 390, height: int = 844, **options: Any) -> Any:
        context = chromium.new_context(viewport={"width": width, "height": height}, locale="en-GB", **options)
        context.set_default_timeout(20_000)
        contexts.append(context)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.js_errors = errors
        return page

    yield make
    for context in contexts:
        context.close()
