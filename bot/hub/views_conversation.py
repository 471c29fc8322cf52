"""One person's conversation: summary card, live transcript, claim, reply, notes, hand back, close."""

from __future__ import annotations

import asyncio
import json
from functools import partial
from typing import Any

from sanic import Request, Sanic, response
from sanic.response import HTTPResponse

from bot.channels.ids import phone_of
from bot.hub import handling, person_lines, triage
from bot.hub.feed import (
    POLL_SECONDS,
    Recheck,
    events_after,
    feed_source,
    in_thread,
    last_event_id,
    session_still_valid,
)
from bot.hub.queue import CHANNELS, OUTCOMES, REASONS, SMS_CHANNELS
from bot.hub.rasa_client import RasaError
from bot.hub.safety_check import as_event
from bot.hub.summary import card
from bot.hub.transcript import Line, answers_by_question, line_for, lines_for, offered_buttons, risks_in
from bot.hub.web import LEADS, PERSONAL_DATA, allow, audit, db, fragment, render
from bot.store.models import Handoff

MAX_REPLY = 5000
OPEN = ("waiting", "claimed")
RISK_CHOICES = {"high": "High risk", "possible": "Possible risk", "none": "No risk seen"}
MAX_RISK_REASON = 500


def _may_see(staff, handoff: Handoff, closer: bool = False) -> bool:
    """Workers see open conversations (and, for the rest of their shift, ones they closed);
    leads also see every closed and handed-back one."""
    return handoff.status in OPEN or staff.role in LEADS or closer


async def _load(request: Request, handoff_id: int) -> Handoff | HTTPResponse:
    username = request.ctx.staff.username

    def load(session):
        handoff = handling.get(session, handoff_id)
        closer = bool(handoff) and handling.may_reopen(session, handoff, username)
        return handoff, closer
    handoff, closer = await db(request, load)
    if handoff is None:
        return render(request, "error.html", status=404, title="Not found",
                      message="There is no conversation with that number.")
    request.ctx.may_reopen = closer
    if not _may_see(request.ctx.staff, handoff, closer):
        return render(request, "error.html", status=403, title="Not available for your role",
                      message="This conversation is finished; only a Hub lead can open it now.")
    return handoff


async def _page(request: Request, handoff: Handoff, *, status: int = 200, error: str | None = None,
                draft: str = "", split_preview: list[str] | None = None,
                notice: str | None = None, near_reply: bool = False, split_texts: int = 0) -> HTTPResponse:
    """The conversation page; ``draft`` puts back what the worker typed when a send failed.

    ``near_reply`` shows the notice or error beside the reply box, where the worker is looking.
    """
    settings = request.app.ctx.settings
    feed_url, feed_table = feed_source(settings)
    after_id = await in_thread(lambda: last_event_id(feed_url, feed_table))
    lines: list[Line] = []
    events: list[dict[str, Any]] = []
    transcript_error = None
    try:
        tracker = await request.app.ctx.rasa.tracker(handoff.sender_id)
        events = list(tracker.get("events") or [])
        lines = lines_for(events)
    except RasaError as problem:
        transcript_error = str(problem)
    since = max((line.timestamp for line in lines), default=0.0)
    stored_risk = (handoff.summary or {}).get("risk")
    verdict = triage.assess(([stored_risk] if isinstance(stored_risk, dict) else []) + risks_in(events),
                            urgent=bool(handoff.urgent), level=handoff.risk_level or "none")
    is_sms = handoff.channel in SMS_CHANNELS
    opted_out = False
    if is_sms:
        url = settings.database_url
        opted_out = await in_thread(lambda: _opted_out(handoff.sender_id, url))
    # An SMS person's number, never the "sms:" conversation id (bot.channels.ids).
    number = phone_of(handoff.sender_id) if is_sms else None
    username = request.ctx.staff.username
    colleagues = await db(request, lambda s: handling.colleagues_on_duty(s, username))
    notes = await db(request, lambda s: handling.notes_for(s, handoff.sender_id))
    earlier = await db(request, lambda s: handling.earlier_handoffs(s, handoff))
    await audit(request, "view_conversation", sender_id=handoff.sender_id, handoff_id=handoff.id)
    staff = request.ctx.staff
    safety = await request.app.ctx.safety.current()
    return render(
        request, "conversation.html", status=status, title="Conversation", handoff=handoff,
        safety=safety,
        card=card(handoff, answers=answers_by_question(events), triage=verdict), lines=lines,
        transcript_error=transcript_error, notes=notes,
        earlier=earlier, error=error, draft=draft, split_preview=split_preview, notice=notice,
        near_reply=near_reply, split_texts=split_texts, after_id=after_id, since=since,
        outcomes=OUTCOMES, reasons=REASONS, risk_choices=RISK_CHOICES,
        channel_name=CHANNELS.get(handoff.channel, handoff.channel),
        is_sms=is_sms, number=number, opted_out=opted_out, colleagues=colleagues,
        may_reopen=getattr(request.ctx, "may_reopen", False),
        mine=handoff.status == "claimed" and handoff.claimed_by == staff.username,
        can_finish=handoff.status == "claimed" and (handoff.claimed_by == staff.username
                                                   or staff.role in LEADS),
    )


