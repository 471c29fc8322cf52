"""Try a proposal before it goes live: a candidate model, its figures, and loading it live.

A candidate is trained in the background in its own folder (a copy of the data repository's
``domain.yml``, ``config.yml`` and ``data/`` with the proposal written in), sharing Rasa's
training cache so only what the change touches is retrained. Its state lives in
``status.json`` beside it, so any console process can show progress. When training ends the
held-back sets are measured for the candidate and for the live model ("before" and "after");
a change that lowers a safety figure cannot be approved. Approval loads the candidate into the
running Rasa server through its model endpoint (``PUT /model``), without a restart.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

from bot.config import REPO_ROOT
from bot.coproduction.models import Proposal
from bot.coproduction.proposals import ProposalError, write_change

UNDERSTANDING_SET = REPO_ROOT / "tests" / "data" / "nlu_heldout.yml"
SAFETY_SET = REPO_ROOT / "tests" / "data" / "risk_heldout.yml"
# A safety figure where higher is better, and one where lower is better.
SAFETY_UP = ("recall_high", "recall_possible")
SAFETY_DOWN = ("false_alarm_rate_high",)


@dataclass(frozen=True)
class CandidateStatus:
    phase: str  # none | training | measuring | ready | failed
    message: str
    model: str | None = None
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None

    @property
    def safety_lowered(self) -> list[str]:
        """Safety figures the candidate makes worse (empty when none, or not measured)."""
        if not self.before or not self.after:
            return []
        worse = []
        for key in SAFETY_UP:
            b, a = self.before.get("safety", {}).get(key), self.after.get("safety", {}).get(key)
            if b is not None and a is not None and a < b:
                worse.append(key)
        for key in SAFETY_DOWN:
            b, a = self.before.get("safety", {}).get(key), self.after.get("safety", {}).get(key)
            if b is not None and a is not None and a > b:
                worse.append(key)
        return worse


def folder(workdir: Path, proposal_id: int) -> Path:
    return workdir / f"candidate-{proposal_id}"


def read_status(workdir: Path, proposal_id: int) -> CandidateStatus:
    path = folder(workdir, proposal_id) / "status.json"
    if not path.exists():
        return CandidateStatus("none", "Not tried yet.")
    data = json.loads(path.read_text(encoding="utf-8"))
    return CandidateStatus(data.get("phase", "failed"), data.get("message", ""), data.get("model"),
                           data.get("before"), data.get("after"))


def _write_status(base: Path, **fields: Any) -> None:
    path = base / "status.json"
    current = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    current.update(fields)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(current), encoding="utf-8")
    tmp.replace(path)


def latest_model(models_dir: Path) -> Path | None:
    models = sorted(models_dir.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    return models[-1] if models else None


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO_ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def measure(model: Path) -> dict[str, Any]:
    """Understanding and safety figures for ``model`` on the held-back sets (in a subprocess)."""
    result = subprocess.run([sys.executable, "-m", "bot.coproduction.measure", str(model)], capture_output=True,
                            text=True, env=_env(), timeout=3600)
    if result.returncode != 0:
        raise ProposalError("Measuring the model failed: " + result.stderr.strip()[-300:])
    return json.loads(result.stdout.strip().splitlines()[-1])


def _train(base: Path, project: Path, data_repo: Path, cache_dir: Path) -> None:
    log = base / "train.log"
    env = _env()
    env["RASA_CACHE_DIRECTORY"] = str(cache_dir)  # reuse what the change does not touch
    rasa = Path(sys.executable).with_name("rasa")
    command = ["nice", str(rasa), "train", "--num-threads", "2", "--fixed-model-name", "candidate",
               "--out", str(base / "models"), "--domain", "domain.yml", "--data", "data", "--config", "config.yml"]
    with log.open("wb") as out:
        code = subprocess.call(command, cwd=project, stdout=out, stderr=subprocess.STDOUT, env=env)
    model = base / "models" / "candidate.tar.gz"
    if code != 0 or not model.exists():
        _write_status(base, phase="failed", message="Training failed; the log is in " + str(log))
        return
    _write_status(base, phase="measuring", message="Trained. Measuring before and after on the held-back sets.",
                  model=str(model))
    try:
        live = latest_model(data_repo / "models")
        before = measure(live) if live else None
        after = measure(model)
    except ProposalError as error:
        _write_status(base, phase="failed", message=str(error))
        return
    _write_status(base, phase="ready", message="Ready to try.", before=before, after=after)


def start(workdir: Path, data_repo: Path, proposal: Proposal, cache_dir: Path | None = None) -> CandidateStatus:
    """Copy the data, write the change in, and train in a background thread.

    ``cache_dir`` is Rasa's training cache (default: the data repository's ``.rasa/cache``).
    """
    base = folder(workdir, int(proposal.id))
    current = read_status(workdir, int(proposal.id))
    if current.phase in ("training", "measuring"):
        return current
    if base.exists():
        shutil.rmtree(base)
    project = base / "project"
    project.mkdir(parents=True)
    for name in ("domain.yml", "config.yml"):
        shutil.copy(data_repo / name, project / name)
    shutil.copytree(data_repo / "data", project / "data")
    write_change(project, proposal)
    _write_status(base, phase="training", message="Training the trial version. This can take up to half an hour.")
    cache = cache_dir or data_repo / ".rasa" / "cache"
    threading.Thread(target=_train, args=(base, project, data_repo, cache), daemon=True,
                     name=f"candidate-{proposal.id}").start()
    return read_status(workdir, int(proposal.id))


def progress(workdir: Path, proposal_id: int) -> str:
    """The last line of the training log, for the progress line on the page."""
    log = folder(workdir, proposal_id) / "train.log"
    if not log.exists():
        return ""
    tail = log.read_bytes()[-2000:].decode("utf-8", "replace").replace("\r", "\n").strip().splitlines()
    return tail[-1][:200] if tail else ""


def try_message(model: Path, text: str) -> dict[str, Any]:
    """What the candidate makes of one message (``bot analyse --model``)."""
    result = subprocess.run([sys.executable, "-c", "from bot.cli import main; main()", "analyse", "--model",
                             str(model), text], capture_output=True, text=True, env=_env(), timeout=600)
    if result.returncode != 0:
        raise ProposalError("The candidate could not be asked: " + result.stderr.strip()[-300:])
    return json.loads(result.stdout.strip().splitlines()[-1])


def go_live(data_repo: Path, candidate_model: Path, proposal_id: int) -> Path:
    """Keep the candidate beside the live models, named for its proposal."""
    models = data_repo / "models"
    models.mkdir(exist_ok=True)
    target = models / f"coproduction-{proposal_id}.tar.gz"
    shutil.copy(candidate_model, target)
    return target


async def load_into_rasa(rasa_url: str, token: str, model: Path, timeout: float = 600.0) -> None:
    """Ask the running Rasa server to switch to ``model`` (Rasa's ``PUT /model``), no restart."""
    url = f"{rasa_url.rstrip('/')}/model"
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)) as session:
            async with session.put(url, params={"token": token}, json={"model_file": str(model)}) as answer:
                if answer.status != 204:
                    body = (await answer.text())[:300]
                    raise ProposalError(f"Rasa did not load the new model (HTTP {answer.status}): {body}")
    except aiohttp.ClientError as error:
        raise ProposalError(f"Rasa could not be reached to load the new model: {error}") from error
