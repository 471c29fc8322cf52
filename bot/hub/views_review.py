"""Co-production pages: review inbox, replies and examples, proposals (logic in bot/coproduction/).

Every route declares its roles: the group and leads may review and propose; only a lead may
approve, refuse or roll back. No page here shows personal data: inbox messages were redacted
before they were stored.
"""

from __future__ import annotations

from pathlib import Path

from sanic import Request, Sanic, response
from sanic.response import HTTPResponse
from sqlalchemy.orm import Session

from bot import taxonomy
from bot.coproduction import candidate as cand
from bot.coproduction import proposals as props
from bot.coproduction import review
from bot.coproduction.checks import domain_intents
from bot.coproduction.data_files import read_nlu, read_responses
from bot.coproduction.models import Proposal, ReviewItem
from bot.coproduction.steps import by_step
from bot.hub.feed import in_thread
from bot.hub.web import LEADS, allow, audit, db, render

GROUP = ("coproduction", "lead")


def _root(request: Request) -> Path:
    return Path(request.app.ctx.settings.data_repo)


def _candidates(request: Request) -> Path:
    return _root(request) / "var" / "candidates"


@allow(*GROUP)
async def inbox(request: Request) -> HTTPResponse:
    settings = request.app.ctx.settings

    def load(session: Session) -> list[ReviewItem]:
        review.collect(session, settings.events_database_url, settings.review_confidence_below)
        return review.inbox(session)

    items = await db(request, load)
    intents = await in_thread(lambda: domain_intents(_root(request) / "domain.yml"))
    return render(request, "review_inbox.html", title="Review inbox", items=items, reasons=review.REASONS,
                  risk_words=review.RISK_WORDS, intents=intents, needs=taxonomy.NEEDS,
                  strengths=taxonomy.STRENGTHS, problems={})


@allow(*GROUP)
async def label_item(request: Request, item_id: int) -> HTTPResponse:
    form = request.form
    intent = (form.get("new_intent") or form.get("intent") or "").strip()
    example = form.get("example") or ""
    reason = form.get("reason") or ""
    needs, strengths = form.getlist("needs") or [], form.getlist("strengths") or []
    root = _root(request)
    username = request.ctx.staff.username
    if not intent:
        return response.redirect("/coproduction/inbox", status=303)
    target = await in_thread(lambda: review.topic_file(root, intent, needs))
    problems = await in_thread(lambda: props.check_example_text(root, intent, example, target))
    if problems:
        items = await db(request, review.inbox)
        intents = await in_thread(lambda: domain_intents(root / "domain.yml"))
        return render(request, "review_inbox.html", status=422, title="Review inbox", items=items,
                      reasons=review.REASONS, risk_words=review.RISK_WORDS, intents=intents, needs=taxonomy.NEEDS,
                      strengths=taxonomy.STRENGTHS, problems={item_id: problems})

    def save(session: Session) -> int | None:
        item = session.get(ReviewItem, item_id)
        if item is None or item.status != "new":
            return None
        proposal = review.label(session, item, intent=intent, needs=needs, strengths=strengths,
                                example=example, reason=reason, reviewer=username, root=root)
        return int(proposal.id)

    proposal_id = await db(request, save)
    if proposal_id is not None:
        await audit(request, "coproduction_label", detail=f"review item {item_id} -> proposal {proposal_id}")
    return response.redirect("/coproduction/proposals", status=303)


@allow(*GROUP)
async def set_aside(request: Request, item_id: int) -> HTTPResponse:
    def save(session: Session) -> None:
        item = session.get(ReviewItem, item_id)
        if item is not None and item.status == "new":
            item.status = "set_aside"
    await db(request, save)
    await audit(request, "coproduction_set_aside", detail=f"review item {item_id}")
    return response.redirect("/coproduction/inbox", status=303)


@allow(*GROUP)
async def replies(request: Request) -> HTTPResponse:
    root = _root(request)
    groups = await in_thread(lambda: by_step(read_responses(root / "domain.yml", root)))
    return render(request, "review_replies.html", title="What the assistant says", groups=groups,
                  as_sms=props.as_text_message)


def _edit_context(request: Request, name: str, line: int, text: str | None) -> dict:
    root = _root(request)
    current = props.find_reply(root, name, line)
    text = current.text if text is None else text
    return {"reply": current, "text": text, "check": props.check_reply_text(root, name, line, text)}


