"""The insights page for leads: the front door's figures for two periods side by side, and CSV.

Only counts leave the database; equalities tables arrive already suppressed (``bot.insights``).
"""

from __future__ import annotations

import asyncio

from sanic import Request, Sanic, response
from sanic.response import HTTPResponse

from bot.hours import now
from bot.hub.feed import in_thread
from bot.hub.web import LEADS, allow, audit, render
from bot.insights.export import csv_text
from bot.insights.figures import compute
from bot.insights.page import PeriodError, periods, sections


def _query(request: Request) -> dict[str, str]:
    return {key: request.args.get(key, "") for key in ("from", "to", "compare_from", "compare_to")}


async def _figures(request: Request):
    (a_start, a_end), (b_start, b_end) = periods(_query(request), now().date())
    url = request.app.ctx.settings.database_url
    # The two periods are counted at the same time: the waiting is in the database.
    return list(await asyncio.gather(in_thread(lambda: compute(url, a_start, a_end)),
                                     in_thread(lambda: compute(url, b_start, b_end))))


@allow(*LEADS)
async def insights(request: Request) -> HTTPResponse:
    try:
        figs = await _figures(request)
    except PeriodError as error:
        return render(request, "error.html", status=400, title="Those dates do not work", message=str(error))
    a, b = figs
    await audit(request, "view_insights", detail=f"{a.start} to {a.end} and {b.start} to {b.end}")
    query = f"from={a.start}&to={a.end}&compare_from={b.start}&compare_to={b.end}"
    return render(request, "insights.html", title="Insights", figs=figs, sections=sections(figs), csv_query=query)


@allow(*LEADS)
async def insights_csv(request: Request) -> HTTPResponse:
    try:
        figs = await _figures(request)
    except PeriodError as error:
        return response.text(str(error), status=400)
    await audit(request, "export_insights_csv", detail=f"{figs[0].start} to {figs[0].end}")
    name = f"insights-{figs[0].start}-to-{figs[0].end}.csv"
    return response.text(csv_text(figs), content_type="text/csv; charset=utf-8",
                         headers={"Content-Disposition": f'attachment; filename="{name}"'})


def register(app: Sanic) -> None:
    app.add_route(insights, "/insights", methods=["GET"], name="insights")
    app.add_route(insights_csv, "/insights.csv", methods=["GET"], name="insights_csv")
