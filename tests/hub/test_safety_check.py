"""The queue warns workers when the assistant's risk detection is not fully on.

The console asks Rasa's ``/model/parse`` (here the loopback stand-in; against the real model in
``test_hub_e2e.py``) and reads the ``risk`` field the detector adds.
"""

from __future__ import annotations

import time

import pytest

from bot.hub.rasa_client import RasaClient
from bot.hub.safety_check import PROBE_TEXT, SafetyMonitor, check, read_parse
from tests.hub.support import ON_RISK, Staff, add_handoff, make_user, sse_events
from tests.support.stack import free_port


def test_parse_without_risk_or_meaning_is_not_on():
    assert read_parse({"text": "hi", "risk": ON_RISK}).ok
    rules_only = read_parse({"risk": {**ON_RISK, "meaning": None}})
    assert rules_only.state == "rules_only" and "without the part that reads for meaning" in rules_only.message
    assert read_parse({"text": "hi", "intent": {}}).state == "missing"
    assert read_parse(None).state == "missing"


async def test_an_unreachable_assistant_is_reported_not_assumed_on():
    result = await check(RasaClient(f"http://127.0.0.1:{free_port()}", "token", timeout=3))
    assert result.state == "unreachable" and not result.ok
    assert "cannot reach" in result.message


class _GarbledClient:
    """Answers with something that is not JSON, as a proxy's error page would."""

    async def parse(self, text: str) -> dict:
        import json
        return json.loads("<html>Bad gateway</html>")


class _SlowClient:
    """Answers after ``delay`` seconds, as an overloaded Rasa server would."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.calls = 0

    async def parse(self, text: str) -> dict:
        import asyncio
        self.calls += 1
        await asyncio.sleep(self.delay)
        return {"risk": ON_RISK}


async def test_a_garbled_answer_is_reported_not_raised():
    """A JSON error (or a timeout) must not escape: it would end every open live feed."""
    result = await check(_GarbledClient())
    assert result.state == "unreachable" and "did not answer" in result.message


async def test_a_live_feed_never_waits_long_on_a_slow_assistant():
    """Feeds carry high-risk alerts too, so a slow check gives the last answer, not a stall."""
    client = _SlowClient(delay=0.05)
    monitor = SafetyMonitor(client, every=0)
    first = await monitor.latest(wait=2.0)
    assert first is not None and first.ok
    client.delay = 3.0
    started = time.monotonic()
    again = await monitor.latest(wait=0.2)
    assert time.monotonic() - started < 1.5
    assert again == first  # the last answer, while the check carries on behind
    assert client.calls == 2


async def test_a_refused_token_is_reported(rasa_stand_in):
    result = await check(RasaClient(rasa_stand_in.url, "wrong-token", timeout=3))
    assert result.state == "unreachable" and "duty lead" in result.message


async def test_the_monitor_asks_again_only_when_the_last_answer_is_old(rasa_stand_in):
    client = RasaClient(rasa_stand_in.url, rasa_stand_in.token, timeout=3)
    before = len([c for c in rasa_stand_in.calls if c["path"] == "parse"])
    monitor = SafetyMonitor(client, every=3600)
    assert (await monitor.current()).ok
    assert (await monitor.current()).ok
    parses = [c for c in rasa_stand_in.calls if c["path"] == "parse"][before:]
    assert len(parses) == 1 and parses[0]["body"] == {"text": PROBE_TEXT}


@pytest.fixture()
def worker(hub, hub_dbs) -> Staff:
    make_user(hub_dbs[1], "safety_banner_worker")
    staff = Staff(hub.url)
    assert staff.login("safety_banner_worker").status_code == 303
    return staff


def test_queue_shows_a_banner_only_while_detection_is_degraded(worker, rasa_stand_in):
    assert "data-safety=" not in worker.page("/queue").text
    try:
        rasa_stand_in.risk = {**ON_RISK, "meaning": None}
        page = worker.page("/queue").text
        assert 'role="alert" data-safety="rules_only"' in page
        assert "read new messages with extra care" in page
        rasa_stand_in.risk = None
        assert 'data-safety="missing"' in worker.page("/queue").text
    finally:
        rasa_stand_in.risk = dict(ON_RISK)
    assert "data-safety=" not in worker.page("/queue").text


def test_the_live_queue_feed_says_when_detection_degrades_and_recovers(hub, hub_dbs, rasa_stand_in):
    """A queue page left open all night learns of a change without a reload."""
    make_user(hub_dbs[1], "safety_feed_worker")
    worker = Staff(hub.url)
    assert worker.login("safety_feed_worker").status_code == 303
    seen: list[dict] = []
    try:
        with worker.get(hub.url + "/api/queue/stream", stream=True, timeout=10) as feed:
            events = sse_events(feed, until=time.monotonic() + 10)
            for kind, data in events:
                if kind == "safety":
                    seen.append(data)
                    break
            rasa_stand_in.risk = {**ON_RISK, "meaning": None}
            add_handoff(hub_dbs[1], "safety-feed-person-1")
            for kind, data in events:
                if kind == "safety":
                    seen.append(data)
                    break
            rasa_stand_in.risk = dict(ON_RISK)
            add_handoff(hub_dbs[1], "safety-feed-person-2")
            for kind, data in events:
                if kind == "safety":
                    seen.append(data)
                    break
    finally:
        rasa_stand_in.risk = dict(ON_RISK)
    assert [(d["ok"], d["state"]) for d in seen] == [(True, "on"), (False, "rules_only"), (True, "on")]
    assert "extra care" in seen[1]["message"]


def test_a_conversation_page_shows_the_banner_too(hub, hub_dbs, rasa_stand_in):
    """A worker may spend an hour in one conversation; the warning must reach them there."""
    make_user(hub_dbs[1], "safety_banner_reader")
    worker = Staff(hub.url)
    assert worker.login("safety_banner_reader").status_code == 303
    handoff_id = add_handoff(hub_dbs[1], "safety-banner-conversation")
    assert "data-safety=" not in worker.page(f"/conversations/{handoff_id}").text
    try:
        rasa_stand_in.risk = {**ON_RISK, "meaning": None}
        page = worker.page(f"/conversations/{handoff_id}").text
        assert 'id="safety-alert" class="hub-alert" role="alert" data-safety="rules_only"' in page
        assert "read new messages with extra care" in page
    finally:
        rasa_stand_in.risk = dict(ON_RISK)
    assert "data-safety=" not in worker.page(f"/conversations/{handoff_id}").text


def test_the_live_conversation_feed_says_when_detection_degrades_and_recovers(hub, hub_dbs, rasa_stand_in):
    make_user(hub_dbs[1], "safety_conversation_feed_worker")
    worker = Staff(hub.url)
    assert worker.login("safety_conversation_feed_worker").status_code == 303
    handoff_id = add_handoff(hub_dbs[1], "safety-conversation-feed-person")
    seen: list[dict] = []
    try:
        with worker.get(f"{hub.url}/api/conversations/{handoff_id}/stream", stream=True, timeout=10) as feed:
            for kind, data in sse_events(feed, until=time.monotonic() + 10):
                if kind != "safety":
                    continue
                seen.append(data)
                if len(seen) == 1:
                    rasa_stand_in.risk = None  # the model lost its detector
                elif len(seen) == 2:
                    rasa_stand_in.risk = dict(ON_RISK)
                else:
                    break
    finally:
        rasa_stand_in.risk = dict(ON_RISK)
    assert [(d["ok"], d["state"]) for d in seen] == [(True, "on"), (False, "missing"), (True, "on")]
    assert "without its risk detector" in seen[1]["message"]
