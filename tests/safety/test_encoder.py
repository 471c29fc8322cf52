"""The NumPy sentence encoder gives what the reference library gives (sentence-transformers on PyTorch)."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import numpy as np
import pytest

from bot.safety.encoder import EncoderUnavailable, SentenceEncoder, read_safetensors, sentence_encoder

REFERENCE = Path(__file__).parent.parent / "data" / "minilm_reference.json"
# sha256 of all-MiniLM-L6-v2's model.safetensors as published (and as the reference run used).
WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"


@pytest.fixture(scope="module")
def reference() -> dict:
    return json.loads(REFERENCE.read_text(encoding="utf-8"))


def test_the_weights_are_the_published_ones() -> None:
    assert sentence_encoder().fingerprint == WEIGHTS_SHA256


def test_token_ids_match_the_reference_tokenizer(reference: dict) -> None:
    encoder = sentence_encoder()
    assert encoder.max_length == reference["max_seq_length"] == 256
    for item in reference["items"]:
        assert encoder.tokenizer.encode(item["text"], encoder.max_length) == item["input_ids"], item["text"][:40]


def test_embeddings_match_the_reference_library(reference: dict) -> None:
    texts = [item["text"] for item in reference["items"]]
    expected = np.array([item["embedding"] for item in reference["items"]])
    got = sentence_encoder().encode(texts)
    assert got.shape == (len(texts), 384)
    assert np.abs(got - expected).max() < 1e-5


def test_batching_does_not_change_a_message_s_meaning(reference: dict) -> None:
    texts = [item["text"] for item in reference["items"]]
    encoder = sentence_encoder()
    together = encoder.encode(texts, batch_size=4)
    alone = np.vstack([encoder.encode([text]) for text in texts])
    assert np.abs(together - alone).max() < 1e-5
    assert np.allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)


def test_same_meaning_is_near_and_different_meaning_is_far() -> None:
    vectors = sentence_encoder().encode([
        "I am going to end my life tonight",
        "tonight I'm going to kill myself",
        "can I get help with my housing benefit",
    ])
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.3


def test_missing_weights_are_reported_clearly(tmp_path: Path) -> None:
    with pytest.raises(EncoderUnavailable, match="no sentence encoder weights"):
        SentenceEncoder(tmp_path)


def test_safetensors_reader_reads_a_hand_made_file(tmp_path: Path) -> None:
    values = np.arange(6, dtype=np.float32)
    header = json.dumps({"__metadata__": {"format": "pt"},
                         "x": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]}}).encode()
    path = tmp_path / "tiny.safetensors"
    path.write_bytes(struct.pack("<Q", len(header)) + header + values.tobytes())
    tensors = read_safetensors(path)
    assert list(tensors) == ["x"] and tensors["x"].tolist() == [[0, 1, 2], [3, 4, 5]]



def test_ids_already_made_encode_as_text_does() -> None:
    encoder = sentence_encoder()
    ids = encoder.tokenizer.pieces("I need help with my rent")
    assert np.abs(encoder.encode_ids([ids]) - encoder.encode(["I need help with my rent"])).max() < 1e-5
    assert encoder.encode_ids([[1037] * 1000]).shape == (1, 384)  # cut to fit, not an error
