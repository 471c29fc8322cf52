"""Proposed changes: check them at once, write them into the data files, commit, roll back.

A group member proposes a new example (from the review inbox) or new wording for a reply (from
the editing page). Each proposal is checked with the same checks as ``make check-data``; a lead
approves it, which writes the change into the data repository's files as one git commit naming
who proposed it, who approved it and why. Rolling back is ``git revert`` of that commit.
"""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.coproduction.checks import (
    Problem,
    TextMessageView,
    as_text_message,
    check_examples,
    check_project,
    check_reply,
)
from bot.coproduction.data_files import Example, ResponseText, read_nlu, read_responses
from bot.coproduction.language import load_guide
from bot.coproduction.models import Proposal
from bot.coproduction.redact import PLACEHOLDERS
from bot.store.models import utcnow


class ProposalError(RuntimeError):
    """The change cannot be made; ``str()`` says why in plain words."""


@dataclass(frozen=True)
class ReplyCheck:
    problems: list[Problem]
    sms: TextMessageView | None


def find_reply(root: Path, name: str, line: int) -> ResponseText:
    for reply in read_responses(root / "domain.yml", root):
        if reply.name == name and reply.line == line:
            return reply
    raise ProposalError(f"The reply {name} (line {line}) is no longer in domain.yml: reload the page.")


def check_reply_text(root: Path, name: str, line: int, text: str) -> ReplyCheck:
    """Check new wording for one version of a reply, as the person would read it."""
    current = find_reply(root, name, line)
    candidate = ResponseText(current.name, text, current.buttons, current.channel, current.condition,
                             current.file, current.line, current.has_channel_twin)
    problems = check_reply(candidate, load_guide(root / "data" / "language.yml"))
    if not text.strip():
        problems.insert(0, Problem("empty", current.file, current.line, "the new wording is empty.",
                                   "Write what the assistant should say."))
    sms = as_text_message(text, current.buttons) if current.sent_by_text else None
    return ReplyCheck(problems, sms)


def check_example_text(root: Path, intent: str, text: str, target_file: str) -> list[Problem]:
    """Check a new example against the others (under two intents, duplicates, left-in placeholders)."""
    problems: list[Problem] = []
    if not text.strip():
        problems.append(Problem("empty", target_file, 0, "the example is empty.", "Write what a person might say."))
    for placeholder in PLACEHOLDERS.values():
        if placeholder in text:
            problems.append(Problem(
                "placeholder", target_file, 0,
                f'the example still has "{placeholder}" where a personal detail was taken out.',
                f'Replace "{placeholder}" with an invented one, or leave that part out.'))
    if "\n" in text:
        problems.append(Problem("one_line", target_file, 0, "an example must be one line.",
                                "Write it on one line; add a second example for a second message."))
    examples, _ = read_nlu(root / "data" / "nlu", root)
    new = Example(intent, text.strip(), target_file, 0)
    guide = load_guide(root / "data" / "language.yml")
    for problem in check_examples(examples + [new], guide):
        if problem.check in ("two_intents", "duplicate_example", "too_similar") and text.strip() in problem.what:
            problems.append(problem)
    return problems


# --- writing into the files ----------------------------------------------------------------

def _replace_reply_text(path: Path, line: int, text: str) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    index = line - 1
    head = lines[index]
    column = head.find("text:")
    if column < 0:
        raise ProposalError(f"Line {line} of {path.name} is not a reply's text any more: reload the page.")
    end = index + 1
    while end < len(lines) and lines[end].strip() and len(lines[end]) - len(lines[end].lstrip()) > column:
        end += 1
    lines[index:end] = [head[:column] + "text: " + json.dumps(text.strip(), ensure_ascii=False)]
    path.write_text("\n".join(lines), encoding="utf-8")


def _add_example(path: Path, intent: str, text: str) -> None:
    item = "    - " + text.strip()
    if not path.exists():
        path.write_text(f"# {intent.upper().replace('_', ' ')}: examples added by the co-production group\n"
                        f'version: "3.1"\nnlu:\n- intent: {intent}\n  examples: |\n{item}\n', encoding="utf-8")
        return
    lines = path.read_text(encoding="utf-8").split("\n")
    start = next((i for i, value in enumerate(lines) if re.fullmatch(rf"- intent:\s*{re.escape(intent)}\s*", value)),
                 None)
    if start is None:
        if lines and lines[-1] == "":
            lines.pop()
        lines += [f"- intent: {intent}", "  examples: |", item, ""]
        path.write_text("\n".join(lines), encoding="utf-8")
        return
    last = start + 1
    for i in range(start + 1, len(lines)):
        stripped = lines[i].strip()
        if lines[i].startswith("- ") or (stripped and not lines[i].startswith("  ")):
            break
        if stripped.startswith("- "):
            last = i
            item = lines[i][: len(lines[i]) - len(lines[i].lstrip())] + "- " + text.strip()
    lines.insert(last + 1, item)
    path.write_text("\n".join(lines), encoding="utf-8")


