"""Import: idempotent, forgiving of mess, strict about what cannot be used."""

from __future__ import annotations

import http.server
import json
import threading
from pathlib import Path

import pytest
from sqlalchemy import func

from bot.directory import models as m
from bot.directory.importer import DirectoryInputError, import_path
from bot.store.db import session_scope
from bot.taxonomy import NEEDS
from tests.directory.conftest import NATIONAL, SAMPLE, service, write_json

TABLES = (m.Organization, m.Service, m.Location, m.ServiceAtLocation, m.Contact, m.Phone,
          m.RegularSchedule, m.Taxonomy, m.ServiceTaxonomy, m.Eligibility, m.Language, m.CostOption, m.Tag)


def snapshot(url: str) -> dict[str, object]:
    """Row counts of every table and the content of every offer, for before/after checks."""
    with session_scope(url) as session:
        counts = {t.__tablename__: session.query(func.count(t.id)).scalar() for t in TABLES}
        offers = sorted(
            (s.oruk_id, s.name, s.content_hash, s.summary,
             tuple(sorted((t.kind, t.code, t.source) for t in s.tags)),
             tuple(sorted((p.number, p.kind) for p in s.phones)),
             tuple(sorted((r.weekday, r.opens_at, r.closes_at) for r in s.schedules)))
            for s in session.query(m.Service)
        )
    return {"counts": counts, "offers": offers}


def test_importing_the_shipped_directory_twice_gives_the_same_rows(db_url: str) -> None:
    reports = []
    for _ in range(2):
        with session_scope(db_url) as session:
            reports.append([import_path(SAMPLE, session), import_path(NATIONAL, session)])
        if len(reports) == 1:
            first = snapshot(db_url)
    assert [r.summary() for r in reports[0]] == ["added 48, updated 0, unchanged 0, rejected 0",
                                                 "added 14, updated 0, unchanged 0, rejected 0"]
    assert [r.summary() for r in reports[1]] == ["added 0, updated 0, unchanged 48, rejected 0",
                                                 "added 0, updated 0, unchanged 14, rejected 0"]
    assert snapshot(db_url) == first
    assert first["counts"]["dir_service"] == 62


def test_shipped_directory_covers_every_need_and_is_labelled(shipped_url: str) -> None:
    with session_scope(shipped_url) as session:
        sample = session.query(m.Service).filter_by(is_sample=True).all()
        national = session.query(m.Service).filter_by(is_national=True).all()
        need_codes = {t.code for s in sample for t in s.tags if t.kind == "need"}
        assert len(sample) >= 40
        assert need_codes == set(NEEDS)
        assert all(s.last_verified and s.source_url for s in national)
        names = {s.name for s in national}
        for expected in ("Samaritans", "Shout", "Citizens Advice Adviceline", "StepChange Debt Charity",
                         "National Debtline", "Shelter Helpline", "Mind Infoline", "Carers UK Helpline", "FRANK"):
            assert expected in names
        samaritans = session.query(m.Service).filter_by(name="Samaritans").one()
        assert samaritans.open_24_7 and [p.number for p in samaritans.phones] == ["116 123"]
    assert "SAMPLE DATA" in json.loads(SAMPLE.read_text())["_notice"]


def test_reimport_updates_a_changed_offer_without_duplicating(db_url: str, tmp_path: Path) -> None:
    path = write_json(tmp_path / "a.json", [service("a1", "Old name"), service("a2", "Other")])
    with session_scope(db_url) as session:
        assert import_path(path, session).summary() == "added 2, updated 0, unchanged 0, rejected 0"
    write_json(path, [service("a1", "New name", regular_schedules=[
        {"byday": "MO", "opens_at": "09:00", "closes_at": "12:00"}]), service("a2", "Other")])
    with session_scope(db_url) as session:
        assert import_path(path, session).summary() == "added 0, updated 1, unchanged 1, rejected 0"
    with session_scope(db_url) as session:
        rows = session.query(m.Service).order_by(m.Service.oruk_id).all()
        assert [(s.oruk_id, s.name) for s in rows] == [("a1", "New name"), ("a2", "Other")]
        assert len(rows[0].schedules) == 1 and len(rows[0].phones) == 1
        assert session.query(func.count(m.Phone.id)).scalar() == 2


