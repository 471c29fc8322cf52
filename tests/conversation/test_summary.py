from bot.conversation.summary import read_back, summary_facts


def _slots(**extra):
    base = {"consent": "yes", "introducer": "self", "story": "landlord evicting me", "needs": ["housing"],
            "what_matters": "a safe home", "strengths": ["cooking"], "strengths_text": "cooking",
            "connections": "my sister", "contact_preference": "text me after 3"}
    base.update(extra)
    return base


def test_read_back_shows_the_persons_own_words_and_the_needs():
    text = read_back(_slots())
    assert 'What\'s going on: "landlord evicting me"' in text
    assert "Help with: housing." in text
    assert '"a safe home"' in text
    assert 'Enjoys: "cooking"' in text
    assert text.endswith("Is that right? Say yes, or which part to change.")


def test_read_back_for_someone_else_talks_about_them():
    assert "What's going on for them" in read_back(_slots(introducer="someone_else"))


def test_read_back_names_no_need_the_person_did_not_mention():
    assert "Help with" not in read_back(_slots(needs=[]))


def test_a_carer_who_wants_support_sees_it_in_the_read_back():
    assert "Support for you as a carer: yes." in read_back(_slots(introducer="someone_else", carer_support="yes"))


def test_skipped_answers_are_left_out():
    text = read_back(_slots(what_matters="skipped"))
    assert "What matters" not in text


def test_long_story_is_shortened_in_the_read_back_but_kept_whole_in_the_facts():
    story = "word " * 200
    facts = summary_facts(_slots(story=story, needs=[]))
    assert facts["story"] == story.strip()
    assert len(read_back(_slots(story=story, needs=[]))) < 600


def test_facts_carry_codes_and_risk_for_the_hub():
    facts = summary_facts(_slots(risk_flag="high"))
    assert facts["needs"] == ["housing"] and facts["strengths"] == ["cooking"]
    assert facts["risk_level"] == "high"
    assert facts["consent"] is True


def test_needs_are_said_back_in_the_same_words_as_before_the_offers():
    text = read_back(_slots(needs=["emotional_support", "money", "housing", "physical_health"]))
    assert "Help with: having someone to talk to, money, housing and your health." in text
    assert "peer support" not in text and "therapies" not in text
