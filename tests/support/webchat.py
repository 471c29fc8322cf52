"""Web chat test helpers others can reuse: credentials enabling the channel, a handle on the
running server (send a Hub worker's message like the console does), Chromium and axe-core."""

from __future__ import annotations

from typing import Any

from tests.support.stack import REPO, RasaStack, http_json

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
AXE = REPO / "tests" / "browser" / "vendor" / "axe-core" / "axe.min.js"
ARTIFACTS = REPO / "test-artifacts"

WEBCHAT_CREDENTIALS: dict[str, Any] = {
    "rest": None,
    "bot.channels.webchat.WebChatInput": {
        "user_message_evt": "user_uttered",
        "bot_message_evt": "bot_uttered",
        "session_persistence": True,
        "socketio_path": "/socket.io",
    },
}


class WebChatServer:
    """The running stack plus what the web chat tests need to reach it."""

    def __init__(self, stack: RasaStack) -> None:
        self.stack = stack
        self.url = stack.rasa_url + "/webhooks/webchat/"

    def worker_says(self, session_id: str, text: str, name: str = "Sam") -> None:
        """Send a message the way the Hub console does: a bot event with worker metadata."""
        http_json("POST", f"{self.stack.rasa_url}/conversations/web:{session_id}/tracker/events"
                  f"?execute_side_effects=true&output_channel=webchat&token={self.stack.token}",
                  [{"event": "bot", "text": text,
                    "metadata": {"lwfd_from": "worker", "lwfd_worker_name": name}}])

    def user_texts(self, session_id: str) -> list[str]:
        """What Rasa recorded as the person's messages (payloads for pressed buttons)."""
        return [e.get("text") or "" for e in self.stack.tracker(f"web:{session_id}")["events"]
                if e["event"] == "user"]


def run_axe(page: Any) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.0/2.1 A and AA rules (plus best practice) on the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("""() => axe.run(document, {
        runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']},
        resultTypes: ['violations']})""")
    return result["violations"]


def serious(violations: list[dict[str, Any]]) -> list[str]:
    """Readable lines for each serious or critical violation."""
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in violations if v.get("impact") in {"serious", "critical"}]
