"""The two assistants ``make bench`` compares, trained from nothing and served the same way.

Ours: this repository copied into a temporary folder (so the real ``models/`` and Rasa's
``.rasa/cache`` are untouched and unused), trained there with ``rasa train --num-threads 2``,
served by ``tests/support/stack.py`` (Rasa server with the REST channel, SQLite tracker store and
SQL event broker, in-memory lock store, and our action server).

Stock: ``rasa init --no-prompt`` in another temporary folder with the same Rasa install (the
mood bot: default pipeline and policies, no custom actions), trained there by ``rasa init``
itself, served by ``rasa run`` with the same REST channel, a SQLite tracker store and an
in-memory lock store. It has no action server because it has no custom actions.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml

from tests.support.stack import REPO, RasaStack, _wait_http, free_port

BIN = Path(sys.executable).parent
_SKIP = shutil.ignore_patterns(".git", ".venv", "models", "var", ".rasa", "__pycache__", "test-artifacts",
                               ".ruff_cache", ".pytest_cache")


def _quiet_env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"TF_CPP_MIN_LOG_LEVEL": "2", "SQLALCHEMY_SILENCE_UBER_WARNING": "1", "PYTHONWARNINGS": "ignore",
                "RASA_CACHE_DIRECTORY": str(home / ".rasa" / "cache")})
    return env


def _one_model(folder: Path) -> Path:
    models = sorted(folder.glob("*.tar.gz"))
    if len(models) != 1:
        raise RuntimeError(f"expected one model in {folder}, found {models}")
    return models[0]


def train_ours(workdir: Path) -> tuple[float, Path]:
    """Seconds to train this repository's assistant from an empty models folder and cache; the model."""
    copy = workdir / "ours"
    shutil.copytree(REPO, copy, ignore=_SKIP)
    env = _quiet_env(copy)
    env["PYTHONPATH"] = str(copy)
    log = workdir / "train-ours.log"
    began = time.perf_counter()
    with log.open("wb") as out:
        done = subprocess.run([str(BIN / "rasa"), "train", "--num-threads", "2", "--out", str(copy / "models")],
                              cwd=copy, env=env, stdout=out, stderr=subprocess.STDOUT)
    seconds = time.perf_counter() - began
    if done.returncode != 0:
        raise RuntimeError("training ours failed:\n" + log.read_text()[-3000:])
    return seconds, _one_model(copy / "models")


def build_stock(workdir: Path) -> tuple[float, Path, Path]:
    """Seconds for ``rasa init --no-prompt`` (scaffold and train); the model; the project folder."""
    folder = workdir / "stock"
    folder.mkdir()
    log = workdir / "train-stock.log"
    began = time.perf_counter()
    with log.open("wb") as out:
        done = subprocess.run([str(BIN / "rasa"), "init", "--no-prompt", "--init-dir", str(folder)],
                              cwd=folder, env=_quiet_env(folder), stdout=out, stderr=subprocess.STDOUT)
    seconds = time.perf_counter() - began
    if done.returncode != 0:
        raise RuntimeError("rasa init failed:\n" + log.read_text()[-3000:])
    return seconds, _one_model(folder / "models"), folder


class StockServer:
    """``rasa run`` for the stock assistant: REST channel, SQLite tracker store, in-memory locks."""

    def __init__(self, folder: Path, model: Path) -> None:
        self.folder, self.model, self.port = folder, model, free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> StockServer:
        endpoints = self.folder / "bench-endpoints.yml"
        endpoints.write_text(yaml.safe_dump({
            "tracker_store": {"type": "SQL", "dialect": "sqlite", "db": str(self.folder / "tracker.db")},
            "lock_store": {"type": "in_memory"},
        }))
        credentials = self.folder / "bench-credentials.yml"
        credentials.write_text(yaml.safe_dump({"rest": None}))
        log = self.folder / "rasa.log"
        self.process = subprocess.Popen(
            [str(BIN / "rasa"), "run", "--port", str(self.port), "--interface", "127.0.0.1", "-m", str(self.model),
             "--endpoints", str(endpoints), "--credentials", str(credentials)],
            cwd=self.folder, env=_quiet_env(self.folder), stdout=log.open("wb"), stderr=subprocess.STDOUT)
        _wait_http(self.url + "/", self.process, log)
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()


def start_ours(workdir: Path, model: Path) -> RasaStack:
    """Our Rasa server and action server as the end-to-end tests run them (REST channel on)."""
    return RasaStack(workdir=workdir / "ours-stack", model=model).start()
