"""Real text written by the public: the yardstick for risk detection and needs.

Why: every figure from sets the team wrote flattered the detector (0.997 recall of high on
written sets, one ordinary real post in three rated high). These posts were written by
people on public forums, not for us. They come from the ``construct-tracker`` wheel
(Apache-2.0), installed from ``requirements-nodeps.txt``:

- the Reddit Mental Health Dataset sample (Low et al. 2020, JMIR 22(10):e22635): 260 posts
  from each of 27 forums, support forums and ordinary ones;
- the RallyPoint set bundled beside it: posts from a US military social network, labelled
  by the package's authors for suicidal thoughts and behaviours, many of them short.

Every post falls for ever in one of two parts, by a seeded hash of its text: ``calibration``
(may be read, tuned on, learnt from) and ``test`` (counts only, never read, never tuned on).
A test post that is a near copy of any calibration post or of anything the assistant learns
from moves to calibration (:func:`load_posts`), so no copy crosses the line.
"""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

SEED = "lwfd-real-text-2026-12"  # changing it re-deals every post: never do so after tuning
TEST_SHARE = 0.5
NEAR_COPY = 0.5  # Jaccard similarity of word 4-grams at or above this is a near copy
LENGTH_BANDS = ((0, 100, "under 100"), (100, 500, "100 to 500"), (500, 1500, "500 to 1,500"),
                (1500, math.inf, "over 1,500"))

# Reddit Mental Health Dataset forums, by what they are to the detector.
RISK_FORUMS = {"suicidewatch"}
ORDINARY_FORUMS = {"personalfinance", "ukpersonalfinance", "legaladvice", "teaching", "mindfulness",
                   "ukpolitics", "unitedkingdom", "conspiracy", "guns", "divorce"}
# Support forums where risk is not the subject: must usually be none or possible, rarely high.
SUPPORT_FORUMS = {"anxiety", "lonely", "foreveralone", "healthanxiety", "socialanxiety", "adhd", "autism",
                  "edanonymous", "addiction", "alcoholism", "bipolarreddit", "bpd", "ptsd", "schizophrenia",
                  "mentalhealth", "depression"}
# The forum's main need, in the assistant's needs taxonomy (for the understanding yardstick).
# ForeverAlone is about being single and lonely: its main need is read as connection or
# relationships (the taxonomy has loneliness under one and partners under the other).
FORUM_NEED = {"personalfinance": ("money",), "ukpersonalfinance": ("money",), "lonely": ("connection",),
              "foreveralone": ("connection", "relationships"), "addiction": ("substance_use",),
              "alcoholism": ("substance_use",), "divorce": ("relationships",)}
# RallyPoint sources that are statements with the risk negated ("I'm not going to kill
# myself"): a group of their own, whatever their label.
NEGATED_SOURCES = {"positive_examples_negated", "shortstbposts_talklife_negated"}

GROUPS = ("risk_forum", "risk_labelled", "ordinary", "ordinary_military", "support", "negated")
GROUP_NAMES = {
    "risk_forum": "posts from a suicide-support forum (Reddit)",
    "risk_labelled": "posts labelled as suicidal thoughts or behaviours (RallyPoint)",
    "ordinary": "posts from ordinary forums (Reddit: money, law, teaching, mindfulness, news, guns, divorce)",
    "ordinary_military": "posts labelled not at risk from a military forum where suicide is often discussed "
                         "(RallyPoint): a harder set, reported beside the bars, not one of them",
    "support": "posts from mental-health support forums (Reddit) not about risk",
    "negated": "statements with the risk negated (RallyPoint)",
}


@dataclass(frozen=True)
class RealPost:
    """One post: its text, where it came from, what it is to the yardstick, and its part."""

    text: str
    source: str  # "rmhd" or "rallypoint"
    forum: str
    group: str  # one of GROUPS
    part: str  # "calibration" or "test"
    need: tuple[str, ...] = ()  # the forum's main need (any of these codes), where it has one

    @property
    def band(self) -> str:
        return length_band(self.text)


def length_band(text: str) -> str:
    """The length band a message falls in (characters)."""
    size = len(text)
    return next(name for low, high, name in LENGTH_BANDS if low <= size < high)


def data_dir() -> Path:
    """Where the construct-tracker wheel keeps its data sets (found without importing it)."""
    spec = importlib.util.find_spec("construct_tracker")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("construct-tracker is not installed: run `make` (requirements-nodeps.txt)")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "datasets"


def _part(text: str) -> str:
    digest = hashlib.sha256(f"{SEED}\n{_normal(text)}".encode()).digest()
    return "test" if int.from_bytes(digest[:8], "big") / 2**64 < TEST_SHARE else "calibration"


