"""Replies grouped by the step of the conversation where the person reads them (for the editing page)."""

from __future__ import annotations

from bot.coproduction.data_files import ResponseText

STEPS: list[tuple[str, tuple[str, ...]]] = [
    ("Hello and keeping what you tell us", (
        "utter_ask_consent", "utter_consent_explain", "utter_consent_declined", "utter_consent_given",
        "utter_ask_resume_choice", "utter_what_is_this")),
    ("Who the introduction is for", (
        "utter_ask_introducer", "utter_ask_relationship", "utter_ask_person_agrees", "utter_person_not_agreed",
        "utter_ask_introducer_contact", "utter_ask_person_contact")),
    ("The person's story, what matters, strengths and who is around", (
        "utter_ask_story", "utter_ask_what_matters", "utter_ask_strengths_text", "utter_ask_connections",
        "utter_thanks_for_sharing", "utter_skipped", "utter_story_too_short", "utter_long_message")),
    ("Ideas for support (offers)", (
        "utter_offers_first", "utter_offers_more", "utter_offers_nearer", "utter_offers_choose",
        "utter_offer_a_person", "utter_no_offers_found", "utter_offer_none", "utter_offer_no_more",
        "utter_offer_for_interest", "utter_offer_for_interest_them", "utter_offer_chosen",
        "utter_offer_which", "utter_offer_told_more", "utter_offer_kept_story")),
    ("Checking the summary", ("utter_ask_summary_part",)),
    ("Stopping, starting again, goodbye", (
        "utter_confirm_stop", "utter_carry_on", "utter_stopped", "utter_start_again", "utter_goodbye",
        "utter_greet_again", "utter_thanks_reply")),
    ("When the assistant is unsure", ("utter_default", "utter_empty_message", "utter_handoff_failed")),
    ("Safety (a lead and a clinician check any change)", (
        "utter_crisis", "utter_crisis_worker_told", "utter_crisis_reminder", "utter_safety_check",
        "utter_safety_check_no", "utter_help_contacts", "utter_crisis_hub_offer")),
]


def by_step(replies: list[ResponseText]) -> list[tuple[str, list[ResponseText]]]:
    """Replies in conversation order; any reply not listed above comes last under "Other replies"."""
    placed: set[str] = set()
    groups: list[tuple[str, list[ResponseText]]] = []
    for title, names in STEPS:
        members = [r for name in names for r in replies if r.name == name]
        placed.update(names)
        if members:
            groups.append((title, members))
    rest = [r for r in replies if r.name not in placed]
    if rest:
        groups.append(("Other replies", rest))
    return groups
