"""Where a turn's time goes: py-spy samples our Rasa server and action server under load.

Starts the stack as the tests do (``tests/support/stack.py``), runs whole self-introductions
(``bench/load.py``) one at a time, while ``py-spy record`` samples both servers; then prints,
per process, the share of samples under the frames that matter (the pipeline components, the
policies, the tracker store, the action call) and the functions with most samples of their
own. ``docs/performance.md`` is written from its output.

py-spy is a profiling tool, not a run-time dependency: ``pip install py-spy`` (or put it on
``PATH``) before running this.

Run: .venv/bin/python bench/profile_turn.py --model models/X.tar.gz [--conversations 12]
"""

from __future__ import annotations

import argparse
import collections
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from assistants import start_ours  # noqa: E402
from load import OUR_CONVERSATION, Server, run_load  # noqa: E402

# Frames whose inclusive share is reported: (label, substring of the collapsed frame).
WATCHED = [
    ("whole message handling (MessageProcessor.handle_message)", "handle_message (rasa/core/processor.py"),
    ("NLU pipeline (parse_message)", "parse_message (rasa/core/processor.py"),
    ("DIETClassifier.process", "process (rasa/nlu/classifiers/diet_classifier.py"),
    ("RiskDetector.process (bot/safety/component.py)", "process (bot/safety/component.py"),
    ("  sentence encoder (bot/safety/encoder.py)", "bot/safety/encoder.py"),
    ("  rule layer (bot/safety/detector.py)", "bot/safety/detector.py"),
    ("featurizers", "rasa/nlu/featurizers/"),
    ("policy ensemble prediction", "_predict_next_action_with_policies"),
    ("TEDPolicy.predict_action_probabilities", "predict_action_probabilities (rasa/core/policies/ted_policy.py"),
    ("tracker store retrieve", "retrieve (rasa/core/tracker_store.py"),
    ("tracker store save", "save (rasa/core/tracker_store.py"),
    ("event broker publish", "publish (rasa/core/brokers/sql.py"),
    ("remote action call (waiting on the action server)", "run (rasa/core/actions/action.py"),
    ("TensorFlow (any frame)", "tensorflow/"),
]


def _summarise(raw: Path, top: int = 25) -> dict:
    """Shares of samples from ``py-spy --format raw`` (collapsed stacks: "a;b;c count")."""
    total = 0
    inclusive: collections.Counter[str] = collections.Counter()
    own: collections.Counter[str] = collections.Counter()
    for line in raw.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack:
            continue
        count = int(count_text)
        total += count
        frames = stack.split(";")
        for label, needle in WATCHED:
            if any(needle in frame for frame in frames):
                inclusive[label] += count
        own[frames[-1]] += count
    return {"samples": total,
            "inclusive_share": {label: round(inclusive[label] / total, 3) for label, _ in WATCHED if total},
            "top_own": [(frame, round(count / total, 3)) for frame, count in own.most_common(top)]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--conversations", type=int, default=12)
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--rate", type=int, default=100, help="py-spy samples per second")
    parser.add_argument("--keep", type=Path, help="copy the raw profiles here")
    args = parser.parse_args()
    spy = shutil.which("py-spy")
    if not spy:
        print("py-spy is not installed: pip install py-spy", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="lwfd-profile-") as tmp:
        workdir = Path(tmp)
        stack = start_ours(workdir, args.model.resolve())
        try:
            server = Server(stack.rasa_url, {"rasa": stack._rasa.pid, "actions": stack._actions.pid})
            run_load(server, OUR_CONVERSATION, 1, 1)  # warm up
            recorders = {}
            for name, pid in server.pids.items():
                out = workdir / f"{name}.raw"
                recorders[name] = (out, subprocess.Popen(
                    [spy, "record", "--pid", str(pid), "--rate", str(args.rate), "--format", "raw",
                     "--output", str(out), "--nonblocking"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            time.sleep(1.0)
            figures = run_load(server, OUR_CONVERSATION, args.concurrency, args.conversations)
            for _, process in recorders.values():
                process.send_signal(2)  # SIGINT: py-spy writes its output and exits
                process.wait(timeout=60)
        finally:
            stack.stop()
        print(f"load while sampled: {figures}")
        for name, (out, _) in recorders.items():
            if args.keep:
                args.keep.mkdir(parents=True, exist_ok=True)
                shutil.copy(out, args.keep / out.name)
            summary = _summarise(out)
            print(f"\n== {name}: {summary['samples']} samples")
            for label, share in summary["inclusive_share"].items():
                print(f"  {share * 100:5.1f}%  {label}")
            print("  functions with most samples of their own:")
            for frame, share in summary["top_own"]:
                print(f"  {share * 100:5.1f}%  {frame}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