def _back(handoff_id: int, anchor: str = "") -> HTTPResponse:
    return response.redirect(f"/conversations/{handoff_id}{anchor}", status=303)


@allow(*PERSONAL_DATA)
async def conversation(request: Request, handoff_id: int) -> HTTPResponse:
    handoff = await _load(request, handoff_id)
    if isinstance(handoff, HTTPResponse):
        return handoff
    done = request.args.get("done", "")
    notice = {"claimed": "You have this conversation now. The assistant has stopped answering, "
                         "and the person was told you have joined.",
              "claimed_quiet": "You have this conversation now. The assistant has stopped answering. "
                               "The person could not be told you joined; say hello in your first reply.",
              "reopened": "You have this conversation again. The assistant has stopped answering, "
                          "and the person was told you have joined.",
              "passed": "Handed over to your colleague. They have this conversation now.",
              "sent": "Sent. It is in the transcript above.", "noted": "Note saved.",
              "handed_back": "Handed back: the assistant answers again.",
              "risk": "Risk level saved. The messages behind it went to the co-production review inbox, "
                      "with personal details taken out.",
              "risk_same": "Risk level saved. It is the same as the assistant's, so nothing went to the "
                           "review inbox.",
              "risk_unread": "Risk level saved. The conversation could not be read, so nothing went to the "
                             "review inbox.",
              "closed": "Closed."}.get(done)
    return await _page(request, handoff, notice=notice,
                       near_reply=done in ("claimed", "claimed_quiet", "reopened", "sent"))


@allow(*PERSONAL_DATA)
async def claim(request: Request, handoff_id: int) -> HTTPResponse:
    """Claim (atomic), then pause the assistant; if the pause fails, the claim is undone."""
    username = request.ctx.staff.username
    handoff = await _load(request, handoff_id)
    if isinstance(handoff, HTTPResponse):
        return handoff
    won = await db(request, lambda s: handling.claim(s, handoff_id, username))
    if not won:
        current = await db(request, lambda s: handling.get(s, handoff_id))
        who = current.claimed_by if current and current.status == "claimed" else None
        message = (f"{who} already has this conversation." if who and who != username
                   else "This conversation is no longer waiting, so it cannot be claimed.")
        return await _page(request, current or handoff, status=409, error=message)
    try:
        await request.app.ctx.rasa.pause(handoff.sender_id, request.ctx.staff.display_name)
    except RasaError as problem:
        await db(request, lambda s: handling.unclaim(s, handoff_id, username))
        current = await db(request, lambda s: handling.get(s, handoff_id))
        return await _page(request, current, status=502,
                           error=f"Not claimed: the assistant could not be paused. {problem}")
    await audit(request, "claim", sender_id=handoff.sender_id, handoff_id=handoff_id)
    told = await _tell_person(request, handoff, person_lines.JOINED)
    return _back(handoff_id, "?done=claimed#reply-status" if told else "?done=claimed_quiet#reply-status")


