"""Live streams re-check the login and the conversation every few seconds (security issue 20).

Before: a stream opened before logout kept delivering a person's new messages afterwards.
"""

from __future__ import annotations

import time

from bot.hub.handling import finish
from bot.store.db import session_scope
from tests.hub.support import Staff, add_handoff, make_user, sse_events


def _stream_path(staff: Staff, handoff: int) -> str:
    page = staff.page(f"/conversations/{handoff}").text
    return page.split('data-stream="', 1)[1].split('"', 1)[0].replace("&amp;", "&")


def test_a_conversation_stream_stops_at_logout(hub, hub_dbs, rasa_stand_in):
    make_user(hub_dbs[1], "stream_logout")
    staff = Staff(hub.url)
    staff.login("stream_logout")
    sender = "stream-logout-person"
    handoff = add_handoff(hub_dbs[1], sender)
    with staff.get(hub.url + _stream_path(staff, handoff), stream=True, timeout=15) as feed:
        time.sleep(0.3)
        assert staff.post_form("/logout").status_code == 303
        time.sleep(0.5)
        rasa_stand_in.broker_write(sender, {"event": "user", "text": "words after logout", "parse_data": {}})
        seen = list(sse_events(feed, until=time.monotonic() + 8))
    assert not [data for kind, data in seen if kind == "line" and "words after logout" in data["html"]]
    assert ("end", {"reason": "logged_out"}) in seen


def test_the_queue_stream_stops_at_logout(hub, hub_dbs):
    make_user(hub_dbs[1], "queue_logout")
    staff = Staff(hub.url)
    staff.login("queue_logout")
    with staff.get(hub.url + "/api/queue/stream", stream=True, timeout=15) as feed:
        events = sse_events(feed, until=time.monotonic() + 8)
        assert next(events)[0] == "queue"
        assert staff.post_form("/logout").status_code == 303
        add_handoff(hub_dbs[1], "queue-logout-person", urgent=True, risk_level="high")
        rest = list(events)
    assert ("end", {"reason": "logged_out"}) in rest
    assert not [data for kind, data in rest if kind == "queue" and "queue-logout-person" in data["html"]]


def test_a_conversation_stream_ends_when_the_conversation_is_closed(hub, hub_dbs, rasa_stand_in):
    make_user(hub_dbs[1], "stream_close")
    staff = Staff(hub.url)
    staff.login("stream_close")
    sender = "stream-close-person"
    handoff = add_handoff(hub_dbs[1], sender)
    path = _stream_path(staff, handoff)
    with staff.get(hub.url + path, stream=True, timeout=15) as feed:
        time.sleep(0.3)
        with session_scope(hub_dbs[1]) as session:
            finish(session, handoff, "closed", "signposted")
        seen = list(sse_events(feed, until=time.monotonic() + 6))
    assert ("end", {"reason": "closed"}) in seen
    # A reconnect is refused (204 for a lead, 404 for a worker): the browser stops reconnecting.
    assert staff.get(hub.url + path, timeout=10).status_code in (204, 404)
