"""The Hub console's Sanic app: ``create_app(settings)``.

Every request passes one access middleware: public handlers (login, static files) pass;
anything else needs a live session and a role the handler allows, and every POST needs the
session's CSRF token. Pages redirect to /login; /api/ routes (the live feeds) answer 401.
"""

from __future__ import annotations

import itertools
import os
from typing import Any
from urllib.parse import quote

from sanic import Request, Sanic, response
from sanic.response import HTTPResponse

from bot.config import Settings
from bot.hub import (
    views_auth,
    views_conversation,
    views_insights,
    views_introductions,
    views_lead,
    views_queue,
    views_review,
)
from bot.hub.auth import LoginLimits, StaffIdentity, csrf_ok, identify
from bot.hub.feed import in_thread
from bot.hub.rasa_client import RasaClient
from bot.hub.safety_check import SafetyMonitor
from bot.hub.web import make_templates, render
from bot.store.db import session_scope

SESSION_COOKIE = "lwfd_hub_session"
LOGIN_COOKIE = "lwfd_hub_login"
_names = itertools.count(1)
# Each module's ``register(app)`` adds its routes; a new page is one more module here.
VIEW_MODULES = (views_auth, views_queue, views_conversation, views_introductions, views_lead, views_insights,
                views_review)

_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; font-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")


def _cookie_secure_default(settings: Settings) -> bool:
    """Secure cookies unless LWFD_HUB_COOKIE_SECURE says otherwise or in development (plain http)."""
    chosen = os.environ.get("LWFD_HUB_COOKIE_SECURE", "").lower()
    if chosen:
        return chosen in ("1", "true", "yes")
    return not settings.development


def create_app(settings: Settings, *, cookie_secure: bool | None = None) -> Sanic:
    """Build the console for these settings (one app per call, so tests can build several)."""
    number = next(_names)
    app = Sanic("lwfd_hub" if number == 1 else f"lwfd_hub_{number}")
    app.config.REQUEST_MAX_SIZE = 1_000_000
    app.config.RESPONSE_TIMEOUT = 24 * 3600  # the live feeds stay open
    app.config.KEEP_ALIVE_TIMEOUT = 75
    app.ctx.settings = settings
    app.ctx.templates = make_templates()
    app.ctx.rasa = RasaClient(settings.rasa_url, settings.rasa_token)
    app.ctx.safety = SafetyMonitor(app.ctx.rasa, settings.hub_safety_check_seconds)
    app.ctx.cookie_secure = _cookie_secure_default(settings) if cookie_secure is None else cookie_secure
    app.ctx.session_cookie = SESSION_COOKIE
    app.ctx.login_cookie = LOGIN_COOKIE
    app.ctx.login_limits = LoginLimits()

    app.register_middleware(_access, "request")
    app.register_middleware(_security_headers, "response")
    for module in VIEW_MODULES:
        module.register(app)
    if settings.uses_rabbitmq:
        _consume_feed(app, settings)
    if settings.purge_interval_seconds > 0:
        _purge_on_a_timer(app, settings)
    if settings.risk_watch_seconds > 0:
        _watch_risk_on_a_timer(app, settings)
    return app


# Sanic 21.12 calls every listener as ``listener(app, loop)``: a listener taking only ``app``
# fails with a TypeError and stops the server from starting.
def _consume_feed(app: Sanic, settings: Settings) -> None:
    """With RabbitMQ, the console itself consumes Rasa's events for its live feed."""
    from bot.hub.consumer import consume

    async def start(app: Sanic, _loop: Any) -> None:
        app.add_task(consume(settings), name="hub_feed_consumer")

    app.register_listener(start, "after_server_start")


def _purge_on_a_timer(app: Sanic, settings: Settings) -> None:
    """Retention and declined-consent erasure run here, not only when someone types ``bot purge``."""
    from bot.hub.retention import purge_every

    async def start(app: Sanic, _loop: Any) -> None:
        app.add_task(purge_every(settings, settings.purge_interval_seconds), name="hub_retention_purge")

    app.register_listener(start, "after_server_start")


def _watch_risk_on_a_timer(app: Sanic, settings: Settings) -> None:
    """Risk the assistant saw while its action server or database was down still reaches the queue."""
    from bot.hub.risk_watch import watch_every

    async def start(app: Sanic, _loop: Any) -> None:
        app.add_task(watch_every(settings, settings.risk_watch_seconds), name="hub_risk_watch")

    app.register_listener(start, "after_server_start")


def _is_api(request: Request) -> bool:
    return request.path.startswith("/api/")


def _refuse_anonymous(request: Request) -> HTTPResponse:
    if _is_api(request):
        return response.json({"error": "Log in first."}, status=401)
    target = request.path + (f"?{request.query_string}" if request.query_string else "")
    return response.redirect(f"/login?next={quote(target, safe='')}", status=303)


async def _access(request: Request) -> HTTPResponse | None:
    """Log-in, role and CSRF checks for every route; fails closed for undeclared handlers."""
    request.ctx.staff = None
    route = request.route
    if route is None:  # unknown path: Sanic answers 404 itself
        return None
    handler = route.handler
    if getattr(handler, "hub_public", False):
        return None
    token = request.cookies.get(SESSION_COOKIE)
    url = request.app.ctx.settings.database_url

    def who() -> StaffIdentity | None:
        with session_scope(url) as session:
            return identify(session, token)

    staff = await in_thread(who)
    if staff is None:
        return _refuse_anonymous(request)
    request.ctx.staff = staff
    request.ctx.session_token = token
    roles = getattr(handler, "hub_roles", frozenset())
    if staff.role not in roles:
        if _is_api(request):
            return response.json({"error": "Your role cannot see this."}, status=403)
        return render(request, "error.html", status=403, title="Not available for your role",
                      message="Your role cannot see this page.")
    if request.method == "POST" and not csrf_ok(staff.csrf_token, request.form.get("csrf_token")):
        return render(request, "error.html", status=403, title="Form expired",
                      message="This form was out of date or did not come from the console. "
                              "Go back, reload the page and try again.")
    return None


async def _security_headers(request: Request, resp: HTTPResponse) -> None:
    resp.headers.setdefault("Content-Security-Policy", _CSP)
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["X-Frame-Options"] = "DENY"
    resp.headers["Referrer-Policy"] = "no-referrer"
    if not request.path.startswith("/static/"):
        resp.headers["Cache-Control"] = "no-store"