def test_broken_records_are_named_and_the_good_ones_kept(db_url: str, tmp_path: Path) -> None:
    records = [
        service("good-1", "Good one"),
        service("no-name", "   "),
        {"id": "no-contact", "name": "Nowhere", "description": "No way in"},
        service("bad id!", "Bad id"),
        {"name": "No id at all", "url": "https://example.org"},
        "not even an object",
        service("good-2", "Good two", url="not a url", contacts=[{"phones": [{"number": "call me"}]}],
                service_at_locations=[{"location": {"address_1": "1 High St", "postal_code": "sw9 8aa"}}],
                regular_schedules=[{"byday": "Funday", "opens_at": "9", "closes_at": "5"}]),
        service("good-1", "Same id again"),
    ]
    with session_scope(db_url) as session:
        report = import_path(write_json(tmp_path / "broken.json", {"content": records}), session)
    assert report.summary() == "added 2, updated 0, unchanged 0, rejected 6"
    lines = [str(p) for p in report.problems]
    assert any(line.startswith("record 1 (no-name): name:") for line in lines)
    assert any(line.startswith("record 2 (no-contact / Nowhere): contact: no way to reach it") for line in lines)
    assert any(line.startswith("record 3 (bad id! / Bad id): id:") for line in lines)
    assert any(line.startswith("record 4 (No id at all): id: missing") for line in lines)
    assert any(line.startswith("record 5 (not an object): record:") for line in lines)
    assert any(line.startswith("record 7 (good-1): id: same id as record 0") for line in lines)
    warnings = " | ".join(str(w) for w in report.warnings)
    assert "record 6 (good-2 / Good two): url:" in warnings
    assert "contacts[0].phones[0].number" in warnings and "regular_schedules[0]" in warnings
    with session_scope(db_url) as session:
        good2 = session.query(m.Service).filter_by(oruk_id="good-2").one()
        assert good2.url is None and good2.phones == [] and good2.mode_in_person
        assert good2.locations[0].location.postcode == "SW9 8AA"
        assert good2.locations[0].location.postcode_district == "SW9"


def test_html_is_cleaned_and_the_source_kept(db_url: str, tmp_path: Path) -> None:
    raw = "<p>Free <b>debt advice</b> &amp; help with bills.</p><p>" + "More detail. " * 30 + "</p>"
    with session_scope(db_url) as session:
        import_path(write_json(tmp_path / "h.json", service("h1", "  Debt  help ", description=raw)), session)
    with session_scope(db_url) as session:
        offer = session.query(m.Service).one()
        assert offer.name == "Debt help"
        assert offer.description.startswith("Free debt advice & help with bills. More detail.")
        assert "<" not in offer.description and offer.description_raw == raw
        assert offer.summary == "Free debt advice & help with bills."
        assert offer.source.endswith("h.json#h1")


def test_oruk_nested_shape_is_read(db_url: str, tmp_path: Path) -> None:
    record = {
        "id": "svc-9", "name": "Tenancy support", "description": "Keep your home.",
        "organization": {"id": "org-1", "name": "Norwood Trust"},
        "attending_type": "Venue", "assured_date": "2025-02-03",
        "service_at_locations": [{"id": "sal-1", "location": {
            "id": "loc-1", "name": "Hub", "physical_addresses": [{"address_1": "1 Road", "postal_code": "SE27 9BX"}]},
            "regular_schedules": [{"weekday": 2, "opens_at": "10:00:00", "closes_at": "14:00:00"}]}],
        "contacts": [{"name": "Desk", "phones": [{"number": "+44 20 7946 0111"}]}],
        "service_taxonomys": [{"taxonomy": {"id": "t-1", "name": "Tenancy support", "vocabulary": "x"}}],
        "eligibilitys": [{"eligibility": "Adults", "minimum_age": 18}],
        "languages": [{"language": "english"}], "cost_options": [{"option": "Free", "amount": 0}],
    }
    with session_scope(db_url) as session:
        assert import_path(write_json(tmp_path / "one.json", record), session).added == 1
    with session_scope(db_url) as session:
        offer = session.query(m.Service).one()
        assert offer.organization.name == "Norwood Trust"
        assert [(s.byday, s.opens_at, s.closes_at) for s in offer.schedules] == [("TU", "10:00", "14:00")]
        assert [p.number for p in offer.phones] == ["020 7946 0111"]
        assert offer.mode_in_person and not offer.mode_online
        assert offer.last_verified.isoformat() == "2025-02-03"
        assert sorted((t.code, t.source) for t in offer.tags) == [("daily_living", "taxonomy"),
                                                                  ("housing", "taxonomy")]
        assert [lang.language for lang in offer.languages] == ["English"]


