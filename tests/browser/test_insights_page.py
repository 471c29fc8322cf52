"""The insights page in Chromium with the known synthetic month; the screenshot is kept in
test-artifacts/insights.png for people to look at. (Owned by insights; it lives here to share
the Chromium fixture. No Rasa model is needed: the console runs over a stand-in.)"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.insights.console import PERIODS, console_with_month
from tests.support.webchat import ARTIFACTS

pytestmark = [pytest.mark.browser]


@pytest.fixture(scope="module")
def console(tmp_path_factory) -> Iterator[str]:
    with console_with_month(tmp_path_factory.mktemp("insights-browser")) as (process, _):
        yield process.url


def test_a_lead_reads_the_insights_of_the_synthetic_month(console: str, new_page: Any):
    page = new_page(width=1280, height=900)
    page.goto(console + "/login")
    page.get_by_label("Username").fill("insights_lead")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Insights").click()
    expect(page.get_by_role("heading", name="Insights", level=1)).to_be_visible()
    page.goto(console + "/insights?" + PERIODS)
    expect(page.get_by_role("img", name="Channel")).to_be_visible()
    expect(page.get_by_role("heading", name="Who the front door reaches")).to_be_visible()
    assert page.js_errors == []
    # Every chart is named for screen readers and has its numbers in a table beside it.
    charts = page.locator("svg[role=img]")
    assert charts.count() >= 10
    for k in range(charts.count()):
        assert charts.nth(k).locator("title").text_content()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "insights.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(ARTIFACTS / "insights-top.png"))
