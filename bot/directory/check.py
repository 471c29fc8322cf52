"""Which offers need a person to look at them: stale, incomplete or unreachable.

Signposting someone to an offer that closed last year, or to a number that cannot be
dialled, costs trust the service cannot afford; this list is what a directory keeper works
through.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import Session, selectinload

from bot.directory.clean import CleanError, normalise_phone, normalise_url
from bot.directory.models import Service

DEFAULT_MAX_AGE_MONTHS = 12


@dataclass(frozen=True)
class Finding:
    """One problem with one offer."""

    oruk_id: str
    name: str
    kind: str  # stale | incomplete | unreachable
    detail: str

    def __str__(self) -> str:
        return f"{self.kind:<11} {self.oruk_id}  {self.name}: {self.detail}"


def check_directory(session: Session, today: date | None = None,
                    max_age_months: int = DEFAULT_MAX_AGE_MONTHS) -> list[Finding]:
    """Every finding, ordered by offer name then kind."""
    today = today or date.today()
    oldest = today - timedelta(days=round(max_age_months * 30.44))
    findings: list[Finding] = []
    services = session.query(Service).options(
        selectinload(Service.tags), selectinload(Service.schedules), selectinload(Service.phones)
    ).all()
    for service in services:
        def add(kind: str, detail: str, s: Service = service) -> None:
            findings.append(Finding(s.oruk_id, s.name, kind, detail))

        if service.last_verified is None:
            add("stale", "never verified (no last_verified date)")
        elif service.last_verified < oldest:
            add("stale", f"last verified {service.last_verified.isoformat()}, over {max_age_months} months ago")
        if not service.schedules and not service.open_24_7:
            add("incomplete", "no opening times")
        if not (service.description or "").strip():
            add("incomplete", "no description")
        if not any(t.kind == "need" for t in service.tags):
            add("incomplete", "no needs tags")
        elif all(t.source == "inferred" for t in service.tags if t.kind == "need"):
            add("incomplete", "needs tags only inferred from words; please confirm them")
        usable = 0
        for phone in service.phones:
            try:
                normalise_phone(phone.number)
                usable += 1
            except CleanError as error:
                add("unreachable", f"phone {error}")
        if service.url:
            try:
                normalise_url(service.url)
                usable += 1
            except CleanError as error:
                add("unreachable", f"web address {error}")
        if service.mode_phone and not service.phones:
            add("unreachable", "says it works by phone but has no phone number")
        if service.mode_online and not service.url:
            add("unreachable", "says it works online but has no web address")
        if not usable and not service.email and not service.mode_in_person:
            add("unreachable", "no phone number or web address")
    findings.sort(key=lambda f: (f.name.lower(), f.oruk_id, f.kind, f.detail))
    return findings
