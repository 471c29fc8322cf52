"""The audit log in words: what each recorded action means, as a lead would say it."""

from __future__ import annotations

from bot.hub.queue import OUTCOMES

ACTIONS = {
    "login": "Logged in",
    "logout": "Logged out",
    "login_failed": "A login failed",
    "view_queue": "Looked at the queue",
    "view_conversation": "Opened a conversation",
    "view_transcript_live": "Followed a conversation live",
    "view_finished_list": "Looked at the finished conversations",
    "view_audit_log": "Read the audit log",
    "view_introductions": "Looked at the list of introductions",
    "view_introduction": "Opened an introduction",
    "start_contact": "Started contact from an introduction",
    "claim": "Claimed a conversation",
    "reply": "Replied to the person",
    "note": "Added an internal note",
    "handed_back": "Handed a conversation back to the assistant",
    "closed": "Closed a conversation",
    "reopen": "Reopened a conversation they had finished",
    "pass_on": "Handed a conversation over to a colleague",
    "risk_level_changed": "Changed a conversation's risk level",
    "on_duty": "Went on duty",
    "off_duty": "Went off duty",
    "coproduction_label": "Labelled a message from the review inbox",
    "coproduction_set_aside": "Set aside a message from the review inbox",
    "coproduction_propose_reply": "Proposed a change to what the assistant says",
    "coproduction_approve": "Approved a co-production change",
    "coproduction_refuse": "Turned down a co-production change",
    "coproduction_roll_back": "Rolled back a co-production change",
    "coproduction_model_loaded": "Loaded the approved change into the running assistant",
    "coproduction_train_candidate": "Started a trial version of the assistant",
}


def action_words(action: str) -> str:
    """A sentence for the action code; an unknown code is shown readably, never hidden."""
    return ACTIONS.get(action, action.replace("_", " ").capitalize())


def detail_words(action: str, detail: str | None) -> str:
    """The detail in words: the outcome of a close by its label, a hand-over by whom."""
    if not detail:
        return ""
    if action == "closed":
        return "Outcome: " + OUTCOMES.get(detail, detail.replace("_", " "))
    if action == "pass_on":
        return f"To {detail}"
    return detail
