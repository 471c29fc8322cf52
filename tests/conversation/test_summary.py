from bot.conversation.summary import read_back, summary_facts


def _slots(**extra):
    base = {"consent": "yes", "introducer": "self", "story": "landlord evicting me", "needs": ["housing"],
            "what_matters": "a safe home", "strengths": ["cooking"], "strengths_text": "cooking",
            "connections": "my sister", "contact_preference": "text me after 3"}
    base.update(extra)
    return base


def test_read_back_uses_plain_labels_and_the_persons_words():
    text = read_back(_slots())
    assert "Help with: housing." in text
    assert '"a safe home"' in text
    assert "You enjoy: cooking." in text
    assert text.endswith("Is that right?")


def test_read_back_for_someone_else_talks_about_them():
    assert "They enjoy" in read_back(_slots(introducer="someone_else"))


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
