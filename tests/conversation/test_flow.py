from bot.conversation.flow import next_question, previous_question, required_slots


def test_offers_and_the_hub_question_come_straight_after_the_story():
    assert required_slots({"consent": "yes", "introducer": "self", "needs": ["money"]}) == [
        "consent", "story", "offer_choice", "introducer", "contact_preference",
        "what_matters", "strengths_text", "connections", "summary_confirmed",
    ]


def test_a_story_told_in_the_first_message_means_offers_come_next_after_consent():
    assert next_question({"consent": "yes", "story": "behind on my rent", "needs": ["money"]}) == "offer_choice"


def test_with_nothing_to_match_yet_the_offers_wait_until_something_is_known():
    # "It's for my dad" says nothing the offers could fit: ask about him first.
    slots = {"consent": "yes", "story": "it's for my dad", "introducer": "someone_else"}
    assert next_question(slots) == "relationship"
    assert required_slots(slots)[-2:] == ["offer_choice", "summary_confirmed"]
    # Once what matters names a need, the offers come next.
    slots.update({"relationship": "daughter", "person_agrees": "yes", "introducer_contact": "x",
                  "person_contact": "x", "contact_preference": "x", "what_matters": "he's lonely",
                  "needs": ["connection"]})
    assert next_question(slots) == "offer_choice"
    # An interest is enough to match as well.
    assert next_question({"consent": "yes", "story": "x", "strengths": ["gardening"]}) == "offer_choice"


def test_without_a_directory_the_offers_question_is_left_out():
    assert "offer_choice" not in required_slots({"consent": "yes"}, offers_enabled=False)


def test_someone_introducing_another_person_is_asked_about_agreement_contacts_and_themselves():
    slots = required_slots({"consent": "yes", "introducer": "someone_else", "needs": ["money"]})
    assert slots[:8] == ["consent", "story", "offer_choice", "introducer", "relationship", "person_agrees",
                         "introducer_contact", "person_contact"]
    assert slots.index("carer_support") == slots.index("summary_confirmed") - 1


def test_a_person_for_themselves_is_not_asked_about_being_a_carer():
    assert "carer_support" not in required_slots({"consent": "yes", "introducer": "self"})


def test_no_consent_still_asks_what_is_going_on_and_gives_offers_but_nothing_more():
    assert required_slots({"consent": "no"}) == ["consent", "story", "offer_choice"]
    assert next_question({"consent": "no", "story": "x", "offer_choice": "none"}) is None


def test_a_person_coming_back_is_first_asked_whether_to_pick_up():
    assert required_slots({}, returning=True)[0] == "resume_choice"


def test_asking_to_change_the_summary_asks_which_part():
    slots = {"consent": "yes", "introducer": "self", "story": "x", "what_matters": "skipped",
             "strengths_text": "x", "connections": "x", "offer_choice": "none",
             "contact_preference": "x", "summary_confirmed": "change"}
    assert next_question(slots) == "summary_part"


def test_skipped_answers_count_as_answered():
    slots = {"consent": "yes", "introducer": "self", "story": "skipped", "offer_choice": "none"}
    assert next_question(slots) == "contact_preference"


def test_going_back_goes_to_the_question_asked_before_this_one():
    assert previous_question(["consent", "story", "offer_choice", "introducer"], "introducer") == "offer_choice"
    assert previous_question(["consent"], "consent") is None
    assert previous_question([], None) is None
