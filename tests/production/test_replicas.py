"""Two replicas sharing PostgreSQL, Redis and RabbitMQ: nothing lost, nothing twice, in order.

The same conversations are sent alternately to both Rasa servers, and also concurrently (two
messages of one person arriving at both servers at the same instant). Afterwards every tracker
must hold every user message exactly once, in the order sent, each turn finished before the
next began (the Redis lock store doing its job), and the Hub's RabbitMQ feed must hold them too.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from tests.support.engines import wait_until

pytestmark = pytest.mark.model

# Ordinary things people say (no risk words), each unique so order and duplicates show.
LINES = [
    "hello there",
    "yes that's fine",
    "it's for me",
    "my neighbour plays loud music every night, note {n}",
    "i would like to sleep better, note {n}",
    "i enjoy gardening and baking, note {n}",
]


def sender(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:10]}"


def user_texts(tracker: dict[str, Any]) -> list[str]:
    return [e.get("text") or "" for e in tracker["events"] if e["event"] == "user"]


def turns_never_overlap(tracker: dict[str, Any]) -> bool:
    """Each user message is followed by its own turn, ending in action_listen, before the next."""
    waiting = False
    for event in tracker["events"]:
        if event["event"] == "user":
            if waiting:
                return False
            waiting = True
        elif event["event"] == "action" and event.get("name") == "action_listen":
            waiting = False
    return True


def feed_user_texts(app_db: str, senders: list[str]) -> dict[str, list[str]]:
    """User messages in the Hub's feed table (filled by the RabbitMQ consumer), by sender."""
    engine = create_engine(app_db, future=True)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT sender_id, data FROM hub_feed_events WHERE sender_id = ANY(:s) "
                                     "ORDER BY id"), {"s": senders}).all()
    finally:
        engine.dispose()
    found: dict[str, list[str]] = {s: [] for s in senders}
    for sender_id, data in rows:
        event = json.loads(data)
        if event.get("event") == "user":
            found[sender_id].append(event.get("text") or "")
    return found


def test_alternating_and_concurrent_messages_keep_every_conversation_whole(cluster):
    a, b = cluster.replicas
    people = [sender("alt") for _ in range(8)]
    sent: dict[str, list[str]] = {p: [] for p in people}

    def converse(index: int, person: str) -> None:
        for turn, line in enumerate(LINES):
            message = line.format(n=f"{index}-{turn}")
            replica = (a, b)[(index + turn) % 2]  # alternate, starting on different servers
            replies = replica.send(person, message)
            assert replies, f"no reply to turn {turn}"
            sent[person].append(message)

    with ThreadPoolExecutor(len(people)) as pool:
        list(pool.map(lambda pair: converse(*pair), enumerate(people)))

    # Two messages of one person reaching both servers at the same instant.
    for person in people[:4]:
        start = threading.Barrier(2)
        pair = [f"first at once {person[-4:]}", f"second at once {person[-4:]}"]

        def fire(replica, message, start=start, person=person) -> list[dict[str, Any]]:
            start.wait()
            return replica.send(person, message)

        with ThreadPoolExecutor(2) as pool:
            results = list(pool.map(fire, (a, b), pair))
        assert all(results)
        sent[person].append(pair)  # type: ignore[arg-type]  (their order is the servers' to pick)

    for person in people:
        for replica in (a, b):  # both servers read the same record
            tracker = replica.tracker(person)
            texts = user_texts(tracker)
            expected = [m for m in sent[person] if isinstance(m, str)]
            assert texts[:len(expected)] == expected
            rest = texts[len(expected):]
            pairs = [m for m in sent[person] if isinstance(m, list)]
            assert sorted(rest) == sorted(m for pair in pairs for m in pair)
            assert turns_never_overlap(tracker), f"two turns interleaved for {person}"

    # The Hub feed (RabbitMQ -> consumer -> hub_feed_events) has each message once, from both servers.
    def feed_complete():
        found = feed_user_texts(cluster.app_db, people)
        return found if all(len(found[p]) == len(user_texts(a.tracker(p))) for p in people) else None

    found = wait_until(feed_complete, seconds=60)
    assert found, "the Hub feed did not receive every message"
    for person in people:  # each once; the feed's order is the order RabbitMQ delivered them
        assert sorted(found[person]) == sorted(user_texts(a.tracker(person)))


def test_a_web_chat_reply_crosses_replicas(cluster):
    """The page's socket is on server A; a Hub worker's reply goes in through server B."""
    import socketio

    a, b = cluster.replicas
    session_id = uuid.uuid4().hex
    received: list[dict[str, Any]] = []
    confirmed = threading.Event()
    client = socketio.Client(reconnection=False)
    client.on("session_confirm", lambda *_: confirmed.set())
    client.on("bot_uttered", lambda data: received.append(data))
    client.connect(a.rasa_url, socketio_path="/socket.io", transports=["polling"],
                   headers={"Origin": a.rasa_url})
    try:
        client.emit("session_request", {"session_id": session_id})
        assert confirmed.wait(20)
        client.emit("user_uttered", {"message": "hello there", "session_id": session_id})
        assert wait_until(lambda: received, seconds=60), "no reply from the server holding the socket"
        before = len(received)
        b_url = (f"{b.rasa_url}/conversations/web:{session_id}/tracker/events?execute_side_effects=true"
                 f"&output_channel=webchat&token={b.token}")
        from tests.support.stack import http_json

        http_json("POST", b_url, [{"event": "bot", "text": "Hello, I'm Sam from the Hub.",
                                   "metadata": {"lwfd_from": "worker", "lwfd_worker_name": "Sam"}}])
        got = wait_until(lambda: [m for m in received[before:] if m.get("from") == "worker"], seconds=30)
        assert got and got[0]["text"] == "Hello, I'm Sam from the Hub." and got[0]["name"] == "Sam"
    finally:
        client.disconnect()


def test_a_burst_of_200_messages_from_50_people_is_all_answered(cluster):
    a, b = cluster.replicas
    people = [sender("burst") for _ in range(50)]
    answered: dict[str, int] = {p: 0 for p in people}
    start = threading.Barrier(len(people))

    def person_talks(index: int, person: str) -> None:
        start.wait()
        for turn, line in enumerate(LINES[:4]):
            if (a, b)[(index + turn) % 2].send(person, line.format(n=f"burst-{index}-{turn}")):
                answered[person] += 1

    began = time.monotonic()
    with ThreadPoolExecutor(len(people)) as pool:
        list(pool.map(lambda pair: person_talks(*pair), enumerate(people)))
    took = time.monotonic() - began
    assert sum(answered.values()) == 200, f"unanswered: {200 - sum(answered.values())} (took {took:.0f}s)"
    for person in people[::7]:
        tracker = a.tracker(person)
        assert len(user_texts(tracker)) == 4 and turns_never_overlap(tracker)
