"""Every console route needs a login: enumerated from the app itself, so a new route is covered."""

from __future__ import annotations

import re

import requests

from bot.config import Settings
from bot.hub.app import create_app
from tests.hub.support import add_handoff

PUBLIC = {"login_form", "login", "static_file", "nhsuk_css", "healthz"}


def _routes():
    app = create_app(Settings())
    for route in app.router.routes:
        name = route.name.split(".", 1)[1]
        for method in route.methods:
            yield name, method, "/" + route.path, route.handler


def test_only_the_login_page_and_static_files_are_public():
    public = {name for name, _, _, handler in _routes() if getattr(handler, "hub_public", False)}
    assert public == PUBLIC
    for name, _, _, handler in _routes():
        if name not in PUBLIC:
            assert getattr(handler, "hub_roles", None), f"{name} does not say which roles may use it"


def test_every_route_refuses_a_request_without_a_login(hub, hub_dbs):
    handoff = add_handoff(hub_dbs[1], "nobody-logged-in")
    checked = 0
    for name, method, path, _ in _routes():
        if name in PUBLIC:
            continue
        url = hub.url + re.sub(r"<\w+:int>", str(handoff), path)
        answer = requests.request(method, url, data={"text": "hello", "csrf_token": "x"},
                                  allow_redirects=False, timeout=5)
        if path.startswith("/api/"):
            assert answer.status_code == 401, (method, path, answer.status_code)
        else:
            assert answer.status_code == 303, (method, path, answer.status_code)
            assert answer.headers["Location"].startswith("/login?next="), (method, path)
        checked += 1
    assert checked >= 14


def test_a_forged_or_expired_cookie_is_no_login(hub):
    answer = requests.get(hub.url + "/queue", cookies={"lwfd_hub_session": "made-up"}, allow_redirects=False)
    assert answer.status_code == 303
    answer = requests.get(hub.url + "/api/queue/stream", cookies={"lwfd_hub_session": "made-up"})
    assert answer.status_code == 401


def test_public_routes_hold_no_personal_data(hub):
    assert requests.get(hub.url + "/static/hub.css").status_code == 200
    assert requests.get(hub.url + "/static/..%2Fapp.py").status_code == 404
    assert requests.get(hub.url + "/healthz").json()["ok"] is True
