"""A throw-away git copy of the project's domain and data, for approvals to write and commit in."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from bot.config import REPO_ROOT


def make_data_repo(root: Path) -> Path:
    root.mkdir(parents=True)
    for name in ("domain.yml", "config.yml"):
        shutil.copy(REPO_ROOT / name, root / name)
    shutil.copytree(REPO_ROOT / "data", root / "data")
    who = ["-c", "user.name=t", "-c", "user.email=t@localhost"]
    for args in (["init", "-q"], ["add", "."], [*who, "commit", "-qm", "start"]):
        subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)
    return root


def last_commit(root: Path) -> str:
    return subprocess.run(["git", "-C", str(root), "log", "-1", "--format=%B"], capture_output=True,
                          text=True, check=True).stdout
