"""Every consented introduction: the searchable list, one introduction's card, start contact."""

from __future__ import annotations

from typing import Any

from sanic import Request, Sanic, response
from sanic.response import HTTPResponse

from bot.hub import introductions, person_lines, triage
from bot.hub.queue import SMS_CHANNELS
from bot.hub.rasa_client import RasaError
from bot.hub.summary import card
from bot.hub.transcript import answers_by_question, latest_slots, lines_for, risks_in
from bot.hub.web import PERSONAL_DATA, allow, audit, db, render
from bot.taxonomy import NEEDS


@allow(*PERSONAL_DATA)
async def introduction_list(request: Request) -> HTTPResponse:
    wanted, problems = introductions.Search.from_args(request.args)
    rows = await db(request, lambda s: introductions.search(s, wanted))
    await audit(request, "view_introductions", detail=f"{len(rows)} shown")
    return render(request, "introductions.html", title="Introductions", rows=rows, wanted=wanted,
                  problems=problems, channels=introductions.CHANNEL_CHOICES, needs=NEEDS,
                  limit=introductions.LIST_LIMIT)


async def _tracker_events(request: Request, sender_id: str) -> tuple[list[dict[str, Any]], str | None]:
    try:
        tracker = await request.app.ctx.rasa.tracker(sender_id)
    except RasaError as problem:
        return [], str(problem)
    return list(tracker.get("events") or []), None


@allow(*PERSONAL_DATA)
async def introduction_page(request: Request, introduction_id: int, *, status: int = 200,
                            error: str | None = None) -> HTTPResponse:
    intro = await db(request, lambda s: introductions.get(s, introduction_id))
    if intro is None:
        return render(request, "error.html", status=404, title="Not found",
                      message="There is no introduction with that number that the person agreed to keep.")
    events, transcript_error = await _tracker_events(request, intro.sender_id)
    slots = latest_slots(events)
    answers = answers_by_question(events)
    view = introductions.as_handoff(intro, slots)
    latest = await db(request, lambda s: introductions.latest_handoff(s, intro.sender_id))
    await audit(request, "view_introduction", sender_id=intro.sender_id, detail=f"introduction {intro.id}")
    return render(request, "introduction.html", status=status, title="Introduction", intro=intro, latest=latest,
                  card=card(view, answers=answers, triage=triage.assess(risks_in(events))),
                  lines=lines_for(events), transcript_error=transcript_error,
                  contact_preference=view.contact_preference, is_sms=intro.channel in SMS_CHANNELS,
                  error=error)


@allow(*PERSONAL_DATA)
async def start_contact(request: Request, introduction_id: int) -> HTTPResponse:
    """Open a conversation with the person in their own channel, claimed by this worker."""
    staff = request.ctx.staff
    intro = await db(request, lambda s: introductions.get(s, introduction_id))
    if intro is None:
        return render(request, "error.html", status=404, title="Not found",
                      message="There is no introduction with that number that the person agreed to keep.")
    events, _ = await _tracker_events(request, intro.sender_id)
    slots = latest_slots(events)
    handoff_id, created = await db(request, lambda s: introductions.start_contact(
        s, introductions.get(s, introduction_id), staff.username, slots))
    if not created:
        return response.redirect(f"/conversations/{handoff_id}", status=303)
    try:
        await request.app.ctx.rasa.pause(intro.sender_id, staff.display_name)
    except RasaError as problem:
        await db(request, lambda s: introductions.back_to_waiting(s, handoff_id))
        return await introduction_page(request, introduction_id, status=502,
                                       error=f"Contact not started: the assistant could not be paused, so the "
                                             f"person is now in the queue instead. {problem}")
    await audit(request, "start_contact", sender_id=intro.sender_id, handoff_id=handoff_id,
                detail=f"introduction {intro.id}")
    try:
        await request.app.ctx.rasa.send_hub_status(
            intro.sender_id, person_lines.line(person_lines.JOINED, staff.display_name),
            staff.display_name, "joined", channel=intro.channel)
        done = "claimed"
    except (RasaError, KeyError, OSError):
        done = "claimed_quiet"
    return response.redirect(f"/conversations/{handoff_id}?done={done}#reply-status", status=303)


def register(app: Sanic) -> None:
    app.add_route(introduction_list, "/introductions", methods=["GET"], name="introductions")
    app.add_route(introduction_page, "/introductions/<introduction_id:int>", methods=["GET"], name="introduction")
    app.add_route(start_contact, "/introductions/<introduction_id:int>/contact", methods=["POST"],
                  name="start_contact")
