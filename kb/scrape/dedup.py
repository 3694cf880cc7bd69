"""The same plan at two URLs: a mirror, a reprint, a copy with converter artefacts.

A document's fingerprint is a bottom-k sketch of the 8-character shingles of
its *normalised* text (pinyin annotations stripped, traditional script
converted, chrome removed) restricted to CJK characters and digits, so a copy
with 內(nèi) annotations, another page template or a few corrupted characters
keeps almost all its shingles.  Two documents are the same plan when their
文号 do not disagree and their shingles overlap strongly; county plans on one
topic share phrases, but not 90% of their 8-grams.
"""
from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

K = 128  # sketch size
SHINGLE = 8
SAME = 0.85  # estimated Jaccard similarity that makes two texts one plan
SAME_NUMBER = 0.5  # … when both carry the same 文号
_KEEP = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff0-9]")


@dataclass(frozen=True)
class Fingerprint:
    sketch: tuple[int, ...]
    doc_number: str | None = None
    title: str | None = None

    def to_json(self) -> dict:
        """The sketch as one hex string (8 digits per hash) keeps the manifest readable."""
        return {"sketch": "".join(f"{h:08x}" for h in self.sketch), "doc_number": self.doc_number,
                "title": self.title}

    @classmethod
    def from_json(cls, d: dict) -> "Fingerprint":
        hexes = d.get("sketch") or ""
        sketch = tuple(int(hexes[i : i + 8], 16) for i in range(0, len(hexes), 8))
        return cls(sketch, d.get("doc_number"), d.get("title"))


def sketch(text: str, k: int = K) -> tuple[int, ...]:
    """The k smallest shingle hashes of a normalised text (sorted)."""
    s = "".join(_KEEP.findall(text))
    if len(s) < SHINGLE:
        return (zlib.crc32(s.encode("utf-8")),) if s else ()
    hashes = {zlib.crc32(s[i : i + SHINGLE].encode("utf-8")) for i in range(len(s) - SHINGLE + 1)}
    return tuple(sorted(hashes)[:k])


def similarity(a: tuple[int, ...], b: tuple[int, ...], k: int = K) -> float:
    """Estimated Jaccard similarity of the two shingle sets (bottom-k estimator)."""
    if not a or not b:
        return 0.0
    union = sorted(set(a) | set(b))[:k]
    both = set(a) & set(b)
    return sum(1 for h in union if h in both) / len(union)


def same_plan(a: Fingerprint, b: Fingerprint) -> bool:
    if a.doc_number and b.doc_number and a.doc_number != b.doc_number:
        return False
    sim = similarity(a.sketch, b.sketch)
    if a.doc_number and a.doc_number == b.doc_number:
        return sim >= SAME_NUMBER
    return sim >= SAME


def fingerprint(normalised_text: str, doc_number: str | None = None, title: str | None = None) -> Fingerprint:
    return Fingerprint(sketch(normalised_text), doc_number, title)
