"""Leads' pages (finished conversations, audit log) and the co-production page."""

from __future__ import annotations

from sanic import Request, Sanic
from sanic.response import HTTPResponse

from bot.hub import audit as audit_log
from bot.hub import audit_words, queue
from bot.hub.web import LEADS, allow, audit, db, render


@allow(*LEADS)
async def finished(request: Request) -> HTTPResponse:
    rows = await db(request, queue.finished)
    await audit(request, "view_finished_list", detail=f"{len(rows)} shown")
    return render(request, "finished.html", title="Finished conversations", rows=rows,
                  outcomes=queue.OUTCOMES, reasons=queue.REASONS, channels=queue.CHANNELS)


@allow(*LEADS)
async def audit_page(request: Request) -> HTTPResponse:
    entries = await db(request, audit_log.recent)
    await audit(request, "view_audit_log")
    return render(request, "audit.html", title="Audit log", entries=entries,
                  action_words=audit_words.action_words, detail_words=audit_words.detail_words)


@allow("coproduction", "lead")
async def coproduction(request: Request) -> HTTPResponse:
    """No personal data here: the review inbox (redacted messages) will live on this page."""
    return render(request, "coproduction.html", title="Co-production")


def register(app: Sanic) -> None:
    app.add_route(finished, "/finished", methods=["GET"], name="finished")
    app.add_route(audit_page, "/audit", methods=["GET"], name="audit")
    app.add_route(coproduction, "/coproduction", methods=["GET"], name="coproduction")