def _normal(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9']+", text.lower()))


def _raw_posts() -> Iterable[tuple[str, str, str, str, tuple[str, ...]]]:
    """(text, source, forum, group, need) for every usable post, repeats included."""
    base = data_dir()
    rmhd = base / "reddit_27_subreddits" / "rmhd_27subreddits_260posts_test.csv"
    with rmhd.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            forum = row["subreddit"].strip().lower()
            group = ("risk_forum" if forum in RISK_FORUMS else "ordinary" if forum in ORDINARY_FORUMS
                     else "support" if forum in SUPPORT_FORUMS else None)
            if group:
                yield row["post"], "rmhd", forum, group, FORUM_NEED.get(forum, ())
    for name in ("rallypoint_reddit_mentalhealth_train_3632.csv", "rallypoint_reddit_mentalhealth_test_908.csv"):
        with (base / "rally_point_reddit_mental_health" / name).open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                where, _, source = row["source"].partition(" ")
                if where != "rallypoint":  # its reddit rows are support-forum posts, labelled 1 as such
                    continue
                group = ("negated" if source in NEGATED_SOURCES
                         else "risk_labelled" if float(row["label"]) >= 0.5 else "ordinary_military")
                yield row["doc"], "rallypoint", f"rallypoint {source}", group, ()


def _shingles(text: str, size: int = 4) -> frozenset[int]:
    words = _normal(text).split()
    if len(words) < size:
        return frozenset({hash(" ".join(words))}) if words else frozenset()
    return frozenset(hash(" ".join(words[i:i + size])) for i in range(len(words) - size + 1))


def near_copies(texts: list[str], others: list[str], threshold: float = NEAR_COPY) -> set[int]:
    """Indexes into ``texts`` of those with a near copy among ``others`` (Jaccard of word 4-grams)."""
    index: dict[int, list[int]] = {}
    other_sets = [_shingles(t) for t in others]
    for number, shingles in enumerate(other_sets):
        for shingle in shingles:
            index.setdefault(shingle, []).append(number)
    found = set()
    for number, text in enumerate(texts):
        mine = _shingles(text)
        if not mine:
            continue
        shared: dict[int, int] = {}
        for shingle in mine:
            for other in index.get(shingle, ()):
                shared[other] = shared.get(other, 0) + 1
        for other, common in shared.items():
            if common / (len(mine) + len(other_sets[other]) - common) >= threshold:
                found.add(number)
                break
    return found


def training_texts() -> list[str]:
    """Everything the assistant learns from: safety examples, read sets, intent examples."""
    import yaml

    from bot.config import REPO_ROOT

    texts: list[str] = []
    safety = REPO_ROOT / "data" / "safety"
    for path in [safety / "examples.yml", *sorted((safety / "read_sets").glob("*.yml"))]:
        texts += [str(t) for t in _strings(yaml.safe_load(path.read_text(encoding="utf-8")))]
    for path in sorted((REPO_ROOT / "data" / "nlu").glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in data.get("nlu") or []:
            examples = block.get("examples") if isinstance(block, dict) else None
            if isinstance(examples, str):
                texts += [line[2:].strip() for line in examples.splitlines() if line.startswith("- ")]
    return texts


def _strings(node) -> Iterable[str]:  # noqa: ANN001 - any YAML node
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            if key in ("text", "examples") or not isinstance(value, str):
                yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


@lru_cache(maxsize=1)
def load_posts() -> tuple[RealPost, ...]:
    """Every post once, with its part: exact repeats dropped, near copies kept in calibration."""
    seen: set[str] = set()
    rows = []
    for text, source, forum, group, need in _raw_posts():
        text = (text or "").strip()
        key = _normal(text)
        if not key or key in seen or text.lower() in ("[removed]", "[deleted]"):
            continue
        seen.add(key)
        rows.append((text, source, forum, group, need, _part(text)))
    test = [r for r in rows if r[5] == "test"]
    calibration = [r[0] for r in rows if r[5] == "calibration"]
    crossing = near_copies([r[0] for r in test], calibration + training_texts())
    moved = {id(test[i]) for i in crossing}
    return tuple(RealPost(text, source, forum, group, "calibration" if id(r) in moved else part, need)
                 for r in rows for text, source, forum, group, need, part in [r])


def posts(part: str, groups: Iterable[str] = GROUPS) -> list[RealPost]:
    """The posts of one part (``calibration`` or ``test``) in the given groups."""
    wanted = set(groups)
    return [p for p in load_posts() if p.part == part and p.group in wanted]


def wilson(hits: int, total: int, z: float = 1.96) -> tuple[float, float] | None:
    """The 95% Wilson interval of a proportion (sound at 0 and at small counts)."""
    if not total:
        return None
    share = hits / total
    centre = (share + z * z / (2 * total)) / (1 + z * z / total)
    spread = z * math.sqrt(share * (1 - share) / total + z * z / (4 * total * total)) / (1 + z * z / total)
    return round(max(0.0, centre - spread), 4), round(min(1.0, centre + spread), 4)