@allow(*GROUP)
async def edit_reply(request: Request) -> HTTPResponse:
    name, line = request.args.get("name", ""), int(request.args.get("line", "0") or 0)
    try:
        context = await in_thread(lambda: _edit_context(request, name, line, None))
    except props.ProposalError as error:
        return render(request, "error.html", status=404, title="Reply not found", message=str(error))
    return render(request, "review_edit.html", title=f"Change {name}", checked=False, **context)


@allow(*GROUP)
async def check_or_propose_reply(request: Request) -> HTTPResponse:
    form = request.form
    name, line = form.get("name", ""), int(form.get("line", "0") or 0)
    text, reason = form.get("text") or "", (form.get("reason") or "").strip()
    try:
        context = await in_thread(lambda: _edit_context(request, name, line, text))
    except props.ProposalError as error:
        return render(request, "error.html", status=404, title="Reply not found", message=str(error))
    wants_proposal = form.get("action") == "propose"
    if not wants_proposal or context["check"].problems or not reason or text.strip() == context["reply"].text:
        missing = wants_proposal and not reason
        return render(request, "review_edit.html", status=422 if wants_proposal else 200, title=f"Change {name}",
                      checked=True, reason=reason, missing_reason=missing, **context)
    username = request.ctx.staff.username
    reply = context["reply"]

    def save(session: Session) -> int:
        proposal = Proposal(kind="reply", target_file=reply.file, target=name, target_line=line,
                            old_text=reply.text, new_text=text.strip(), reason=reason, proposed_by=username,
                            status="proposed")
        session.add(proposal)
        session.flush()
        return int(proposal.id)

    proposal_id = await db(request, save)
    await audit(request, "coproduction_propose_reply", detail=f"proposal {proposal_id} for {name}")
    return response.redirect("/coproduction/proposals", status=303)


@allow(*GROUP)
async def examples(request: Request) -> HTTPResponse:
    root = _root(request)
    found, _ = await in_thread(lambda: read_nlu(root / "data" / "nlu", root))
    by_intent: dict[str, list] = {}
    for example in found:
        by_intent.setdefault(example.intent, []).append(example)
    return render(request, "review_examples.html", title="What people say", by_intent=by_intent)


@allow(*GROUP)
async def proposals_page(request: Request) -> HTTPResponse:
    rows = await db(request, props.pending)
    return render(request, "review_proposals.html", title="Proposed changes", rows=rows,
                  error=request.args.get("error", ""))


async def _decide(request: Request, proposal_id: int, action: str) -> HTTPResponse:
    root, lead = _root(request), request.ctx.staff.username

    status = await in_thread(lambda: cand.read_status(_candidates(request), proposal_id))

    def run(session: Session) -> str:
        proposal = session.get(Proposal, proposal_id)
        if proposal is None:
            raise props.ProposalError("That change is not there any more.")
        if action == "approve":
            if status.phase in ("training", "measuring"):
                raise props.ProposalError("The candidate is still being trained: wait until it is ready.")
            if status.safety_lowered:
                raise props.ProposalError("This change lowers a safety figure (" + ", ".join(status.safety_lowered)
                                          + "), so it cannot be approved.")
            return props.approve(session, proposal, lead, root)
        if action == "refuse":
            props.refuse(session, proposal, lead)
            return ""
        return props.roll_back(session, proposal, lead, root)

    try:
        commit = await db(request, run)
    except props.ProposalError as error:
        rows = await db(request, props.pending)
        return render(request, "review_proposals.html", status=422, title="Proposed changes", rows=rows,
                      error=str(error))
    await audit(request, f"coproduction_{action}", detail=f"proposal {proposal_id} {commit}".strip())
    if action == "approve" and status.phase == "ready" and status.model:
        settings = request.app.ctx.settings
        try:
            live = await in_thread(lambda: cand.go_live(root, Path(status.model), proposal_id))
            await cand.load_into_rasa(settings.rasa_url, settings.rasa_token, live)
        except props.ProposalError as error:
            rows = await db(request, props.pending)
            return render(request, "review_proposals.html", status=502, title="Proposed changes", rows=rows,
                          error=f"The change is saved, but the assistant is not using it yet. {error}")
        await audit(request, "coproduction_model_loaded", detail=f"proposal {proposal_id} {live.name}")
    return response.redirect("/coproduction/proposals", status=303)


