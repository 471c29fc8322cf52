"""Faults on the two-replica set-up: each part goes away for a while, and nothing is lost.

PostgreSQL and RabbitMQ are cut at the loopback proxy every process reaches them through
(connections dropped, new ones refused), never by stopping the machine's services.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from datetime import datetime, timezone

import pytest
import requests
from sqlalchemy import create_engine, text

from bot.channels.fake_twilio import signed_webhook, webhook_params
from bot.config import Settings
from bot.hub.risk_watch import GRACE, watch_once
from tests.production.conftest import SMS_PUBLIC_URL, TWILIO_TOKEN
from tests.production.test_replicas import feed_user_texts, turns_never_overlap, user_texts
from tests.support.engines import wait_until

pytestmark = pytest.mark.model

CRISIS_NUMBERS = ("999", "116 123", "85258", "111")


def sender(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:10]}"


def begin(replica, person: str) -> str:
    """Hello, yes to keeping it, for me: the reply asks what's been going on."""
    replica.say(person, "hello there")
    replica.say(person, "yes that's fine")
    return replica.say(person, "it's for me")


def slots(replica, person: str) -> dict:
    return replica.tracker(person)["slots"]


def test_a_rasa_server_killed_mid_conversation_and_restarted(cluster):
    a, b = cluster.replicas
    person = sender("killed")
    assert "what's been going on for you" in begin(a, person)
    a.kill_rasa()  # SIGKILL, mid-conversation
    try:
        assert slots(b, person)["consent"] == "yes" and slots(b, person)["introducer"] == "self"
        # Offers come straight after the story (issue 18's order).
        assert "places that might help" in b.say(person, "my neighbour plays loud music every night")
    finally:
        a.start_rasa()
        a.wait_rasa()
    assert a.say(person, "none of those, thanks")  # the restarted server carries the conversation on
    tracker = a.tracker(person)
    assert tracker["slots"]["story"] == "my neighbour plays loud music every night"
    assert user_texts(tracker)[-1] == "none of those, thanks"
    assert turns_never_overlap(tracker)


def test_the_action_server_down_for_a_turn(cluster):
    a, _ = cluster.replicas
    person = sender("noactions")
    assert "what's been going on for you" in begin(a, person)
    a.stop_actions()
    try:
        # The step cannot run: the person is told so once, honestly, and nothing is pretended;
        # what they said is still kept (bot/engines/action_failures.py).
        reply = a.say(person, "my neighbour plays loud music every night")
        assert "places that might help" not in reply
        assert reply.count("couldn't take that in") == 1 and "send it" in reply
        assert user_texts(a.tracker(person))[-1] == "my neighbour plays loud music every night"
        disclosed = sender("noactions-crisis")
        crisis = a.say(disclosed, "i want to end my life tonight")
        assert all(number in crisis for number in CRISIS_NUMBERS)
        assert "couldn't take that in" not in crisis  # never "send it again" after a disclosure
        # No action server, so no urgent queue row from action_crisis_followup: the Hub's risk
        # watch finds the message in the feed and queues it (bot/hub/risk_watch.py).
        assert not _urgent_rows(cluster.app_db, disclosed)
        assert wait_until(lambda: feed_user_texts(cluster.app_db, [disclosed])[disclosed] or None, seconds=60)
        current = Settings(database_url=cluster.app_db, event_broker_url=cluster.engines.amqp_url)
        later = datetime.now(timezone.utc).replace(tzinfo=None) + GRACE
        assert watch_once(current, 0, now=later)[1] >= 1
        [(risk_level, words)] = _urgent_rows(cluster.app_db, disclosed)
        assert risk_level == "high" and words == "i want to end my life tonight"
    finally:
        a.start_actions()
        a.wait_actions()
    assert "places that might help" in a.say(person, "my neighbour plays loud music every night")


def _urgent_rows(url: str, person: str) -> list[tuple[str, str]]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT risk_level, summary FROM handoffs WHERE sender_id = :s AND urgent"),
                                {"s": person}).all()
    finally:
        engine.dispose()
    return [(level, (json.loads(summary) if isinstance(summary, str) else summary)["risk"]["words"])
            for level, summary in rows]


