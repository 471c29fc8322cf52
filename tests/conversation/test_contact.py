"""Contact wishes read from people's words, and promises the Hub's hours can keep."""

from datetime import datetime, time

import pytest

from bot.conversation.contact import read_wish, timing
from bot.handoff import make_promise
from bot.hours import LONDON, HubHours

EVENINGS = HubHours(opening={d: (time(9), time(20)) for d in range(5)})
NINE_TO_FIVE = HubHours()
SUNDAY_3AM = datetime(2026, 12, 6, 3, 0, tzinfo=LONDON)   # a Sunday
MONDAY_10AM = datetime(2026, 12, 7, 10, 0, tzinfo=LONDON)


@pytest.mark.parametrize("text,how,said", [
    ("text or call after 6pm", "text", "after 6 p.m."),
    ("ring me after 6", "call", "after 6 p.m."),
    ("call me before 11am", "call", "before 11 a.m."),
    ("mornings are best, by phone", "call", "in the morning"),
    ("email in the afternoon", "email", "in the afternoon"),
    ("through me please", "through_me", None),
    ("here in this chat", "chat", None),
    ("whenever", None, None),
])
def test_contact_answers_with_times_are_understood(text, how, said):
    wish = read_wish(text)
    assert (wish.how, wish.said_time) == (how, said)


def test_no_contact_is_read():
    assert read_wish("please don't contact me").no_contact
    assert not read_wish("text me").no_contact


def test_a_time_the_hub_keeps_is_promised_on_the_right_day():
    when = timing(read_wish("text after 6pm"), EVENINGS, SUNDAY_3AM)
    assert when.fits and when.when == "after 6 p.m. on Monday"


def test_a_time_outside_the_hubs_hours_is_not_promised():
    when = timing(read_wish("text after 6pm"), NINE_TO_FIVE, SUNDAY_3AM)
    assert not when.fits and when.when == "on Monday morning"


def test_no_time_asked_gives_the_next_contact():
    assert timing(read_wish("a text"), NINE_TO_FIVE, SUNDAY_3AM).when == "on Monday morning"


def test_the_promise_says_when_and_how_the_person_asked():
    wish = read_wish("text or call after 6pm")
    promise = make_promise(hub_open=False, workers_on_duty=0, next_contact="after 6 p.m. on Monday",
                           channel="twilio", wish=wish)
    assert promise.text == "The Hub is closed now. A Hub worker will contact you after 6 p.m. on Monday, by text."


def test_the_promise_never_refers_to_details_not_given_and_never_says_this_chat_by_sms():
    web = make_promise(hub_open=False, workers_on_duty=0, next_contact="on Monday morning", channel="webchat",
                       wish=read_wish("call me"), gave_contact=False)
    assert "contact details you gave" not in web.text and "here in this chat, as I don't have your number" in web.text
    sms = make_promise(hub_open=True, workers_on_duty=0, next_contact="later today", channel="twilio")
    assert "this chat" not in sms.text and "by text" in sms.text


def test_a_call_with_a_number_given_is_promised_by_phone():
    promise = make_promise(hub_open=True, workers_on_duty=0, next_contact="later today", channel="webchat",
                           wish=read_wish("call me on 07700 900123"), gave_contact=True)
    assert promise.text.endswith("later today, by phone.")


def test_a_wish_the_hub_cannot_keep_is_said_honestly():
    promise = make_promise(hub_open=False, workers_on_duty=0, next_contact="on Monday morning",
                           channel="twilio", wish=read_wish("after 6pm"), fits=False)
    assert promise.text == ("The Hub isn't open after 6 p.m., sorry, so a Hub worker will contact you "
                            "on Monday morning, by text.")


def test_a_worker_on_duty_is_promised_live():
    assert make_promise(hub_open=True, workers_on_duty=1, next_contact="x", channel="webchat").live
