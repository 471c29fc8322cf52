"""The checks a volunteer reads: each names the file, the line and the fix."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import REPO_ROOT
from bot.coproduction.checks import (
    as_text_message,
    check_examples,
    check_lookups,
    check_project,
    check_reply,
    check_taxonomy_map,
)
from bot.coproduction.data_files import Example, Lookup, ResponseText, read_nlu, read_responses
from bot.coproduction.language import LanguageGuide, load_guide

GUIDE = load_guide(REPO_ROOT / "data" / "language.yml")
LONG = ("We can help you find support near you, and we can pass what you tell us to the Hub team so "
        "that you only tell your story once. ") * 5  # 634 characters: five texts


def reply(text: str, name: str = "utter_test", buttons: tuple[str, ...] = (), channel: str | None = None
          ) -> ResponseText:
    return ResponseText(name, text, buttons, channel, "", "domain.yml", 7)


def checks_of(problems) -> list[str]:
    return [p.check for p in problems]


def test_the_shipped_data_passes_every_check():
    problems = check_project(REPO_ROOT)
    assert problems == [], "\n".join(str(p) for p in problems)


def test_banned_words_are_found_as_whole_words_ignoring_capitals():
    found = [f.word for f in GUIDE.words_to_avoid("Our Patient and her referral; a Service  User's case.")]
    assert found == ["Patient", "referral", "Service  User", "case"]
    assert GUIDE.words_to_avoid("I'm impatient to showcase what matters") == []


def test_an_allowed_phrase_is_not_a_banned_word():
    assert GUIDE.words_to_avoid("Keep this number just in case.") == []
    assert [f.word for f in GUIDE.words_to_avoid("Just in case: your case is open.")] == ["case"]


def test_you_must_is_refused_with_the_words_to_use_instead():
    (problem,) = check_reply(reply("You must answer every question."), GUIDE)
    assert problem.check == "language" and problem.file == "domain.yml" and problem.line == 7
    assert '"You must"' in problem.what and "you can" in problem.fix


def test_a_button_title_is_checked_too():
    (problem,) = check_reply(reply("Shall I do that?", buttons=("Yes, refer me",)), GUIDE)
    assert 'button "Yes, refer me"' in problem.what and "introduction" in problem.fix


def test_hard_words_fail_reading_ease_unless_exempt():
    text = ("Notwithstanding considerable organisational complexity, multidisciplinary practitioners "
            "systematically prioritise comprehensive psychosocial assessments.")
    (problem,) = check_reply(reply(text), GUIDE)
    assert problem.check == "reading_ease" and "shorter sentences" in problem.fix
    exempt = LanguageGuide(reading_ease_exempt={"utter_test": "clinicians' words"})
    assert check_reply(reply(text), exempt) == []


def test_sms_length_counts_texts_with_the_numbered_choices():
    view = as_text_message("Is that OK?", ["Yes", "No"])
    assert view.text.endswith("Reply 1 for Yes or 2 for No.") and view.texts == 1
    (problem,) = check_reply(reply(LONG), GUIDE)
    assert problem.check == "sms_length" and "5 text messages" in problem.what


def test_an_emoji_is_named_as_the_reason_a_reply_got_long():
    text = "Thank you for telling me. " * 6 + "\U0001f60a"
    assert as_text_message(text).encoding == "UCS-2"
    (problem,) = check_reply(reply(text), LanguageGuide(max_texts=2))
    assert "emoji" in problem.fix


def test_a_web_only_version_is_not_held_to_the_sms_limit():
    web = ResponseText("utter_x", LONG, (), None, "", "domain.yml", 3, has_channel_twin=True)
    assert "sms_length" not in checks_of(check_reply(web, GUIDE))
    assert "sms_length" in checks_of(check_reply(reply(LONG, channel="twilio"), GUIDE))


def ex(intent: str, text: str, line: int) -> Example:
    return Example(intent, text, "data/nlu/x.yml", line)


def test_an_example_under_two_intents_is_named_with_both_lines():
    examples = [ex("affirm", "that's fine", 3), ex("deny", "Thats fine!", 9)]
    problems = [p for p in check_examples(examples, LanguageGuide(min_examples=1)) if p.check == "two_intents"]
    (problem,) = problems
    assert problem.line == 3 and "line 9 (deny)" in problem.what


def test_too_few_duplicated_and_too_similar_examples():
    examples = [ex("greet", "hello there", 1), ex("greet", "Hello  there", 2), ex("greet", "hello there.", 3),
                ex("greet", "good morning to you", 4)]
    problems = check_examples(examples, LanguageGuide(min_examples=4, too_similar=0.95))
    assert sorted(checks_of(problems)) == ["duplicate_example", "too_few_examples", "too_similar"]
    assert next(p for p in problems if p.check == "duplicate_example").line == 2
    assert next(p for p in problems if p.check == "too_similar").line == 3
    assert "has 3 different" in next(p for p in problems if p.check == "too_few_examples").what


def test_an_intent_in_the_domain_with_no_examples_is_named():
    problems = check_examples([], LanguageGuide(min_examples=1), intents=["ask_bus_times"])
    assert [p.what for p in problems] == ['intent "ask_bus_times" has 0 different example(s); it needs at least '
                                          "1 to learn from."]


def test_a_word_list_or_category_that_maps_to_no_code(tmp_path):
    lookups = [Lookup("need_housing", "a.yml", 2, [("rent", 4)]), Lookup("need_pets", "a.yml", 9, [("dog", 11)]),
               Lookup("hobbies", "a.yml", 20, [("", 22)])]
    problems = check_lookups(lookups)
    assert [(p.check, p.line) for p in problems] == [("lookup_code", 9), ("lookup_code", 20), ("lookup_value", 22)]
    taxonomy_map = tmp_path / "taxonomy_map.yml"
    taxonomy_map.write_text("terms:\n- term: Housing\n  needs: [housing]\n- term: Dog walking\n"
                            "  needs: [pets]\n  strengths: [sport_activity]\n")
    (problem,) = check_taxonomy_map(taxonomy_map, tmp_path)
    assert problem.line == 4 and '"pets"' in problem.what


def test_lines_point_at_the_reply_and_the_example():
    replies = read_responses(REPO_ROOT / "domain.yml", REPO_ROOT)
    lines = (REPO_ROOT / "domain.yml").read_text().splitlines()
    for r in replies:
        assert "text:" in lines[r.line - 1], r
    examples, lookups = read_nlu(REPO_ROOT / "data" / "nlu", REPO_ROOT)
    assert len(examples) > 300 and lookups
    for e in examples[::25]:
        assert e.text.split()[0] in (REPO_ROOT / e.file).read_text().splitlines()[e.line - 1], e


def _plant(root: Path) -> tuple[int, int]:
    """Add two bad replies to a copy of domain.yml; return their text lines."""
    domain = root / "domain.yml"
    text = domain.read_text()
    text += ("\n  utter_planted_patient:\n    - text: \"Thank you. A worker will call each patient soon.\"\n"
             f"\n  utter_planted_long:\n    - text: \"{LONG.strip()}\"\n")
    domain.write_text(text)
    lines = text.splitlines()
    return (lines.index("  utter_planted_patient:") + 2, lines.index("  utter_planted_long:") + 2)


@pytest.fixture()
def project_copy(tmp_path: Path) -> Path:
    for name in ("domain.yml", "config.yml"):
        shutil.copy(REPO_ROOT / name, tmp_path / name)
    shutil.copytree(REPO_ROOT / "data", tmp_path / "data")
    return tmp_path


def test_make_check_data_fails_naming_both_planted_replies(project_copy: Path):
    patient_line, long_line = _plant(project_copy)
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    # -o: never reinstall the virtual environment from inside a test
    command = ["make", "--no-print-directory", "-C", str(REPO_ROOT), "-o", ".venv/.installed", "check-data",
               f"CHECK_ROOT={project_copy}"]
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode != 0
    out = result.stdout
    assert f'domain.yml line {patient_line}: reply utter_planted_patient says "patient"' in out, out
    assert f"domain.yml line {long_line}: reply utter_planted_long is 5 text messages long" in out, out
    assert "check-data found 2 thing(s) to fix" in out, out


def test_bot_check_data_passes_on_the_shipped_data():
    result = subprocess.run([sys.executable, "-c", "from bot.cli import main; main()", "check-data"],
                            capture_output=True, text=True, cwd=REPO_ROOT,
                            env={**os.environ, "PYTHONPATH": str(REPO_ROOT)}, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "all replies and examples pass" in result.stdout
