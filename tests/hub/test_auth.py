"""Log in and out, lock-out, CSRF, cookies and role limits, against the running console."""

from __future__ import annotations

from datetime import timedelta

import requests

from bot.hub.auth import LOCK_OUT, MAX_FAILED_LOGINS, LoginLimits, check_login, create_user
from bot.hub.models import StaffUser
from bot.store.db import session_scope
from bot.store.models import utcnow
from tests.hub.support import Staff, add_handoff, csrf_from, make_user


def test_login_sets_a_strict_httponly_cookie_and_logout_ends_the_session(hub, hub_dbs):
    make_user(hub_dbs[1], "ada")
    staff = Staff(hub.url)
    answer = staff.login("ada")
    assert answer.status_code == 303
    cookie = answer.headers["Set-Cookie"]
    assert "lwfd_hub_session=" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert "Secure" not in cookie  # the test console is in development mode (plain http); production sets it
    assert staff.page("/queue").status_code == 200
    stolen = dict(staff.cookies)

    assert staff.post_form("/logout").status_code == 303
    assert staff.page("/queue").status_code == 303
    # The old cookie no longer works either: logout ends the session on the server.
    replay = requests.get(hub.url + "/queue", cookies=stolen, allow_redirects=False)
    assert replay.status_code == 303 and replay.headers["Location"].startswith("/login")


def test_wrong_password_is_refused_with_a_plain_message(hub, hub_dbs):
    make_user(hub_dbs[1], "bea")
    staff = Staff(hub.url)
    answer = staff.login("bea", "not the password")
    assert answer.status_code == 401
    assert "did not work" in answer.text
    assert "lwfd_hub_session" not in staff.cookies


def test_five_failures_pause_that_name_from_that_address_for_fifteen_minutes(hub, hub_dbs):
    make_user(hub_dbs[1], "cal")
    staff = Staff(hub.url)
    for _ in range(MAX_FAILED_LOGINS - 1):
        assert staff.login("cal", "wrong guess").status_code == 401
    paused = staff.login("cal", "wrong guess")
    assert paused.status_code == 429 and "paused until" in paused.text
    assert staff.login("cal").status_code == 429  # right password, but paused
    # A name that does not exist is answered the same way: nothing tells them apart.
    for _ in range(MAX_FAILED_LOGINS):
        unknown = staff.login("nobody-called-this", "wrong guess")
    assert unknown.status_code == 429 and "paused until" in unknown.text


def test_login_limits_per_pair_address_and_name():
    limits = LoginLimits(per_pair=5, per_address=20, per_name=50)
    now = utcnow()
    for _ in range(5):
        limits.failed("cal", "1.1.1.1", now)
    assert limits.paused_until("cal", "1.1.1.1", now) == now + LOCK_OUT
    assert limits.paused_until("cal", "2.2.2.2", now) is None  # the worker's own address still works
    assert limits.paused_until("cal", "1.1.1.1", now + LOCK_OUT + timedelta(seconds=1)) is None
    for n in range(20):
        limits.failed(f"name{n}", "3.3.3.3", now)
    assert limits.paused_until("anyone", "3.3.3.3", now) is not None  # one address spraying names
    for n in range(50):
        limits.failed("dee", f"10.0.0.{n}", now)
    assert limits.paused_until("dee", "9.9.9.9", now) is not None  # guessing spread over addresses


def test_check_login_takes_one_password_check_whatever_the_name(app_db):
    with session_scope(app_db) as session:
        create_user(session, "dee", "a long enough password", "worker")
    with session_scope(app_db) as session:
        assert check_login(session, "dee", "nope") is None
        assert check_login(session, "nobody", "nope") is None
        assert check_login(session, "dee", "a long enough password") is not None


def test_passwords_are_stored_as_argon2_hashes(app_db):
    with session_scope(app_db) as session:
        create_user(session, "eve", "a long enough password", "lead")
    with session_scope(app_db) as session:
        stored = session.query(StaffUser).filter_by(username="eve").one().password_hash
    assert stored.startswith("$argon2id$") and "a long enough password" not in stored


def test_post_without_or_with_a_wrong_csrf_token_is_refused(hub, hub_dbs):
    make_user(hub_dbs[1], "fay")
    staff = Staff(hub.url)
    staff.login("fay")
    for token in ("", "forged-token"):
        answer = staff.post(hub.url + "/duty", data={"on_duty": "yes", "csrf_token": token},
                            allow_redirects=False)
        assert answer.status_code == 403 and "Form expired" in answer.text
    with session_scope(hub_dbs[1]) as session:
        assert session.query(StaffUser).filter_by(username="fay").one().on_duty is False
    assert staff.post_form("/duty", on_duty="yes").status_code == 303
    with session_scope(hub_dbs[1]) as session:
        assert session.query(StaffUser).filter_by(username="fay").one().on_duty is True


