"""Reading a directory export (file or URL, ORUK JSON or our simple CSV) into raw records.

Kept apart from the importer so the shapes a borough might send (a paged API object, a plain
list, one service, a CSV) are all turned into one thing: a list of ORUK-shaped dicts.
"""

from __future__ import annotations

import csv
import io
import json
import re
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

MAX_PAGES = 500  # a runaway API cannot loop forever


class DirectoryInputError(ValueError):
    """The input as a whole cannot be read (missing file, bad JSON, unknown shape)."""


def read_records(path_or_url: str | Path) -> tuple[list[dict[str, Any]], str]:
    """Raw service records and a description of where they came from."""
    source = str(path_or_url)
    if re.match(r"^https?://", source, re.I):
        return _read_url(source), source
    path = Path(source)
    if not path.exists():
        raise DirectoryInputError(f"{source}: no such file")
    if path.is_dir():
        raise DirectoryInputError(f"{source}: is a folder; give a .json or .csv file")
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() == ".csv":
        return csv_records(text), str(path)
    return json_records(_parse_json(text, source), source)[0], str(path)


def _parse_json(text: str, where: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise DirectoryInputError(
            f"{where}: not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})"
        ) from error


_LIST_KEYS = ("content", "items", "data", "services", "results", "contents")


def json_records(document: Any, where: str = "input") -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Records from a paged object, a plain list, or one service; plus the paging fields."""
    if isinstance(document, list):
        return [r for r in document], {}
    if isinstance(document, dict):
        for key in _LIST_KEYS:
            if isinstance(document.get(key), list):
                paging = {k: v for k, v in document.items() if k != key}
                return list(document[key]), paging
        if "name" in document or "id" in document:
            return [document], {}
    raise DirectoryInputError(
        f"{where}: expected an ORUK services export (a list of services, an object with "
        f"'content', or one service)"
    )


def _fetch(url: str) -> Any:
    request = urllib.request.Request(url, headers={"Accept": "application/json, text/csv"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - http(s) only
            body = response.read().decode("utf-8-sig")
            kind = response.headers.get("Content-Type", "")
    except OSError as error:
        raise DirectoryInputError(f"{url}: could not be fetched ({error})") from error
    if "csv" in kind or urllib.parse.urlparse(url).path.lower().endswith(".csv"):
        return csv_records(body)
    return _parse_json(body, url)


def _read_url(url: str) -> list[dict[str, Any]]:
    """Fetch an export; follow ORUK paging (``totalPages``/``number``/``last``) when present."""
    document = _fetch(url)
    if isinstance(document, list) and document and isinstance(document[0], dict) and "_csv" in document[0]:
        return document
    records, paging = json_records(document, url)
    pages = 1
    while paging and paging.get("last") is False and pages < MAX_PAGES:
        number = int(paging.get("number", pages))
        total = int(paging.get("totalPages", 0) or 0)
        if total and number >= total:
            break
        parts = urllib.parse.urlparse(url)
        query = dict(urllib.parse.parse_qsl(parts.query))
        query["page"] = str(number + 1)
        next_url = urllib.parse.urlunparse(parts._replace(query=urllib.parse.urlencode(query)))
        more, paging = json_records(_fetch(next_url), next_url)
        if not more:
            break
        records.extend(more)
        pages += 1
    return records


# --- the simple CSV -------------------------------------------------------------------------

CSV_COLUMNS = (
    "id", "name", "organisation", "description", "phone", "text_number", "email", "url",
    "address", "postcode", "opening_times", "open_24_7", "modes", "needs", "strengths",
    "languages", "cost", "eligibility", "minimum_age", "maximum_age", "last_verified", "source_url",
    "is_national",
)
_TIME_RANGE = re.compile(r"^\s*(?P<days>[A-Za-z,\- ]+?)\s+(?P<opens>[\d:.]+(?:am|pm)?)\s*-\s*"
                         r"(?P<closes>[\d:.]+(?:am|pm)?)\s*$", re.I)


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in re.split(r"[;|]", value or "") if part.strip()]


def _yes(value: str | None) -> bool:
    return str(value or "").strip().lower() in ("yes", "y", "true", "1")


def csv_records(text: str) -> list[dict[str, Any]]:
    """Rows of the simple CSV (columns in docs/directory.md) as ORUK-shaped records."""
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or "name" not in [f.strip().lower() for f in reader.fieldnames]:
        raise DirectoryInputError("CSV: the first row must name the columns, including 'name'")
    records: list[dict[str, Any]] = []
    for row in reader:
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
        record: dict[str, Any] = {
            "_csv": True,
            "id": row.get("id") or None,
            "name": row.get("name"),
            "description": row.get("description"),
            "url": row.get("url") or None,
            "email": row.get("email") or None,
            "last_verified": row.get("last_verified") or None,
            "source_url": row.get("source_url") or None,
            "is_national": _yes(row.get("is_national")),
            "open_24_7": _yes(row.get("open_24_7")),
            "needs": _split(row.get("needs")),
            "strengths": _split(row.get("strengths")),
            "modes": _split(row.get("modes")),
            "languages": _split(row.get("languages")),
            "fees": row.get("cost") or None,
            "eligibilitys": [{"eligibility": row.get("eligibility") or None,
                              "minimum_age": row.get("minimum_age") or None,
                              "maximum_age": row.get("maximum_age") or None}]
            if row.get("eligibility") or row.get("minimum_age") or row.get("maximum_age") else [],
        }
        if row.get("organisation"):
            record["organization"] = {"name": row["organisation"]}
        phones = [{"number": n} for n in _split(row.get("phone"))]
        phones += [{"number": n, "type": "text"} for n in _split(row.get("text_number"))]
        record["phones"] = phones
        if row.get("address") or row.get("postcode"):
            record["service_at_locations"] = [{"location": {
                "physical_addresses": [{"address_1": row.get("address"), "postal_code": row.get("postcode")}],
            }}]
        schedules = []
        for part in _split(row.get("opening_times")):
            match = _TIME_RANGE.match(part)
            schedules.append(
                {"byday": match.group("days"), "opens_at": match.group("opens"),
                 "closes_at": match.group("closes")}
                if match else {"byday": None, "opens_at": part, "closes_at": None}
            )
        record["regular_schedules"] = schedules
        records.append(record)
    return records
