"""Trying a change before it goes live: the candidate's state, its figures, and the safety gate."""

from __future__ import annotations

import json
from pathlib import Path

from bot.coproduction.candidate import CandidateStatus, folder, progress, read_status


def figures(recall_high: float, recall_possible: float, false_high: float) -> dict:
    return {"understanding": {"intent_accuracy": 0.9},
            "safety": {"recall_high": recall_high, "recall_possible": recall_possible,
                       "false_alarm_rate_high": false_high}}


def test_a_change_that_lowers_any_safety_figure_is_named():
    same = CandidateStatus("ready", "", "m", figures(0.97, 0.8, 0.02), figures(0.97, 0.8, 0.02))
    assert same.safety_lowered == []
    fewer_caught = CandidateStatus("ready", "", "m", figures(0.97, 0.8, 0.02), figures(0.96, 0.85, 0.01))
    assert fewer_caught.safety_lowered == ["recall_high"]
    more_alarms = CandidateStatus("ready", "", "m", figures(0.97, 0.8, 0.02), figures(0.97, 0.8, 0.03))
    assert more_alarms.safety_lowered == ["false_alarm_rate_high"]
    unmeasured = CandidateStatus("training", "", None, None, None)
    assert unmeasured.safety_lowered == []


def test_status_and_progress_are_read_from_the_candidate_folder(tmp_path: Path):
    assert read_status(tmp_path, 7).phase == "none"
    base = folder(tmp_path, 7)
    base.mkdir()
    (base / "status.json").write_text(json.dumps({"phase": "training", "message": "Training"}))
    (base / "train.log").write_bytes(b"Epochs:  10%|#  | 8/80\rEpochs:  20%|##  | 16/80")
    assert read_status(tmp_path, 7).phase == "training"
    assert progress(tmp_path, 7).startswith("Epochs:  20%")
