"""The queue page, its live feed, and the on-duty switch."""

from __future__ import annotations

import json
from functools import partial

from sanic import Request, Sanic, response
from sanic.response import HTTPResponse

from bot.hub import queue
from bot.hub.duty import set_on_duty
from bot.hub.feed import (
    RECHECK_SECONDS,
    changes,
    feed_source,
    in_thread,
    read_in_session,
    risks_seen,
    session_still_valid,
)
from bot.hub.safety_check import as_event
from bot.hub.web import PERSONAL_DATA, allow, audit, db, fragment, render

QUEUE_REFRESH_SECONDS = 30.0  # waiting times are re-worded at least this often


def _lists_for(request: Request):
    """The queue's two lists, each row ranked with every risk seen in its conversation."""
    events_url, events_table = feed_source(request.app.ctx.settings)

    def risks_for(sender_id: str) -> list:
        return risks_seen(events_url, sender_id, table=events_table)

    def lists(session) -> dict:
        return {"waiting": queue.waiting(session, risks_for=risks_for),
                "claimed": queue.with_workers(session, risks_for=risks_for)}
    return lists


@allow(*PERSONAL_DATA)
async def queue_page(request: Request) -> HTTPResponse:
    lists = await db(request, _lists_for(request))
    await audit(request, "view_queue", detail=f"{len(lists['waiting'])} waiting")
    notice = {"handed_back": "Handed back: the assistant answers the person again.",
              "closed": "Closed with the outcome you chose."}.get(request.args.get("done", ""))
    safety = await request.app.ctx.safety.current()
    return render(request, "queue.html", title="People waiting", notice=notice, safety=safety, **lists)


@allow(*PERSONAL_DATA)
async def queue_stream(request: Request) -> None:
    """Server-sent events: the queue's rows, re-sent whenever a handoff is added or changes.

    With them, whether risk detection is fully on (a ``safety`` event when that changes), so
    a queue left open all night shows the warning without anyone reloading it.
    """
    url = request.app.ctx.settings.database_url
    resp = await request.respond(content_type="text/event-stream",
                                 headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})
    await resp.send("retry: 2000\n\n")
    read = read_in_session(url, queue.fingerprint)
    last_safety = None
    token = request.ctx.session_token
    # Beats at least every RECHECK_SECONDS, so a logout ends the stream within seconds.
    quiet = 0.0
    async for value in changes(read, heartbeat=RECHECK_SECONDS):
        if not await in_thread(partial(session_still_valid, url, token)):
            await resp.send('event: end\ndata: {"reason": "logged_out"}\n\n')
            return
        if value is None:  # a heartbeat: re-word the waiting times only now and then
            quiet += RECHECK_SECONDS
            if quiet < QUEUE_REFRESH_SECONDS:
                continue
        quiet = 0.0
        lists = await db(request, _lists_for(request))
        html = fragment(request, "_queue_rows.html", **lists)
        payload = json.dumps({"html": html, "waiting": len(lists["waiting"])})
        await resp.send(f"event: queue\ndata: {payload}\n\n")
        safety = await request.app.ctx.safety.latest()  # waits 2 s at most; refreshed behind
        if safety is not None and safety != last_safety:
            last_safety = safety
            await resp.send(f"event: safety\ndata: {json.dumps(as_event(safety))}\n\n")


@allow(*PERSONAL_DATA)
async def duty(request: Request) -> HTTPResponse:
    """A worker says they are on or off duty (the assistant's promise depends on it)."""
    on = request.form.get("on_duty") == "yes"
    user_id = request.ctx.staff.user_id
    await db(request, lambda s: set_on_duty(s, user_id, on))
    await audit(request, "on_duty" if on else "off_duty")
    return response.redirect("/queue", status=303)


def register(app: Sanic) -> None:
    app.add_route(queue_page, "/queue", methods=["GET"], name="queue")
    app.add_route(queue_stream, "/api/queue/stream", methods=["GET"], name="queue_stream")
    app.add_route(duty, "/duty", methods=["POST"], name="duty")