def test_csv_import(db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "offers.csv"
    path.write_text(
        "id,name,organisation,description,phone,url,address,postcode,opening_times,open_24_7,modes,needs,"
        "strengths,languages,last_verified\n"
        'c1,Walk and Talk,Friends of the Park,A weekly walk,020 7946 0500,,Park gates,SE24 9BJ,'
        '"Sat 10:00-11:30",no,in_person,connection;physical_health,sport_activity,English;Polish,2026-01-05\n'
        "c2,Night line,Helpers,Someone to talk to,+44 800 123 4567,https://x.example.org,,,,yes,phone,"
        "emotional_support,,,\n"
        ",No id,Helpers,Missing id,020 7946 0501,,,,,,,,,,\n",
        encoding="utf-8",
    )
    with session_scope(db_url) as session:
        report = import_path(path, session)
    assert report.summary() == "added 2, updated 0, unchanged 0, rejected 1"
    with session_scope(db_url) as session:
        walk = session.query(m.Service).filter_by(oruk_id="c1").one()
        assert [(s.byday, s.opens_at, s.closes_at) for s in walk.schedules] == [("SA", "10:00", "11:30")]
        assert sorted(t.code for t in walk.tags) == ["connection", "physical_health", "sport_activity"]
        assert {lang.language for lang in walk.languages} == {"English", "Polish"}
        night = session.query(m.Service).filter_by(oruk_id="c2").one()
        assert night.open_24_7 and night.mode_phone and night.phones[0].number == "0800 123 4567"


def test_bad_input_is_reported_clearly(db_url: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"content": [', encoding="utf-8")
    with session_scope(db_url) as session:
        with pytest.raises(DirectoryInputError, match="not valid JSON"):
            import_path(bad, session)
        with pytest.raises(DirectoryInputError, match="no such file"):
            import_path(tmp_path / "missing.json", session)
        with pytest.raises(DirectoryInputError, match="expected an ORUK services export"):
            import_path(write_json(tmp_path / "odd.json", {"hello": 1}), session)


class _Pages(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server API
        page = 2 if "page=2" in self.path else 1
        body = json.dumps({"totalElements": 2, "totalPages": 2, "number": page, "size": 1,
                           "first": page == 1, "last": page == 2,
                           "content": [service(f"web-{page}", f"Web offer {page}")]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_paged_api_over_http_on_loopback(db_url: str) -> None:
    server = http.server.HTTPServer(("127.0.0.1", 0), _Pages)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with session_scope(db_url) as session:
            report = import_path(f"http://127.0.0.1:{server.server_port}/services?per_page=1", session)
    finally:
        server.shutdown()
        server.server_close()
    assert report.summary() == "added 2, updated 0, unchanged 0, rejected 0"


def test_a_service_whose_only_contact_details_are_on_its_organisation_is_kept(db_url: str, tmp_path: Path) -> None:
    records = [
        {"id": "org-only", "name": "Garden Club", "description": "Gardening together",
         "organization": {"id": "org-1", "name": "Friends of the Park", "url": "https://friends.example.org",
                          "email": "hello@friends.example.org", "phones": [{"number": "020 7946 0123"}]}},
        {"id": "org-nothing", "name": "Nowhere Club", "description": "No way in",
         "organization": {"id": "org-2", "name": "Nobody"}},
    ]
    with session_scope(db_url) as session:
        report = import_path(write_json(tmp_path / "org.json", {"content": records}), session)
    assert report.summary() == "added 1, updated 0, unchanged 0, rejected 1"
    assert "the organisation's contact details are used" in " | ".join(str(w) for w in report.warnings)
    with session_scope(db_url) as session:
        [row] = session.query(m.Service).all()
        assert row.url == "https://friends.example.org/" or row.url == "https://friends.example.org"
        assert row.email == "hello@friends.example.org" and [p.number for p in row.phones] == ["020 7946 0123"]
