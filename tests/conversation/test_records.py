from sqlalchemy import select

from bot.conversation.records import latest_introduction, save_introduction
from bot.store.db import session_scope
from bot.store.models import Introduction


def test_nothing_is_kept_without_consent(app_db):
    assert save_introduction("person-a", "rest", {"consent": "no", "story": "x"}, url=app_db) is None
    with session_scope(app_db) as session:
        assert session.execute(select(Introduction)).scalars().all() == []


def test_saving_as_we_go_updates_one_record(app_db):
    first = save_introduction("person-b", "rest", {"consent": "yes", "story": "debt"}, url=app_db)
    second = save_introduction("person-b", "rest", {"consent": "yes", "story": "debt", "needs": ["money"],
                                                    "strengths": ["music"]},
                               introduction_id=first, complete=True, url=app_db)
    assert first == second
    row = latest_introduction("person-b", url=app_db)
    assert row.needs == ["money"] and row.strengths == ["music"]
    assert row.status == "complete" and row.consent is True and row.consent_at is not None


def test_an_id_from_another_sender_is_never_reused(app_db):
    first = save_introduction("person-c", "rest", {"consent": "yes"}, url=app_db)
    other = save_introduction("person-d", "rest", {"consent": "yes"}, introduction_id=first, url=app_db)
    assert other != first


def test_someone_else_introducing_records_who_and_agreement(app_db):
    save_introduction("person-e", "twilio", {"consent": "yes", "introducer": "someone_else",
                                             "relationship": "neighbour", "person_agrees": "yes",
                                             "introducer_contact": "Sam 07700 900123"}, url=app_db)
    row = latest_introduction("person-e", url=app_db)
    assert row.introduced_by == "someone_else" and row.person_agrees is True
    assert row.introducer_relationship == "neighbour" and row.channel == "twilio"
