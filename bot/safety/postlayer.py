"""The post layer of risk detection: does a long message, read whole, read like risk?

Why: on real public posts the sentence-by-sentence layers cried wolf on long ordinary
messages (one in three ordinary posts of 300 to 1,500 characters rated ``high``): every
extra sentence of a question about a pension or a parking ticket was another chance for a
word list or the meaning layer to fire. This layer reads the whole message and answers one
question, learnt from real posts people wrote (``realtext.py``, the calibration part only):
does it read like posts from people at risk (a suicide-support forum, posts labelled as
suicidal thoughts) or like everything else (ordinary forums, mental-health support forums,
a military forum where suicide is discussed)? For long messages only:

- a sign from the word lists that is not explicit (a word about a subject, someone else's
  story) asks the safety question instead of giving crisis help, unless the message reads
  like risk; explicit statements (a plan or means, an act, "I"/"me" at risk, abuse, no food
  or water) stay ``high`` whatever this layer says;
- the meaning layer may raise the level only when the message reads like risk;
- a message that reads like risk, where nothing else fired, gets the safety question.

A word and word-pair model (TF-IDF, logistic regression with balanced classes) in the same
JSON and NumPy form as the lexical half of the meaning layer: never a pickle.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.safety.lexical import LexicalModel

MODEL_FILE = "post_layer.json"
WEIGHTS_FILE = "post_layer.npy"
REGULARISATION = 4.0  # chosen by five-fold cross-validation on the calibration part
MIN_WORDS = 2  # a word or word pair must appear in two posts to count
RISK_GROUPS = ("risk_forum", "risk_labelled")


@dataclass
class PostLayer:
    """P(the message reads like a post from someone at risk), learnt from real posts."""

    model: LexicalModel

    def score(self, text: str) -> float:
        return float(self.model.probabilities([text or ""])[0, 1])

    def save(self, directory: Path) -> None:
        self.model.save(directory, MODEL_FILE, WEIGHTS_FILE)

    @classmethod
    def load(cls, directory: Path) -> PostLayer | None:
        model = LexicalModel.load(directory, MODEL_FILE, WEIGHTS_FILE)
        return cls(model) if model is not None else None


def training_posts() -> tuple[list[str], np.ndarray]:
    """The calibration part of the real posts, labelled 1 for the risk groups (never the test part)."""
    from bot.safety.realtext import posts

    items = posts("calibration")
    return [p.text for p in items], np.array([int(p.group in RISK_GROUPS) for p in items])


def train() -> PostLayer:
    """Learn the post layer from the calibration part of the real posts."""
    texts, labels = training_posts()
    return PostLayer(LexicalModel.fit(texts, labels, 2, REGULARISATION, balanced=True, chars=False,
                                      min_words=MIN_WORDS))


def fingerprint() -> str:
    """What the post layer learns from, for the model's fingerprint (the data set and its split)."""
    from importlib.metadata import PackageNotFoundError, version

    from bot.safety.realtext import SEED, TEST_SHARE

    try:
        data = version("construct-tracker")
    except PackageNotFoundError:
        data = "missing"
    return f"construct-tracker {data}; split {SEED} {TEST_SHARE}; C {REGULARISATION}; min {MIN_WORDS}"