async def _tell_person(request: Request, handoff: Handoff, which: str, name: str | None = None) -> bool:
    """Send "Sam from the Hub has joined" (or "... has left") in the person's channel.

    Never undoes the claim or the hand back: False tells the worker the person was not told
    (for example, they texted STOP).
    """
    worker_name = name if name is not None else request.ctx.staff.display_name
    change = "joined" if which == person_lines.JOINED else "left"
    if handoff.channel in SMS_CHANNELS:
        url = request.app.ctx.settings.database_url
        if await in_thread(lambda: _opted_out(handoff.sender_id, url)):
            return False  # they texted STOP: no text of any kind
    try:
        text = person_lines.line(which, worker_name)
        await request.app.ctx.rasa.send_hub_status(handoff.sender_id, text, worker_name, change,
                                                   channel=handoff.channel)
    except (RasaError, KeyError, OSError):
        return False
    return True


def sms_parts(text: str, worker_name: str) -> list[str]:
    """The messages the SMS channel will send for this reply, so the worker sees the split first.

    Mirrors ``TwilioSmsOutput.send_text_message``: the reply is signed "Name (Hub worker): ",
    typographic characters are swapped for GSM twins, then it is split by segments.
    """
    from bot.channels.sms_text import DEFAULT_MAX_SEGMENTS, smart_encode, split_for_sms

    names = (worker_name or "").split()
    first = names[0] if names else ""
    signed = f"{first} (Hub worker): {text}" if first else f"Hub worker: {text}"
    return split_for_sms(smart_encode(signed), DEFAULT_MAX_SEGMENTS)


def sms_texts(parts: list[str]) -> int:
    """How many texts (SMS segments) the person gets: what they are charged for, and what many
    phones show as separate texts. More than one needs the worker's confirmation."""
    from bot.channels.sms_text import segments

    return sum(segments(part) for part in parts)


def _opted_out(sender_id: str, url: str) -> bool:
    """Has the SMS person behind ``sender_id`` (``sms:+44...``) texted STOP? Asked by number."""
    from bot.channels.optout import is_opted_out

    phone = phone_of(sender_id)
    return bool(phone) and is_opted_out(phone, url=url)


@allow(*PERSONAL_DATA)
async def reply(request: Request, handoff_id: int) -> HTTPResponse:
    """Send the worker's words in the person's channel; on any problem the words stay in the box."""
    staff = request.ctx.staff
    text = (request.form.get("text") or "").replace("\r\n", "\n")
    handoff = await _load(request, handoff_id)
    if isinstance(handoff, HTTPResponse):
        return handoff

    async def refuse(status: int, error: str, split: list[str] | None = None) -> HTTPResponse:
        return await _page(request, handoff, status=status, error=error, draft=text, split_preview=split,
                           split_texts=sms_texts(split) if split else 0, near_reply=True)

    if handoff.status != "claimed" or handoff.claimed_by != staff.username:
        who = handoff.claimed_by if handoff.status == "claimed" else None
        return await refuse(409, f"Not sent: {who} has this conversation." if who
                            else "Not sent: claim this conversation before replying.")
    if not text.strip():
        return await refuse(400, "Not sent: the reply is empty. Write a message first.")
    if len(text) > MAX_REPLY:
        return await refuse(400, f"Not sent: the reply is {len(text)} characters; the most is {MAX_REPLY}. "
                                 "Shorten it or send it in parts.")
    if handoff.channel in SMS_CHANNELS:
        url = request.app.ctx.settings.database_url
        if await in_thread(lambda: _opted_out(handoff.sender_id, url)):
            return await refuse(409, "Not sent: this person has texted STOP, so no text message can go to "
                                     "them until they text START. Add a note and contact them another way "
                                     "only if they asked for that.")
        parts = sms_parts(text.strip(), staff.display_name)
        texts = sms_texts(parts)
        if texts > 1 and request.form.get("confirm_split") != str(texts):
            return await refuse(400, f"Not sent yet: with your name this is {texts} texts long, more than one "
                                     "text. Check how it will arrive below, then tick the box to send it like "
                                     "that, or shorten it.", parts)
    try:
        await request.app.ctx.rasa.send_worker_message(handoff.sender_id, text.strip(), staff.display_name,
                                                       channel=handoff.channel)
    except RasaError as problem:
        return await refuse(502, f"Not sent: {problem}")
    await audit(request, "reply", sender_id=handoff.sender_id, handoff_id=handoff_id,
                detail=f"{len(text.strip())} characters")
    return _back(handoff_id, "?done=sent#reply-status")


