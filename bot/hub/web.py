"""Shared plumbing for the console's views: templates, database calls, access rules.

Access is decided in one middleware from what each handler declares, so a new route is
refused unless it says who may use it (``@allow(...)``) or that it is public (``@public``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sanic import Request, response
from sanic.response import HTTPResponse
from sqlalchemy.orm import Session

from bot.hub.audit import record
from bot.hub.feed import in_thread
from bot.store.db import session_scope

T = TypeVar("T")
TEMPLATES = Path(__file__).resolve().parent / "templates"

ALL_STAFF = ("worker", "lead", "coproduction")
PERSONAL_DATA = ("worker", "lead")  # roles that may see people's records
LEADS = ("lead",)


def public(handler: Callable) -> Callable:
    """Mark a handler as needing no login (the login page and static files only)."""
    handler.hub_public = True  # type: ignore[attr-defined]
    return handler


def allow(*roles: str) -> Callable[[Callable], Callable]:
    """Declare which roles may use a handler; the access middleware enforces it."""
    def mark(handler: Callable) -> Callable:
        handler.hub_roles = frozenset(roles)  # type: ignore[attr-defined]
        return handler
    return mark


def make_templates() -> Environment:
    """Jinja with autoescaping always on: every person's words are shown as text."""
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      trim_blocks=True, lstrip_blocks=True)
    return env


def render(request: Request, name: str, status: int = 200, **context: Any) -> HTTPResponse:
    """A full page or fragment, with the logged-in person and their CSRF token available."""
    template = request.app.ctx.templates.get_template(name)
    staff = getattr(request.ctx, "staff", None)
    html = template.render(staff=staff, csrf_token=staff.csrf_token if staff else "", **context)
    return response.html(html, status=status)


def fragment(request: Request, name: str, **context: Any) -> str:
    return request.app.ctx.templates.get_template(name).render(**context)


async def db(request: Request, fn: Callable[[Session], T]) -> T:
    """Run ``fn(session)`` in a worker thread, committed on success."""
    url = request.app.ctx.settings.database_url

    def run() -> T:
        with session_scope(url) as session:
            return fn(session)
    return await in_thread(run)


async def audit(request: Request, action: str, *, sender_id: str | None = None,
                handoff_id: int | None = None, detail: str | None = None) -> None:
    """Write who did what to whose record, now."""
    username = request.ctx.staff.username
    await db(request, lambda s: record(s, username, action, sender_id=sender_id,
                                        handoff_id=handoff_id, detail=detail))
