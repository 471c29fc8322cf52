"""Log in, log out, the home redirect and the console's static files."""

from __future__ import annotations

import mimetypes
import secrets
from datetime import datetime, timezone
from pathlib import Path

from sanic import Request, Sanic, response
from sanic.response import HTTPResponse

from bot.hub.auth import (
    LoginLimits,
    check_login,
    csrf_ok,
    end_session,
    login_csrf_token,
    start_session,
    verify_nothing,
)
from bot.hub.feed import in_thread
from bot.hub.web import ALL_STAFF, allow, db, public, render
from bot.store.db import session_scope
from bot.store.models import utcnow

STATIC = Path(__file__).resolve().parent / "static"
VENDOR = Path(__file__).resolve().parents[1] / "channels" / "webchat_static" / "vendor"
LOGIN_FAILED = ("That username and password did not work. After 5 wrong tries, logging in with "
                "that name from here is paused for 15 minutes.")


def _safe_next(target: str | None) -> str:
    """Only ever redirect inside the console after login (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def _login_page(request: Request, status: int = 200, error: str | None = None,
                username: str = "") -> HTTPResponse:
    nonce = secrets.token_urlsafe(24)
    target = request.form.get("next") if request.method == "POST" else request.args.get("next")
    resp = render(request, "login.html", status=status, error=error, username=username,
                  next=_safe_next(target),
                  login_csrf=login_csrf_token(request.app.ctx.settings.hub_secret, nonce))
    _cookie(request, resp, request.app.ctx.login_cookie, nonce, max_age=3600)
    return resp


def _cookie(request: Request, resp: HTTPResponse, name: str, value: str, max_age: int) -> None:
    resp.cookies[name] = value
    cookie = resp.cookies[name]
    cookie["path"] = "/"
    cookie["httponly"] = True
    cookie["samesite"] = "Strict"
    cookie["max-age"] = max_age
    if request.app.ctx.cookie_secure:
        cookie["secure"] = True


@public
async def login_form(request: Request) -> HTTPResponse:
    return _login_page(request)


@public
async def login(request: Request) -> HTTPResponse:
    """Check the password (with lock-out) and start a session."""
    settings = request.app.ctx.settings
    nonce = request.cookies.get(request.app.ctx.login_cookie, "")
    if not nonce or not csrf_ok(login_csrf_token(settings.hub_secret, nonce), request.form.get("csrf_token")):
        return _login_page(request, 403, "The login form had expired. Please try again.")
    username = (request.form.get("username") or "").strip()
    password = request.form.get("password") or ""
    address = str(request.remote_addr or request.ip or "")
    limits: LoginLimits = request.app.ctx.login_limits
    paused = limits.paused_until(username, address)
    if paused is not None:  # same work as a real check, so the time taken tells nothing
        await in_thread(lambda: verify_nothing(password))
        return _login_page(request, 429, _paused_message(paused), username)

    def attempt() -> str | None:
        with session_scope(settings.database_url) as session:
            user = check_login(session, username, password)
            return start_session(session, user) if user else None

    token = await in_thread(attempt)
    if token is None:
        limits.failed(username, address)
        paused = limits.paused_until(username, address)
        if paused is not None:
            return _login_page(request, 429, _paused_message(paused), username)
        return _login_page(request, 401, LOGIN_FAILED, username)
    limits.succeeded(username, address)
    resp = response.redirect(_safe_next(request.form.get("next")), status=303)
    _cookie(request, resp, request.app.ctx.session_cookie, token, max_age=12 * 3600)
    del resp.cookies[request.app.ctx.login_cookie]
    return resp


def _paused_message(until: datetime) -> str:
    """Said the same way whether or not the name exists."""
    from bot.hours import LONDON

    local = until.replace(tzinfo=timezone.utc).astimezone(LONDON) if until.tzinfo is None else until.astimezone(LONDON)
    return (f"Too many wrong tries, so logging in with that name from here is paused until "
            f"{local:%H:%M} (UK time). If this wasn't you, tell the duty lead.")


@allow(*ALL_STAFF)
async def logout(request: Request) -> HTTPResponse:
    token = request.ctx.session_token
    await db(request, lambda s: end_session(s, token))
    resp = response.redirect("/login", status=303)
    del resp.cookies[request.app.ctx.session_cookie]
    return resp


@allow(*ALL_STAFF)
async def home(request: Request) -> HTTPResponse:
    role = request.ctx.staff.role
    return response.redirect("/coproduction" if role == "coproduction" else "/queue", status=303)


@public
async def static(request: Request, name: str) -> HTTPResponse:
    """The console's own CSS and JavaScript (no personal data, needed by the login page)."""
    path = (STATIC / name).resolve()
    if path.parent != STATIC or not path.is_file():
        return response.text("Not found", status=404)
    return await response.file(path, mime_type=mimetypes.guess_type(path.name)[0] or "text/plain")


@public
async def nhsuk_css(request: Request) -> HTTPResponse:
    """NHS.UK frontend styles, served from the web chat's pinned vendored copy when present."""
    found = sorted(VENDOR.glob("**/nhsuk*.min.css")) or sorted(VENDOR.glob("**/nhsuk*.css"))
    if not found:
        return response.text("/* nhsuk-frontend is not vendored yet */", content_type="text/css")
    return await response.file(found[0], mime_type="text/css")


@public
async def healthz(request: Request) -> HTTPResponse:
    return response.json({"ok": True, "at": utcnow().isoformat()})


def register(app: Sanic) -> None:
    app.add_route(login_form, "/login", methods=["GET"], name="login_form")
    app.add_route(login, "/login", methods=["POST"], name="login")
    app.add_route(logout, "/logout", methods=["POST"], name="logout")
    app.add_route(home, "/", methods=["GET"], name="home")
    app.add_route(static, "/static/<name:str>", methods=["GET"], name="static_file")
    app.add_route(nhsuk_css, "/vendor/nhsuk.css", methods=["GET"], name="nhsuk_css")
    app.add_route(healthz, "/healthz", methods=["GET"], name="healthz")

