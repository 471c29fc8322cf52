from bot.conversation.flow import next_question, required_slots


def test_a_person_for_themselves_is_asked_the_asset_based_questions_in_order():
    assert required_slots({"consent": "yes", "introducer": "self"}) == [
        "consent", "introducer", "story", "what_matters", "strengths_text", "connections",
        "offer_choice", "contact_preference", "summary_confirmed",
    ]


def test_without_a_directory_the_offers_question_is_left_out():
    assert "offer_choice" not in required_slots({"consent": "yes"}, offers_enabled=False)


def test_someone_introducing_another_person_is_asked_about_agreement_and_contacts():
    slots = required_slots({"consent": "yes", "introducer": "someone_else"})
    assert slots[:6] == ["consent", "introducer", "relationship", "person_agrees",
                         "introducer_contact", "person_contact"]


def test_no_consent_asks_nothing_more():
    assert required_slots({"consent": "no"}) == ["consent"]
    assert next_question({"consent": "no"}) is None


def test_a_person_coming_back_is_first_asked_whether_to_pick_up():
    assert required_slots({}, returning=True)[0] == "resume_choice"


def test_offers_question_comes_after_connections_when_enabled():
    slots = required_slots({"consent": "yes", "introducer": "self"}, offers_enabled=True)
    assert slots.index("offer_choice") == slots.index("connections") + 1


def test_asking_to_change_the_summary_asks_which_part():
    slots = {"consent": "yes", "introducer": "self", "story": "x", "what_matters": "skipped",
             "strengths_text": "x", "connections": "x", "offer_choice": "none",
             "contact_preference": "x", "summary_confirmed": "change"}
    assert next_question(slots) == "summary_part"


def test_skipped_answers_count_as_answered():
    slots = {"consent": "yes", "introducer": "self", "story": "skipped"}
    assert next_question(slots) == "what_matters"
