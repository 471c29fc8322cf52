"""Measure: how many replies a person sends before something useful, and how many texts.

Walks whole introductions against a real Rasa server and action server (the trained model
in ``models/``): two invented people (a widow writing at 3 a.m. on the web chat's REST
channel, and a daughter texting about her dad through the SMS channel and the fake Twilio).
The person answers whatever is asked, in their own words, so the same script measures any
order of questions. Prints JSON: replies to the first offer and to the Hub question (how and
when to be contacted), texts and SMS segments sent, and every exchange for reading.

Run: .venv/bin/python bench/bench_introduction_turns.py [--show]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import requests  # noqa: E402

from bot.channels.fake_twilio import FakeTwilio, signed_webhook, webhook_params  # noqa: E402
from bot.channels.sms_text import segments  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.nlu.analyse import latest_model  # noqa: E402
from tests.support.stack import RasaStack  # noqa: E402

# What each person says, by the question they recognise (first match wins).
WIDOW = {
    "first": "my husband died in the spring and i've got behind on the rent, i can't sleep",
    "answers": [
        (r"keep what you tell me|is it ok for us to keep", "yes"),
        (r"for yourself, or for someone|for you, or for someone", "me"),
        (r"what's been going on|what would you like help with",
         "my husband died in the spring and i've got behind on the rent, i can't sleep"),
        (r"places that might help|some others", "1"),
        (r"how and when", "text me after 6pm please"),
        (r"what matters most", "keeping my home and not feeling so alone"),
        (r"what do (?:you|they) enjoy", "i love gardening, i used to have an allotment"),
        (r"who is around", "my son but he lives in leeds"),
        (r"here's what i've noted", "yes"),
    ],
}
DAUGHTER = {
    "first": "hi",
    "answers": [
        (r"keep what you tell me|is it ok for us to keep", "yes"),
        (r"what's been going on|what would you like help with",
         "i'm worried about my dad, he hasn't left the house since mum died and he loves bowls"),
        (r"for yourself, or for someone|for you, or for someone", "my dad"),
        (r"places that might help|some others", "none"),
        (r"how do you know them", "i'm his daughter"),
        (r"know you're contacting us", "yes he knows"),
        (r"best way for the hub to reach you", "Jo, 07700 900456"),
        (r"how could the hub reach them", "through me please"),
        (r"how and when", "call me after 5"),
        (r"what matters most", "that he gets out and sees people"),
        (r"what do (?:you|they) enjoy", "bowls and his garden"),
        (r"who is around", "just me and my brother"),
        (r"support for yourself as well", "yes please, i'm exhausted"),
        (r"here's what i've noted", "yes"),
    ],
}
DONE = re.compile(r"passed this to the hub|kept for the hub team|nothing from this chat is kept", re.I)
OFFER = re.compile(r"places that might help", re.I)
# The first question about how the Hub gets in touch (a carer is asked for their own details).
HUB_QUESTION = re.compile(r"how and when|best way for the hub to reach you", re.I)
MAX_TURNS = 25


def _answer(person: dict, reply: str) -> str | None:
    lowered = reply.lower()
    # The last question in the reply is the one being asked.
    best, at = None, -1
    for pattern, answer in person["answers"]:
        for match in re.finditer(pattern, lowered):
            if match.start() > at:
                best, at = answer, match.start()
    return best


def walk(send, person: dict) -> dict:
    """One introduction: the exchanges, and at which reply the milestones came."""
    exchanges, first_offer, hub_question = [], None, None
    said = person["first"]
    for turn in range(1, MAX_TURNS + 1):
        reply = send(said)
        exchanges.append({"person": said, "assistant": reply})
        if first_offer is None and OFFER.search(reply):
            first_offer = turn
        if hub_question is None and HUB_QUESTION.search(reply):
            hub_question = turn
        if DONE.search(reply):
            break
        said = _answer(person, reply)
        if said is None:
            exchanges.append({"stuck": True})
            break
    return {"replies": len([e for e in exchanges if "person" in e]), "replies_to_first_offer": first_offer,
            "replies_to_hub_question": hub_question, "exchanges": exchanges}


class Channels:
    """Talking to a running stack over HTTP only: REST for the web, signed webhooks for SMS,
    the fake Twilio's ``/_sent`` for the texts that went out."""

    def __init__(self, rasa_url: str, fake_url: str, webhook: str) -> None:
        self.rasa_url, self.fake_url, self.webhook = rasa_url, fake_url, webhook
        self.token = Settings().twilio_auth_token

    def say(self, sender: str, text: str) -> str:
        reply = requests.post(f"{self.rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": text},
                              timeout=300).json()
        return "\n".join(m.get("text", "") for m in reply if m.get("text"))

    def bodies_to(self, phone: str) -> list[str]:
        sent = requests.get(f"{self.fake_url}/_sent", timeout=60).json()
        return [m["body"] for m in sent if m.get("to") == phone]

    def text(self, phone: str, body: str) -> str:
        before = len(self.bodies_to(phone))
        params = webhook_params(phone, body)
        requests.post(self.webhook, data=params, headers=signed_webhook(params, self.webhook, self.token),
                      timeout=300)
        return "\n---\n".join(self.bodies_to(phone)[before:])


def measure(channels: Channels, tag: str) -> dict:
    """The three walks: the widow on the web, the daughter and the widow by text."""
    results = {"web_widow": walk(lambda text: channels.say(f"bench-widow-{tag}", text), WIDOW)}
    for name, person, phone in (("sms_daughter", DAUGHTER, "+4477009001" + tag[-2:].rjust(2, "0")),
                                ("sms_widow", WIDOW, "+4477009002" + tag[-2:].rjust(2, "0"))):
        run = walk(lambda body, _phone=phone: channels.text(_phone, body), person)
        bodies = channels.bodies_to(phone)
        run.update({"texts_sent": len(bodies), "segments_sent": sum(segments(b) for b in bodies),
                    "shortest_text": min((len(b) for b in bodies), default=0)})
        results[name] = run
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="print every exchange")
    parser.add_argument("--at", default="2026-12-06T03:00", help="the servers' clock (London time)")
    parser.add_argument("--attach", type=Path, help="a running stack's workdir with info.json (rasa, fake, webhook)")
    parser.add_argument("--tag", default="01", help="told apart from earlier runs on the same stack")
    args = parser.parse_args()
    if args.attach:
        info = json.loads((args.attach / "info.json").read_text())
        (args.attach / "now.txt").write_text(args.at)
        results = measure(Channels(info["rasa"], info["fake"], info["webhook"]), args.tag)
    else:
        with tempfile.TemporaryDirectory() as workdir:
            fake = FakeTwilio().start()
            stack = RasaStack(workdir=Path(workdir), model=latest_model())
            webhook = f"{stack.rasa_url}/webhooks/twilio/webhook"
            stack.credentials = {"rest": None, "bot.channels.twilio_sms.TwilioSmsInput": {
                "public_url": webhook, "api_base": fake.base_url}}
            stack.extra_env = {"LWFD_TWILIO_API_BASE": fake.base_url, "LWFD_PUBLIC_SMS_WEBHOOK_URL": webhook}
            stack.start()
            stack.set_clock(args.at)
            try:
                results = measure(Channels(stack.rasa_url, fake.base_url, webhook), args.tag)
            finally:
                stack.stop()
                fake.stop()
    if not args.show:
        for run in results.values():
            run.pop("exchanges")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
