"""The live feeds: a new escalation reaches the queue, and a person's words reach the transcript."""

from __future__ import annotations

import time

from markupsafe import escape

from tests.hub.support import Staff, add_handoff, make_user, sse_events


def _staff(hub, db: str, name: str) -> Staff:
    make_user(db, name)
    staff = Staff(hub.url)
    staff.login(name)
    return staff


def test_a_new_escalation_appears_in_the_queue_feed_within_two_seconds(hub, hub_dbs):
    staff = _staff(hub, hub_dbs[1], "live_queue")
    with staff.get(hub.url + "/api/queue/stream", stream=True, timeout=10) as feed:
        assert feed.headers["Content-Type"].startswith("text/event-stream")
        events = sse_events(feed, until=time.monotonic() + 10)
        first = next(events)
        assert first[0] == "queue"
        written = time.monotonic()
        new_id = add_handoff(hub_dbs[1], "live-queue-person", urgent=True, risk_level="high")
        for kind, data in events:
            if kind == "queue" and f'data-handoff="{new_id}"' in data["html"]:
                break
        else:
            raise AssertionError("the new handoff never reached the feed")
    assert time.monotonic() - written < 2.0


def test_person_words_and_a_high_risk_alert_reach_the_open_conversation(hub, hub_dbs, rasa_stand_in):
    staff = _staff(hub, hub_dbs[1], "live_transcript")
    sender = "live-transcript-person"
    rasa_stand_in.broker_write(sender, {"event": "user", "text": "earlier words", "parse_data": {}})
    handoff = add_handoff(hub_dbs[1], sender)
    page = staff.page(f"/conversations/{handoff}").text
    assert "earlier words" in page
    stream_path = page.split('data-stream="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    with staff.get(hub.url + stream_path, stream=True, timeout=10) as feed:
        time.sleep(0.3)
        rasa_stand_in.broker_write(sender, {"event": "action", "name": "action_listen"})
        rasa_stand_in.broker_write(sender, {"event": "user", "text": "<script>alert(1)</script> I can't go on",
                                            "parse_data": {"risk": {"level": "high", "categories": ["suicide"],
                                                                    "reasons": ["can't go on"]}}})
        seen: dict[str, dict] = {}
        for kind, data in sse_events(feed, until=time.monotonic() + 5):
            seen.setdefault(kind, data)
            if "line" in seen and "alert" in seen:
                break
    assert "earlier words" not in seen["line"]["html"]  # already on the page: not sent twice
    assert str(escape("<script>alert(1)</script> I can't go on")) in seen["line"]["html"]
    assert "<script>" not in seen["line"]["html"]
    assert "can't go on" in seen["alert"]["text"]


def test_feed_tells_the_page_when_someone_else_claims(hub, hub_dbs, rasa_stand_in):
    watcher = _staff(hub, hub_dbs[1], "live_watcher")
    claimer = _staff(hub, hub_dbs[1], "live_claimer")
    handoff = add_handoff(hub_dbs[1], "live-status-person")
    with watcher.get(hub.url + f"/api/conversations/{handoff}/stream?after=0&since=0", stream=True,
                     timeout=10) as feed:
        time.sleep(0.3)
        claimer.page(f"/conversations/{handoff}")
        assert claimer.post_form(f"/conversations/{handoff}/claim").status_code == 303
        for kind, data in sse_events(feed, until=time.monotonic() + 5):
            if kind == "status":
                assert data == {"status": "claimed", "claimed_by": "live_claimer"}
                break
        else:
            raise AssertionError("no status event")