@allow(*PERSONAL_DATA)
async def add_note(request: Request, handoff_id: int) -> HTTPResponse:
    """An internal note: kept in the app database, never sent to Rasa or the person."""
    text = (request.form.get("note") or "").strip()
    handoff = await _load(request, handoff_id)
    if isinstance(handoff, HTTPResponse):
        return handoff
    if not text:
        return await _page(request, handoff, status=400, error="The note is empty, so nothing was saved.")
    author = request.ctx.staff.username
    await db(request, lambda s: handling.add_note(s, handoff, author, text[:MAX_REPLY * 2]))
    await audit(request, "note", sender_id=handoff.sender_id, handoff_id=handoff_id)
    return _back(handoff_id, "?done=noted#notes")


async def _finish(request: Request, handoff_id: int, status: str, outcome: str | None) -> HTTPResponse:
    staff = request.ctx.staff
    handoff = await _load(request, handoff_id)
    if isinstance(handoff, HTTPResponse):
        return handoff
    if handoff.status != "claimed" or (handoff.claimed_by != staff.username and staff.role not in LEADS):
        return await _page(request, handoff, status=409,
                           error="Only the worker who has this conversation (or a Hub lead) can do that.")
    try:
        # Resume first: a closed conversation must never leave the person with a silent assistant.
        await request.app.ctx.rasa.resume(handoff.sender_id)
        intent = request.app.ctx.handback_intent if status == "handed_back" else None
        if intent:
            await request.app.ctx.rasa.trigger_intent(handoff.sender_id, intent, channel=handoff.channel)
    except RasaError as problem:
        return await _page(request, handoff, status=502,
                           error=f"Nothing changed: the assistant could not be told to answer again. {problem}")
    # The person knows the worker who had the chat, even when a lead finishes it for them.
    holder = await db(request, lambda s: handling.display_name(s, handoff.claimed_by))
    await _tell_person(request, handoff, person_lines.LEFT, name=holder)
    await db(request, lambda s: handling.finish(s, handoff_id, status, outcome))
    await audit(request, status, sender_id=handoff.sender_id, handoff_id=handoff_id, detail=outcome)
    return response.redirect(f"/queue?done={status}", status=303)


@allow(*PERSONAL_DATA)
async def hand_back(request: Request, handoff_id: int) -> HTTPResponse:
    return await _finish(request, handoff_id, "handed_back", None)


@allow(*PERSONAL_DATA)
async def close(request: Request, handoff_id: int) -> HTTPResponse:
    outcome = request.form.get("outcome") or ""
    if outcome not in OUTCOMES:
        handoff = await _load(request, handoff_id)
        if isinstance(handoff, HTTPResponse):
            return handoff
        return await _page(request, handoff, status=400, error="Choose an outcome before closing.")
    return await _finish(request, handoff_id, "closed", outcome)


@allow(*PERSONAL_DATA)
async def reopen(request: Request, handoff_id: int) -> HTTPResponse:
    """The worker who closed or handed back a conversation takes it back (rest of the shift)."""
    username = request.ctx.staff.username
    handoff = await _load(request, handoff_id)
    if isinstance(handoff, HTTPResponse):
        return handoff
    before_status, before_outcome = handoff.status, handoff.outcome
    won = await db(request, lambda s: handling.reopen(s, handoff_id, username))
    if not won:
        newer = await db(request, lambda s: handling.open_for_person(s, handoff.sender_id))
        message = (f"Not reopened: this person is in the queue again as conversation {newer.id}; open that one."
                   if newer is not None else
                   "Not reopened: only the worker who finished it can reopen it, and only for the rest of "
                   "their shift (12 hours). A Hub lead can still read it.")
        return await _page(request, handoff, status=409, error=message)
    try:
        await request.app.ctx.rasa.pause(handoff.sender_id, request.ctx.staff.display_name)
    except RasaError as problem:
        await db(request, lambda s: handling.undo_reopen(s, handoff_id, before_status, before_outcome))
        current = await db(request, lambda s: handling.get(s, handoff_id))
        return await _page(request, current, status=502,
                           error=f"Not reopened: the assistant could not be paused. {problem}")
    await audit(request, "reopen", sender_id=handoff.sender_id, handoff_id=handoff_id)
    await _tell_person(request, handoff, person_lines.JOINED)
    return _back(handoff_id, "?done=reopened#reply-status")


