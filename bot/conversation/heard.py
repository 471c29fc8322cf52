"""One line saying back what the person seems to need most, before the first offers.

"You only tell your story once": the person sees at once what was understood ("It sounds
like the main things are money and feeling alone."), so a wrong reading is visible before
any offer is chosen, not only in the summary at the end. The words live in ``domain.yml``.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.conversation.words import MissingWords, render

MOST = 3  # more than three is a list, not a line a person reads back


def join_words(words: Sequence[str]) -> str:
    """'money', 'money and feeling alone', 'housing, money and feeling alone'."""
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def need_words(needs: Sequence[str], channel: str | None = None, most: int | None = None) -> list[str]:
    """The person-facing words for need codes ("having someone to talk to"), in order, once each.

    The same words are used everywhere a need is said back, so the summary never lists a
    catalogue label ("someone to talk to, peer support and therapies") the person never said."""
    words: list[str] = []
    for code in list(dict.fromkeys(needs))[:most]:
        try:
            words.append(render(f"utter_need_word_{code}", channel=channel))
        except MissingWords:
            continue  # a code added to the taxonomy before its words: say nothing rather than a code
    return words


def heard_line(needs: Sequence[str], channel: str | None = None) -> str:
    """The line with a leading space, ready to follow "Thank you for telling me.", or ""."""
    words = need_words(needs, channel, MOST)
    if not words:
        return ""
    name = "utter_heard_need" if len(words) == 1 else "utter_heard_needs"
    return " " + render(name, channel=channel, needs=join_words(words))