async def _proposal(request: Request, proposal_id: int) -> Proposal | None:
    def load(session: Session) -> Proposal | None:
        proposal = session.get(Proposal, proposal_id)
        if proposal is not None:
            session.expunge(proposal)
        return proposal
    return await db(request, load)


def _try_page(request: Request, proposal: Proposal, status: int = 200, **extra) -> HTTPResponse:
    workdir = _candidates(request)
    state = cand.read_status(workdir, int(proposal.id))
    return render(request, "review_try.html", status=status, title="Try the change", proposal=proposal,
                  state=state, progress=cand.progress(workdir, int(proposal.id)), **extra)


@allow(*GROUP)
async def try_page(request: Request, proposal_id: int) -> HTTPResponse:
    proposal = await _proposal(request, proposal_id)
    if proposal is None:
        return render(request, "error.html", status=404, title="Not found", message="That change is not there.")
    return await in_thread(lambda: _try_page(request, proposal))


@allow(*GROUP)
async def train_candidate(request: Request, proposal_id: int) -> HTTPResponse:
    proposal = await _proposal(request, proposal_id)
    if proposal is None or proposal.status != "proposed":
        return response.redirect("/coproduction/proposals", status=303)
    await in_thread(lambda: cand.start(_candidates(request), _root(request), proposal))
    await audit(request, "coproduction_train_candidate", detail=f"proposal {proposal_id}")
    return response.redirect(f"/coproduction/proposals/{proposal_id}/try", status=303)


@allow(*GROUP)
async def try_message(request: Request, proposal_id: int) -> HTTPResponse:
    proposal = await _proposal(request, proposal_id)
    if proposal is None:
        return response.redirect("/coproduction/proposals", status=303)
    text = (request.form.get("text") or "").strip()
    state = await in_thread(lambda: cand.read_status(_candidates(request), proposal_id))
    if not text or state.phase != "ready" or not state.model:
        return await in_thread(lambda: _try_page(request, proposal, status=422, said=text,
                                                 answer=None, error="Train the candidate first, then type a message."))
    try:
        answer = await in_thread(lambda: cand.try_message(Path(state.model), text))
        error = ""
    except props.ProposalError as failure:
        answer, error = None, str(failure)
    return await in_thread(lambda: _try_page(request, proposal, said=text, answer=answer, error=error))


@allow(*LEADS)
async def approve(request: Request, proposal_id: int) -> HTTPResponse:
    return await _decide(request, proposal_id, "approve")


@allow(*LEADS)
async def refuse(request: Request, proposal_id: int) -> HTTPResponse:
    return await _decide(request, proposal_id, "refuse")


@allow(*LEADS)
async def roll_back(request: Request, proposal_id: int) -> HTTPResponse:
    return await _decide(request, proposal_id, "roll_back")


def register(app: Sanic) -> None:
    app.add_route(inbox, "/coproduction/inbox", methods=["GET"], name="review_inbox")
    app.add_route(label_item, "/coproduction/inbox/<item_id:int>/label", methods=["POST"], name="review_label")
    app.add_route(set_aside, "/coproduction/inbox/<item_id:int>/set-aside", methods=["POST"], name="review_set_aside")
    app.add_route(replies, "/coproduction/replies", methods=["GET"], name="review_replies")
    app.add_route(edit_reply, "/coproduction/replies/edit", methods=["GET"], name="review_edit")
    app.add_route(check_or_propose_reply, "/coproduction/replies/edit", methods=["POST"], name="review_edit_post")
    app.add_route(examples, "/coproduction/examples", methods=["GET"], name="review_examples")
    app.add_route(proposals_page, "/coproduction/proposals", methods=["GET"], name="review_proposals")
    app.add_route(try_page, "/coproduction/proposals/<proposal_id:int>/try", methods=["GET"], name="review_try")
    app.add_route(try_message, "/coproduction/proposals/<proposal_id:int>/try", methods=["POST"],
                  name="review_try_post")
    app.add_route(train_candidate, "/coproduction/proposals/<proposal_id:int>/train", methods=["POST"],
                  name="review_train")
    app.add_route(approve, "/coproduction/proposals/<proposal_id:int>/approve", methods=["POST"],
                  name="review_approve")
    app.add_route(refuse, "/coproduction/proposals/<proposal_id:int>/refuse", methods=["POST"], name="review_refuse")
    app.add_route(roll_back, "/coproduction/proposals/<proposal_id:int>/roll-back", methods=["POST"],
                  name="review_roll_back")