def _current_line(root: Path, proposal: Proposal) -> int:
    """Where the reply's text is now: another approved change may have moved it."""
    versions = [r for r in read_responses(root / proposal.target_file, root) if r.name == proposal.target]
    if proposal.old_text is not None:
        versions = [r for r in versions if r.text == proposal.old_text]
    if not versions:
        raise ProposalError(f"The reply {proposal.target} has changed since this was proposed: propose it again.")
    return min(versions, key=lambda r: abs(r.line - int(proposal.target_line or 0))).line


def write_change(root: Path, proposal: Proposal) -> Path:
    """Write the proposal into its file; return the file changed."""
    path = root / proposal.target_file
    if proposal.kind == "reply":
        _replace_reply_text(path, _current_line(root, proposal), proposal.new_text)
    elif proposal.kind == "example":
        path.parent.mkdir(parents=True, exist_ok=True)
        _add_example(path, proposal.target, proposal.new_text)
    else:
        raise ProposalError(f"Unknown kind of change: {proposal.kind}")
    return path


def _git(root: Path, *args: str) -> str:
    result = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=60)
    if result.returncode != 0:
        raise ProposalError(f"git {args[0]} failed: {result.stderr.strip()[:300]}")
    return result.stdout.strip()


def commit_message(proposal: Proposal, approver: str) -> str:
    what = (f"New example for {proposal.target}" if proposal.kind == "example"
            else f"New wording for {proposal.target}")
    return (f"Co-production: {what}\n\n{proposal.reason}\n\n"
            f"Proposed-by: {proposal.proposed_by}\nReviewed-by: {approver}\nProposal: {proposal.id}\n")


def approve(session: Session, proposal: Proposal, approver: str, root: Path) -> str:
    """Write, check the whole project, and commit; on any problem put the file back and refuse."""
    if proposal.status != "proposed":
        raise ProposalError("This change was already decided.")
    if proposal.proposed_by == approver:
        raise ProposalError("Someone other than the proposer must approve a change.")
    path = root / proposal.target_file
    before = path.read_text(encoding="utf-8") if path.exists() else None
    known = {(p.check, p.what) for p in check_project(root)}  # judged only on what this change adds
    write_change(root, proposal)
    problems = [p for p in check_project(root) if (p.check, p.what) not in known]
    if problems:
        if before is None:
            path.unlink()
        else:
            path.write_text(before, encoding="utf-8")
        raise ProposalError("The change did not pass the checks: " + "; ".join(p.what for p in problems[:3]))
    _git(root, "add", "--", proposal.target_file)
    _git(root, "-c", f"user.name={approver}", "-c", "user.email=coproduction@localhost",
         "commit", "-q", "-m", commit_message(proposal, approver), "--", proposal.target_file)
    sha = _git(root, "rev-parse", "HEAD")
    proposal.status, proposal.decided_by, proposal.decided_at, proposal.commit = "approved", approver, utcnow(), sha
    session.flush()
    return sha


def refuse(session: Session, proposal: Proposal, lead: str) -> None:
    if proposal.status != "proposed":
        raise ProposalError("This change was already decided.")
    proposal.status, proposal.decided_by, proposal.decided_at = "refused", lead, utcnow()


def roll_back(session: Session, proposal: Proposal, lead: str, root: Path) -> str:
    """Undo an approved change with ``git revert`` (history keeps both)."""
    if proposal.status != "approved" or not proposal.commit:
        raise ProposalError("Only an approved change can be rolled back.")
    _git(root, "-c", f"user.name={lead}", "-c", "user.email=coproduction@localhost",
         "revert", "--no-edit", proposal.commit)
    proposal.status, proposal.decided_by, proposal.decided_at = "rolled_back", lead, utcnow()
    return _git(root, "rev-parse", "HEAD")


def pending(session: Session) -> list[Proposal]:
    return list(session.execute(select(Proposal).order_by(Proposal.id.desc()).limit(200)).scalars())