@allow(*PERSONAL_DATA)
async def pass_on(request: Request, handoff_id: int) -> HTTPResponse:
    """Duty hand-over: the worker gives their conversation to a colleague on duty."""
    staff = request.ctx.staff
    to = (request.form.get("to") or "").strip()
    handoff = await _load(request, handoff_id)
    if isinstance(handoff, HTTPResponse):
        return handoff
    if handoff.status != "claimed" or handoff.claimed_by != staff.username:
        return await _page(request, handoff, status=409,
                           error="Only the worker who has this conversation can hand it over.")
    colleague = await db(request, lambda s: handling.pass_to(s, handoff_id, staff.username, to))
    if colleague is None:
        return await _page(request, handoff, status=400,
                           error="Not handed over: choose a colleague who is on duty now.")
    await audit(request, "pass_on", sender_id=handoff.sender_id, handoff_id=handoff_id, detail=to)
    await _tell_person(request, handoff, person_lines.JOINED, name=colleague)
    return _back(handoff_id, "?done=passed")


@allow(*PERSONAL_DATA)
async def change_risk(request: Request, handoff_id: int) -> HTTPResponse:
    """A worker's own risk level: it ranks the queue and shows on the card, the assistant's stays
    beside it, and the messages behind the change go to the review inbox, redacted."""
    from bot.coproduction import review

    level = (request.form.get("level") or "").strip()
    reason = (request.form.get("reason") or "").strip()[:MAX_RISK_REASON]
    handoff = await _load(request, handoff_id)
    if isinstance(handoff, HTTPResponse):
        return handoff
    if level not in RISK_CHOICES:
        return await _page(request, handoff, status=400, error="Not changed: choose a risk level.")
    readable = True
    try:
        events = list((await request.app.ctx.rasa.tracker(handoff.sender_id)).get("events") or [])
    except RasaError:
        events, readable = [], False
    stored_risk = (handoff.summary or {}).get("risk")
    verdict = triage.assess(([stored_risk] if isinstance(stored_risk, dict) else []) + risks_in(events),
                            urgent=bool(handoff.urgent), level=handoff.risk_level or "none")
    before = card(handoff, triage=verdict)
    assistant_level = before.assistant_risk_level
    username = request.ctx.staff.username
    words = f"From {RISK_CHOICES.get(before.risk_level, before.risk_level)} to {RISK_CHOICES[level]}"

    def save(session) -> int:
        handling.set_worker_risk(session, handoff_id, username, level)
        handling.add_note(session, handoff, username,
                          f"Changed the risk level. {words}." + (f" Why: {reason}" if reason else ""))
        if not readable:
            return 0
        return review.add_risk_change(session, handoff.sender_id, events, assistant_level=assistant_level,
                                      worker_level=level, reason=reason)
    added = await db(request, save)
    await audit(request, "risk_level_changed", sender_id=handoff.sender_id, handoff_id=handoff_id,
                detail=f"{words} (the assistant's level: {RISK_CHOICES.get(assistant_level, assistant_level)})")
    done = "risk" if added else "risk_unread" if not readable else "risk_same"
    return _back(handoff_id, f"?done={done}#summary-title")


def _status_of(handoff: Handoff | None) -> tuple[str, str | None]:
    return (handoff.status, handoff.claimed_by) if handoff else ("gone", None)