def test_postgresql_briefly_unreachable_loses_nothing(cluster):
    a, b = cluster.replicas
    person = sender("pgdown")
    assert "what's been going on for you" in begin(a, person)
    replies: list[str] = []
    cluster.engines.pg.cut()
    try:
        talking = threading.Thread(target=lambda: replies.append(
            b.say(person, "my neighbour plays loud music every night")))
        talking.start()
        time.sleep(3)
    finally:
        cluster.engines.pg.restore()
    talking.join(120)
    assert replies and "places that might help" in replies[0]
    texts = user_texts(a.tracker(person))
    assert texts.count("my neighbour plays loud music every night") == 1
    assert texts[-1] == "my neighbour plays loud music every night"


def _text_in(replica, phone: str, body: str, sid: str) -> int:
    params = webhook_params(phone, body, message_sid=sid)
    headers = signed_webhook(params, SMS_PUBLIC_URL, TWILIO_TOKEN)
    return requests.post(f"{replica.rasa_url}/webhooks/twilio/webhook", data=params, headers=headers,
                         timeout=120).status_code


def _sms_user_texts(cluster, phone: str) -> list[str]:
    """The person's messages in the tracker store itself (PostgreSQL, not through the proxy)."""
    engine = create_engine(cluster.engines.pg_url(cluster.engines.tracker_db, direct=True), future=True)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT data FROM events WHERE sender_id = :p AND type_name = 'user' "
                                     "ORDER BY id"), {"p": f"sms:{phone}"}).scalars().all()
    finally:
        engine.dispose()
    return [json.loads(row).get("text") for row in rows]


def test_a_twilio_webhook_retried_on_the_other_replica_is_answered_once(cluster):
    a, b = cluster.replicas
    phone = f"+4477009{uuid.uuid4().int % 100000:05d}"
    sid = "SM" + uuid.uuid4().hex
    assert _text_in(a, phone, "hello there", sid) == 200
    replies = list(cluster.twilio.bodies_to(phone))
    assert replies
    assert _text_in(b, phone, "hello there", sid) == 200  # Twilio's retry, to the other server
    assert cluster.twilio.bodies_to(phone) == replies
    assert _sms_user_texts(cluster, phone) == ["hello there"]


def test_an_sms_during_a_database_outage_is_handled_by_twilios_retry(cluster):
    a, b = cluster.replicas
    phone = f"+4477009{uuid.uuid4().int % 100000:05d}"
    sid = "SM" + uuid.uuid4().hex
    cluster.engines.pg.cut()
    try:
        status = _text_in(a, phone, "hello there", sid)
    finally:
        cluster.engines.pg.restore()
    assert status >= 500  # Twilio will try again
    assert _text_in(b, phone, "hello there", sid) == 200
    assert cluster.twilio.bodies_to(phone)
    assert _sms_user_texts(cluster, phone).count("hello there") == 1


def test_rabbitmq_restarted_the_hub_feed_catches_up(cluster):
    a, b = cluster.replicas
    person = sender("rabbit")
    a.say(person, "hello there")
    cluster.engines.rabbit.cut()  # every publisher and the consumer lose RabbitMQ
    try:
        b.say(person, "yes that's fine")
        a.say(person, "it's for me")
    finally:
        cluster.engines.rabbit.restore()
    cluster.stop_consumer()  # and the Hub's consumer is down while more is said
    b.say(person, "my neighbour plays loud music every night")
    cluster.start_consumer()
    expected = user_texts(a.tracker(person))
    assert len(expected) == 4
    # Events held back during the outage arrive when the connection is back, so the feed may
    # receive them after later ones: every one, once (the transcript orders by the tracker).
    found = wait_until(lambda: sorted(feed_user_texts(cluster.app_db, [person])[person]) == sorted(expected)
                       or None, seconds=90)
    assert found, f"feed has {feed_user_texts(cluster.app_db, [person])[person]}, expected {expected}"
