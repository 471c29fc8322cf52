"""``bot directory import|check|search``: the directory keeper's and co-production's tools."""

from __future__ import annotations

import argparse
import json
import re
import sys
from datetime import datetime

from bot.config import settings


def _url(args: argparse.Namespace) -> str:
    return args.url or settings().database_url


def _import(args: argparse.Namespace) -> int:
    from bot.directory.importer import DirectoryInputError, import_path
    from bot.directory.offers import reset_index
    from bot.directory.tagging import TaxonomyMapError
    from bot.store.db import migrate, session_scope

    url = _url(args)
    migrate(url)

    def progress(done: int, total: int) -> None:
        if total >= 500:
            print(f"  {done}/{total} records", file=sys.stderr, flush=True)

    try:
        with session_scope(url) as session:
            report = import_path(args.source, session, progress=progress)
    except (DirectoryInputError, TaxonomyMapError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    reset_index()
    for problem in report.problems:
        print(f"rejected: {problem}")
    if args.verbose:
        for warning in report.warnings:
            print(f"cleaned:  {warning}")
    elif report.warnings:
        print(f"({len(report.warnings)} fields were cleaned or dropped; --verbose lists them)")
    print(report.summary())
    return 1 if report.rejected and not (report.added or report.updated or report.unchanged) else 0


def _remove_sample(args: argparse.Namespace) -> int:
    from bot.directory.importer import remove_sample
    from bot.directory.offers import reset_index
    from bot.store.db import migrate, session_scope

    url = _url(args)
    migrate(url)
    with session_scope(url) as session:
        removed = remove_sample(session)
    reset_index()
    print(f"removed {removed} sample offers")
    return 0


def _check(args: argparse.Namespace) -> int:
    from bot.directory.check import check_directory
    from bot.store.db import migrate, session_scope

    url = _url(args)
    migrate(url)
    with session_scope(url) as session:
        findings = check_directory(session, max_age_months=args.max_age_months)
    for finding in findings:
        print(finding)
    offers = len({f.oruk_id for f in findings})
    print(f"{len(findings)} findings on {offers} offers")
    return 1 if findings else 0


def _search(args: argparse.Namespace) -> int:
    from bot.directory.offers import format_offer, get_index
    from bot.directory.search import Query, SearchError, parse_codes
    from bot.hours import HoursError, now, to_london
    from bot.store.db import migrate, session_scope

    try:
        at = to_london(datetime.fromisoformat(args.at)) if args.at else now()
    except (ValueError, HoursError):
        print(f"error: --at {args.at!r} is not an ISO time like 2026-11-29T02:00", file=sys.stderr)
        return 2
    text = " ".join(args.text).strip()
    try:
        if _looks_like_codes(text):
            needs, strengths = parse_codes(text.split(","))
        else:
            from bot.lexicon import load_lexicon

            lexicon = load_lexicon()
            needs, strengths = lexicon.needs(text), lexicon.strengths(text)
        modes = [m.strip() for m in (args.mode or "").split(",") if m.strip()]
        url = _url(args)
        migrate(url)
        with session_scope(url) as session:
            index = get_index(session)
            matches = index.search(Query(at=at, needs=tuple(needs), strengths=tuple(strengths),
                                         modes=tuple(modes), language=args.language,
                                         postcode=args.postcode, limit=args.limit,
                                         caring=args.carer, age=args.age, young_person=args.young_person))
    except SearchError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps({
            "at": at.isoformat(), "needs": needs, "strengths": strengths,
            "caring": args.carer or "caring" in needs, "age": args.age, "young_person": args.young_person,
            "offers": [{"id": m.offer.oruk_id, "name": m.offer.name, "score": m.score, "reason": m.reason,
                        "open_now": m.open_now, "for": m.offer.audience.text(), "sms": format_offer(m)}
                       for m in matches],
        }, indent=2))
        return 0
    person = "; looks after someone" if args.carer or "caring" in needs else ""
    person += f"; aged {args.age}" if args.age is not None else ""
    person += "; 18 or under" if args.young_person and args.age is None else ""
    print(f"At {at:%a %d %b %Y %H:%M} (London); needs: {', '.join(needs) or 'none found'}; "
          f"strengths: {', '.join(strengths) or 'none'}{person}")
    if not matches:
        print("No offers fit.")
    for number, match in enumerate(matches, start=1):
        print(f"{number}. {match.offer.name} [{match.offer.oruk_id}] score {match.score}")
        print(f"   why: {match.reason}")
        print(f"   sms: {format_offer(match)}")
    return 0


def _looks_like_codes(text: str) -> bool:
    """``housing,money`` or ``emotional_support`` or ``housing``: codes, not a sentence."""
    from bot.taxonomy import NEEDS, STRENGTHS

    if not re.fullmatch(r"[a-z_]+(\s*,\s*[a-z_]+)*", text.strip()):
        return False
    return "," in text or "_" in text or text.strip() in NEEDS or text.strip() in STRENGTHS


def register(subparsers) -> None:
    """Add ``bot directory ...`` to the ``bot`` command."""
    directory = subparsers.add_parser("directory", help="Community offers directory.")
    sub = directory.add_subparsers(dest="directory_command", metavar="TASK")
    sub.required = True
    db_help = "Database URL (default: LWFD_DATABASE_URL or var/app.db)."

    imp = sub.add_parser("import", help="Import an Open Referral UK JSON export or CSV (file or URL).")
    imp.add_argument("source", metavar="PATH_OR_URL")
    imp.add_argument("--url", help=db_help)
    imp.add_argument("--verbose", "-v", action="store_true", help="List every field cleaned or dropped.")
    imp.set_defaults(func=_import)

    rm = sub.add_parser("remove-sample", help="Delete the shipped sample offers (is_sample) once yours are in.")
    rm.add_argument("--url", help=db_help)
    rm.set_defaults(func=_remove_sample)

    chk = sub.add_parser("check", help="List stale, incomplete or unreachable offers.")
    chk.add_argument("--url", help=db_help)
    chk.add_argument("--max-age-months", type=int, default=12,
                     help="Older last_verified dates count as stale (default 12).")
    chk.set_defaults(func=_check)

    find = sub.add_parser("search", help="Show the offers a person would be given, with reasons.")
    find.add_argument("text", nargs="+", help='Free text ("I owe rent") or codes ("housing,money").')
    find.add_argument("--at", help="ISO time, London if no offset (default: now).")
    find.add_argument("--postcode", help="Postcode or district, e.g. SW9.")
    find.add_argument("--mode", help="phone, online and/or in_person, comma-separated.")
    find.add_argument("--language", help="Preferred language, e.g. Portuguese.")
    find.add_argument("--carer", action="store_true",
                      help="The person looks after someone (the need 'caring' counts too): offers only for carers fit.")
    find.add_argument("--age", type=int, help="The person's age, if they said it; usually not known.")
    find.add_argument("--young-person", action="store_true",
                      help="The person said they are 18 or under (age not known exactly).")
    find.add_argument("--limit", type=int, default=3)
    find.add_argument("--json", action="store_true", help="Machine-readable output.")
    find.add_argument("--url", help=db_help)
    find.set_defaults(func=_search)
