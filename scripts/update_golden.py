#!/usr/bin/env python3
"""Regenerate the golden files of the seed plans (tests/golden/).

Run after an intended change to the normaliser, the structure parser or the
metadata extractor, then review the diff (`git diff tests/golden`) line by
line before committing: the golden files are what the tests hold the code to.

    .venv/bin/python scripts/update_golden.py
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kb.golden import GOLDEN_DIR, render_golden  # noqa: E402
from kb.corpus import Corpus  # noqa: E402


def main() -> int:
    corpus = Corpus(ROOT / "corpus")
    out = ROOT / GOLDEN_DIR
    out.mkdir(parents=True, exist_ok=True)
    for entry in corpus.entries():
        if entry.label != "seed":
            continue
        for name, content in render_golden(entry, corpus.read(entry)).items():
            (out / name).write_text(content, encoding="utf-8")
            print("wrote", out / name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