@allow(*PERSONAL_DATA)
async def stream(request: Request, handoff_id: int) -> HTTPResponse | None:
    """Server-sent events for one conversation: new lines, high-risk alerts, status changes.

    And whether risk detection is fully on (a ``safety`` event when that changes): a worker
    may sit in one conversation for an hour while new messages reach the queue unflagged.
    """
    username = request.ctx.staff.username
    handoff, closer = await db(request, lambda s: (
        handling.get(s, handoff_id),
        bool(handling.get(s, handoff_id)) and handling.may_reopen(s, handling.get(s, handoff_id), username)))
    if handoff is None or not _may_see(request.ctx.staff, handoff, closer):
        return response.json({"error": "Not available."}, status=404)
    if handoff.status not in OPEN:  # nothing live to follow; 204 stops the browser reconnecting
        return response.empty(status=204)
    try:
        after = int(request.args.get("after", "0"))
        since = float(request.args.get("since", "0"))
    except ValueError:
        return response.json({"error": "Bad position."}, status=400)
    feed_url, feed_table = feed_source(request.app.ctx.settings)
    sender_id = handoff.sender_id
    await audit(request, "view_transcript_live", sender_id=sender_id, handoff_id=handoff_id)
    resp = await request.respond(content_type="text/event-stream",
                                 headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})
    await resp.send("retry: 2000\n\n")
    status = _status_of(handoff)
    last_safety = None
    idle = 0.0
    buttons: list[dict[str, Any]] = []  # the buttons offered last, to show a press as their words
    try:
        for event in (await request.app.ctx.rasa.tracker(sender_id)).get("events") or []:
            offered = offered_buttons(event)
            if offered is not None:
                buttons = offered
    except RasaError:
        pass  # a press then shows as "(pressed a button: ...)" instead
    token = request.ctx.session_token
    recheck = Recheck()
    while True:
        found = await in_thread(partial(events_after, feed_url, sender_id, after, table=feed_table))
        # Still logged in? Asked every few seconds, and always before a person's words are sent.
        if (found or recheck.due()) and not await in_thread(
                partial(session_still_valid, request.app.ctx.settings.database_url, token)):
            await _send(resp, "end", {"reason": "logged_out"})
            return None
        for row_id, event in found:
            after = row_id
            offered = offered_buttons(event)
            if float(event.get("timestamp") or 0.0) <= since:
                if offered is not None:
                    buttons = offered
                continue  # already shown from the tracker when the page loaded
            line = line_for(event, buttons)
            if offered is not None:
                buttons = offered
            if line is None:
                continue
            await _send(resp, "line", {"html": fragment(request, "_line.html", line=line), "after": after})
            if line.high_risk:
                reasons = "; ".join(line.risk_reasons) or "see the transcript"
                await _send(resp, "alert", {"text": f"High risk in the person's latest message: {reasons}.",
                                            "after": after})
        current = _status_of(await db(request, lambda s: handling.get(s, handoff_id)))
        if current != status:
            status = current
            await _send(resp, "status", {"status": current[0], "claimed_by": current[1]})
        if current[0] not in OPEN:  # closed, handed back or gone: nothing more is sent
            await _send(resp, "end", {"reason": current[0]})
            return None
        safety = await request.app.ctx.safety.latest()  # waits 2 s at most; refreshed behind
        if safety is not None and safety != last_safety:
            last_safety = safety
            await _send(resp, "safety", as_event(safety))
        idle += POLL_SECONDS
        if idle >= 15:
            idle = 0.0
            await resp.send(": keep-alive\n\n")
        await asyncio.sleep(POLL_SECONDS)


async def _send(resp: Any, event: str, data: dict[str, Any]) -> None:
    await resp.send(f"event: {event}\ndata: {json.dumps(data)}\n\n")


def register(app: Sanic) -> None:
    app.ctx.handback_intent = None  # set to an intent name once the dialogue has one for "welcome back"
    app.add_route(conversation, "/conversations/<handoff_id:int>", methods=["GET"], name="conversation")
    app.add_route(stream, "/api/conversations/<handoff_id:int>/stream", methods=["GET"], name="stream")
    app.add_route(claim, "/conversations/<handoff_id:int>/claim", methods=["POST"], name="claim")
    app.add_route(reply, "/conversations/<handoff_id:int>/reply", methods=["POST"], name="reply")
    app.add_route(add_note, "/conversations/<handoff_id:int>/notes", methods=["POST"], name="notes")
    app.add_route(hand_back, "/conversations/<handoff_id:int>/hand-back", methods=["POST"], name="hand_back")
    app.add_route(close, "/conversations/<handoff_id:int>/close", methods=["POST"], name="close")
    app.add_route(reopen, "/conversations/<handoff_id:int>/reopen", methods=["POST"], name="reopen")
    app.add_route(pass_on, "/conversations/<handoff_id:int>/pass", methods=["POST"], name="pass_on")
    app.add_route(change_risk, "/conversations/<handoff_id:int>/risk", methods=["POST"], name="change_risk")