def test_login_form_needs_its_own_csrf_token(hub, hub_dbs):
    make_user(hub_dbs[1], "gus")
    page = requests.get(hub.url + "/login")
    assert csrf_from(page.text)
    forged = requests.post(hub.url + "/login", data={"username": "gus", "password": "correct horse battery",
                                                      "csrf_token": "x"}, allow_redirects=False)
    assert forged.status_code == 403 and "lwfd_hub_session" not in forged.cookies


def test_login_never_redirects_off_the_console(hub, hub_dbs):
    make_user(hub_dbs[1], "hal")
    staff = Staff(hub.url)
    page = staff.get(hub.url + "/login")
    answer = staff.post(hub.url + "/login", data={"username": "hal", "password": "correct horse battery",
                                                   "csrf_token": csrf_from(page.text),
                                                   "next": "//evil.example/"}, allow_redirects=False)
    assert answer.status_code == 303 and answer.headers["Location"] == "/"


def test_roles_see_only_what_they_may(hub, hub_dbs):
    db = hub_dbs[1]
    make_user(db, "ivy", "coproduction")
    make_user(db, "jon", "worker")
    make_user(db, "kim", "lead")
    handoff = add_handoff(db, "roles-person")
    finished = add_handoff(db, "roles-finished")
    with session_scope(db) as session:
        from bot.store.models import Handoff

        session.get(Handoff, finished).status = "closed"

    coproduction = Staff(hub.url)
    coproduction.login("ivy")
    assert coproduction.page("/").headers["Location"] == "/coproduction"
    assert coproduction.page("/coproduction").status_code == 200
    for path in ("/queue", f"/conversations/{handoff}", "/audit", "/finished"):
        assert coproduction.page(path).status_code == 403, path
    assert coproduction.get(hub.url + "/api/queue/stream").status_code == 403
    assert coproduction.post_form(f"/conversations/{handoff}/claim").status_code == 403

    worker = Staff(hub.url)
    worker.login("jon")
    assert worker.page("/queue").status_code == 200
    assert worker.page(f"/conversations/{handoff}").status_code == 200
    assert worker.page(f"/conversations/{finished}").status_code == 403
    assert worker.page("/audit").status_code == 403
    assert worker.page("/finished").status_code == 403
    assert worker.page("/coproduction").status_code == 403

    lead = Staff(hub.url)
    lead.login("kim")
    for path in ("/queue", f"/conversations/{finished}", "/audit", "/finished", "/coproduction"):
        assert lead.page(path).status_code == 200, path


def test_security_headers_are_sent(hub):
    answer = requests.get(hub.url + "/login")
    assert "script-src 'self'" in answer.headers["Content-Security-Policy"]
    assert answer.headers["X-Frame-Options"] == "DENY"
    assert answer.headers["Cache-Control"] == "no-store"


def test_production_cookies_are_marked_secure(hub_dbs, rasa_stand_in, tmp_path):
    from tests.hub.support import HubProcess

    workdir, app_db, events_db = hub_dbs
    make_user(app_db, "secure_sam")
    process = HubProcess(tmp_path, rasa_stand_in.url, rasa_stand_in.token, app_db, events_db,
                         extra_env={"LWFD_HUB_COOKIE_SECURE": "1"}).start()
    try:
        page = requests.get(process.url + "/login")
        assert "Secure" in page.headers["Set-Cookie"]
        # A browser only sends Secure cookies over HTTPS; hand it back as one would there.
        nonce = page.headers["Set-Cookie"].split("lwfd_hub_login=", 1)[1].split(";", 1)[0]
        answer = requests.post(process.url + "/login", data={
            "username": "secure_sam", "password": "correct horse battery", "csrf_token": csrf_from(page.text)},
            headers={"Cookie": f"lwfd_hub_login={nonce}"}, allow_redirects=False)
        assert answer.status_code == 303
        [session_cookie] = [c for c in answer.raw.headers.getlist("Set-Cookie") if c.startswith("lwfd_hub_session=")]
        assert "lwfd_hub_session=" in session_cookie and "Secure" in session_cookie and "HttpOnly" in session_cookie
    finally:
        process.stop()
