"""Crisis help while a worker holds the conversation: the wrap of Rasa's prediction loop."""

from rasa.core.processor import MessageProcessor
from rasa.shared.core.events import ConversationPaused, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.safety import while_paused


def _tracker(intent: str, paused: bool) -> DialogueStateTracker:
    events = [ConversationPaused()] if paused else []
    events.append(UserUttered("x", intent={"name": intent, "confidence": 1.0}))
    return DialogueStateTracker.from_events("person", events)


def test_high_risk_while_paused_gets_the_crisis_response():
    assert while_paused.actions_while_paused(_tracker("risk_high", True))[0] == "utter_crisis"
    assert while_paused.actions_while_paused(_tracker("get_help_now", True)) == ("utter_help_contacts",)


def test_other_messages_while_paused_stay_with_the_worker():
    assert while_paused.actions_while_paused(_tracker("share_story", True)) == ()


def test_nothing_changes_when_not_paused():
    assert while_paused.actions_while_paused(_tracker("risk_high", False)) == ()


def test_the_wrap_is_installed_on_the_rasa_we_run():
    """Fails if a Rasa upgrade renames what we wrap (see the module docstring)."""
    while_paused.install()
    assert MessageProcessor._run_prediction_loop.__name__ == "_run_prediction_loop"
    assert MessageProcessor._run_prediction_loop.__module__ == "bot.safety.while_paused"
    assert hasattr(MessageProcessor, "_should_handle_message") and hasattr(MessageProcessor, "_get_action")
