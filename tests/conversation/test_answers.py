import pytest

from bot.conversation import answers


@pytest.mark.parametrize("text", ["yes", "Yeah", "yep!", "ok", "okay then", "sure", "go on", "1"])
def test_yes_in_the_ways_people_type_it(text):
    assert answers.yes_or_no(text) == "yes"


@pytest.mark.parametrize("text", ["no", "Nah", "nope.", "no thanks", "not really", "2"])
def test_no_in_the_ways_people_type_it(text):
    assert answers.yes_or_no(text) == "no"


@pytest.mark.parametrize("text", ["what do you keep?", "maybe", "🤷", "", "the landlord is the problem"])
def test_unclear_answers_are_not_guessed(text):
    assert answers.yes_or_no(text) is None


@pytest.mark.parametrize("text", ["skip", "dunno", "idk", "Rather not say", "I don't know"])
def test_skip_words(text):
    assert answers.is_skip(text)


def test_nobody_is_an_answer_not_a_skip():
    assert not answers.is_skip("nobody")


@pytest.mark.parametrize("text,expected", [
    ("it's for my son", "someone_else"),
    ("my mate", "someone_else"),
    ("on behalf of a client", "someone_else"),
    ("me", "self"),
    ("for myself", "self"),
    ("banana", None),
])
def test_who_the_introduction_is_for(text, expected):
    assert answers.who_for(text) == expected


def test_emoji_only_has_no_words():
    assert not answers.has_words("😢😢")
    assert answers.has_words("sad 😢")


# --- word boundaries, never substrings ----------------------------------------------------

@pytest.mark.parametrize("text,expected", [
    ("start fresh", "fresh"), ("something new", "fresh"), ("pick up where I left off", "continue"),
    ("carry on", "continue"), ("I knew you'd ask", None), ("I live in Newham", None), ("banana", None),
])
def test_resume_choice_reads_whole_words(text, expected):
    assert answers.resume_choice(text) == expected


@pytest.mark.parametrize("text", ["nobody really", "no one", "I'm on my own", "all alone"])
def test_nobody_around_is_read(text):
    assert answers.is_alone(text)


@pytest.mark.parametrize("text", ["my sister and my neighbour", "my friend Malone", "my daughter Alonea"])
def test_people_around_are_not_read_as_alone(text):
    assert not answers.is_alone(text)


@pytest.mark.parametrize("text,expected", [
    ("yes", ("yes", None)),
    ("yes that's right", ("yes", None)),
    ("no", ("change", None)),
    ("change something", ("change", None)),
    ("no, the contact bit is wrong", ("change", "contact_preference")),
    ("the time is wrong", ("change", "contact_preference")),
    ("yes but I don't need help with money", ("change", "needs")),
    ("it's not about relationships", ("change", "needs")),
    ("hmm", (None, None)),
])
def test_summary_answers_understand_yes_no_and_which_part(text, expected):
    assert answers.summary_answer(text) == expected


@pytest.mark.parametrize("text", ["no", "please don't contact me", "no thanks", "dont contact me"])
def test_no_contact(text):
    assert answers.wants_no_contact(text)


@pytest.mark.parametrize("text", ["text me", "no one calls me so text is best", "known to nobody, text me"])
def test_contact_wishes_are_not_read_as_no_contact(text):
    assert not answers.wants_no_contact(text)


@pytest.mark.parametrize("text", ["what does that mean?", "What do you keep?", "who sees it", "explain please"])
def test_asking_what_consent_means(text):
    assert answers.asks_meaning(text)


@pytest.mark.parametrize("text", ["go back", "can I change my answer", "undo that"])
def test_go_back(text):
    assert answers.is_go_back(text)


def test_go_back_is_not_read_inside_other_words():
    assert not answers.is_go_back("my back is bad and i can't work")


@pytest.mark.parametrize("text,expected", [
    ("I'm worried about my dad, he hasn't left the house since mum died", "someone_else"),
    ("texting for my mum, she isn't eating", "someone_else"),
    ("my husband died in the spring and I'm behind on the rent", "self"),
    ("my wife left and I can't sleep", "self"),
    ("rent arrears", None),
])
def test_who_a_story_is_about(text, expected):
    assert answers.story_about(text) == expected


@pytest.mark.parametrize("text,intent,need,expected", [
    ("hi", "greet", False, False),
    ("hello there", "greet", False, False),
    ("yes", "affirm", False, False),
    ("behind on rent", "share_story", True, True),
    ("my husband died and I'm behind on the rent", "share_story", True, True),
    ("things have been really hard lately", "share_story", False, True),
    ("what does that mean?", "ask_what_is_this", False, False),
])
def test_a_story_is_told_apart_from_a_greeting_or_an_answer(text, intent, need, expected):
    assert answers.looks_like_story(text, intent=intent, has_need=need) is expected


@pytest.mark.parametrize("text,expected", [
    ("SE5 8AZ", "SE5 8AZ"), ("i'm in se5", "SE5"), ("near B12 9QX please", "B12 9QX"), ("1", None), ("more", None),
])
def test_postcodes(text, expected):
    assert answers.postcode(text) == expected


@pytest.mark.parametrize("text,expected", [
    ("07700 900123", True), ("call me on +44 7700 900123", True), ("sam@example.org", True),
    ("text me after 6", False), ("here in the chat", False),
])
def test_contact_details(text, expected):
    assert answers.has_contact_details(text) is expected


def test_safety_answers_in_sentences():
    from bot.conversation.answers import safety_answer

    assert safety_answer("No! nobody is suicidal. he is just lonely and low", "ending_life") == "no"
    assert safety_answer("yeah sometimes", "ending_life") == "yes"
    assert safety_answer("yeah sometimes", "safe_now") is None
    assert safety_answer("no but I think about it", "ending_life") is None
    assert safety_answer("no one cares", "safe_now") is None
    assert safety_answer("he likes bowls", "ending_life") is None
    assert safety_answer("", "ending_life") is None


def test_who_someone_is_to_the_person_writing():
    from bot.conversation.answers import relationship_in

    assert relationship_in("Hi, I'm texting about my dad") == "dad"
    assert relationship_in("My mum died in the spring and I'm worried about my dad") == "dad"
    assert relationship_in("my mum died and my dad won't go out") is None
    assert relationship_in("it's for my Sister") == "sister"
    assert relationship_in("I can't pay the rent") is None
