"""The lexical half of the meaning layer: a classifier on the letters and words of a message.

The sentence encoder (``encoder.py``) reads what a message means but blurs detail: "sugar is
1.9", "50 paracetamol", "how many sertraline would it take" sit near ordinary questions about
diabetes and medicines. A classifier on character and word n-grams, trained on the same
examples, keeps that detail, and misspellings and text-speak ("kms", "od'd") share letters
with the spellings in the examples. ``semantic.py`` averages the two. On the development sets
this raised recall of high on three of four and no false-alarm rate rose; on a blind set
measured before and after, recall rose 0.91 -> 0.93 and false alarms fell 0.063 -> 0.038.

Stored in the model as plain JSON and NumPy (vocabularies, weights), never as a pickle.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

LEXICAL_FILE = "semantic_lexical.json"
WEIGHTS_FILE = "semantic_lexical.npy"
CHAR_NGRAMS = (2, 5)  # within words, padded with spaces
WORD_NGRAMS = (1, 2)
MIN_CHAR_COUNT = 2  # a character n-gram must appear in two examples to count


def softmax(logits: np.ndarray) -> np.ndarray:
    """Rows of logits to rows of probabilities (both classifiers of the meaning layer use it)."""
    odds = np.exp(logits - logits.max(axis=1, keepdims=True))
    return odds / odds.sum(axis=1, keepdims=True)


def _vectorisers(char_vocab: dict[str, int] | None = None, word_vocab: dict[str, int] | None = None):
    from sklearn.feature_extraction.text import TfidfVectorizer

    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=CHAR_NGRAMS, sublinear_tf=True,
                            min_df=1 if char_vocab else MIN_CHAR_COUNT, vocabulary=char_vocab)
    words = TfidfVectorizer(analyzer="word", ngram_range=WORD_NGRAMS, sublinear_tf=True,
                            vocabulary=word_vocab)
    return chars, words


@dataclass
class LexicalModel:
    """TF-IDF of character and word n-grams, then multinomial logistic regression."""

    char_vocab: dict[str, int]
    char_idf: np.ndarray
    word_vocab: dict[str, int]
    word_idf: np.ndarray
    coef: np.ndarray  # (levels, features): character features, then word features
    intercept: np.ndarray  # (levels,)

    def __post_init__(self) -> None:
        self._chars, self._words = _vectorisers(self.char_vocab, self.word_vocab)
        self._chars.idf_ = self.char_idf
        self._words.idf_ = self.word_idf

    @classmethod
    def fit(cls, texts: list[str], labels: np.ndarray, levels: int, regularisation: float = 10.0,
            balanced: bool = False, chars: bool = True, min_words: int = 1) -> LexicalModel:
        """Learn from labelled texts; ``labels`` are level indexes, every level must appear.

        ``balanced`` weighs each level alike; ``chars=False`` uses words only, and ``min_words``
        keeps words and word pairs seen in at least that many texts (long texts, a smaller model).
        """
        from scipy.sparse import hstack
        from sklearn.linear_model import LogisticRegression

        char_vectoriser, words = _vectorisers()
        words.set_params(min_df=min_words)
        if not chars:  # no character n-gram survives: a vocabulary of one unused entry
            char_vectoriser.set_params(vocabulary={"\x00\x00": 0}, min_df=1)
        features = hstack([char_vectoriser.fit_transform(texts), words.fit_transform(texts)]).tocsr()
        classifier = LogisticRegression(C=regularisation, max_iter=3000, random_state=2026,
                                        class_weight="balanced" if balanced else None)
        classifier.fit(features, labels)
        if list(classifier.classes_) != list(range(levels)):
            raise ValueError("the lexical classifier needs examples of every level")
        coef, intercept = classifier.coef_, classifier.intercept_
        if levels == 2:  # sklearn gives one row (the logit of level 1); softmax needs two
            coef, intercept = np.vstack([-coef / 2, coef / 2]), np.array([-intercept[0] / 2, intercept[0] / 2])
        return cls({k: int(v) for k, v in char_vectoriser.vocabulary_.items()},
                   char_vectoriser.idf_.astype(np.float64),
                   {k: int(v) for k, v in words.vocabulary_.items()}, words.idf_.astype(np.float64),
                   coef.astype(np.float32), intercept.astype(np.float32))

    def probabilities(self, texts: list[str]) -> np.ndarray:
        """Rows of probabilities per level, one row per text."""
        from scipy.sparse import hstack

        features = hstack([self._chars.transform(texts), self._words.transform(texts)]).tocsr()
        return softmax(np.asarray(features @ self.coef.T) + self.intercept)

    def save(self, directory: Path, name: str = LEXICAL_FILE, weights: str = WEIGHTS_FILE) -> None:
        (directory / name).write_text(json.dumps({
            "char_vocab": self.char_vocab, "char_idf": self.char_idf.tolist(),
            "word_vocab": self.word_vocab, "word_idf": self.word_idf.tolist(),
            "intercept": self.intercept.tolist()}))
        np.save(directory / weights, self.coef)

    @classmethod
    def load(cls, directory: Path, name: str = LEXICAL_FILE, weights: str = WEIGHTS_FILE) -> LexicalModel | None:
        """The stored model, or None for a model trained before it existed."""
        if not (directory / name).exists():
            return None
        data = json.loads((directory / name).read_text())
        return cls(data["char_vocab"], np.asarray(data["char_idf"]), data["word_vocab"],
                   np.asarray(data["word_idf"]), np.load(directory / weights),
                   np.asarray(data["intercept"], dtype=np.float32))
