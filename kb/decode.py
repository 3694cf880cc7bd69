"""Bytes to text: detect the encoding of a saved page or file.

The only module that imports charset-normalizer.  Order of evidence: a BOM,
strict UTF-8, the charset an HTML page declares (GB2312/GBK are read as their
superset GB18030), then detection restricted to the encodings Chinese
government pages use.  Anything that does not decode to mostly printable
text is refused as binary.
"""
from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

import charset_normalizer

# Encodings a declared charset is widened to: GB2312 and GBK are subsets of GB18030.
_ALIASES = {
    "gb2312": "gb18030", "gbk": "gb18030", "gb_2312-80": "gb18030", "x-gbk": "gb18030",
    "cp936": "gb18030", "gb18030": "gb18030", "big5": "big5", "big5-hkscs": "big5hkscs",
    "utf-8": "utf-8", "utf8": "utf-8",
}
_CANDIDATES = ["utf_8", "gb18030", "big5", "utf_16"]
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_HTML = re.compile(r"^\s*(<!doctype html|<html|<head|<meta|<body|<\?xml)", re.I)
_TAGS = re.compile(r"</?(p|div|span|td|tr|table|br|a|h[1-6])\b", re.I)


class DecodeError(ValueError):
    """The bytes are not a text document we can read."""


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # codec name used
    media_type: str  # "text/plain" | "text/html"
    declared: str | None = None  # charset the page declared, if any
    mismatch: bool = False  # the declared charset did not decode the bytes


def _norm_codec(name: str) -> str | None:
    name = name.strip().lower()
    if name in _ALIASES:
        return _ALIASES[name]
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _printable(text: str) -> bool:
    if not text:
        return False
    bad = sum(1 for ch in text if (ord(ch) < 32 and ch not in "\t\n\r\f") or ch == "\ufffd")
    return bad / len(text) < 0.01


def looks_like_html(text: str) -> bool:
    head = text[:2000]
    return bool(_HTML.search(head)) or len(_TAGS.findall(head)) >= 5


def decode_bytes(data: bytes, declared: str | None = None) -> Decoded:
    """Decode a document's bytes; raise :class:`DecodeError` with a clear reason."""
    if not data or not data.strip():
        raise DecodeError("the file is empty")
    text, encoding = _decode(data, declared)
    if not _printable(text):
        raise DecodeError("the file is binary or in an unknown encoding, not text")
    media = "text/html" if looks_like_html(text) else "text/plain"
    meta = None
    mismatch = False
    if declared is None and media == "text/html":
        m = _META_CHARSET.search(data[:4096])
        meta = m.group(1).decode("ascii", "ignore") if m else None
        if meta and _norm_codec(meta) not in (encoding, None):
            mismatch = True
    return Decoded(text, encoding, media, declared or meta, mismatch)


def _decode(data: bytes, declared: str | None) -> tuple[str, str]:
    for bom, codec in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(codec, errors="replace"), codec
    if b"\x00" in data[:8192]:
        raise DecodeError("the file is binary (it contains NUL bytes), not text")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    hints = [declared] if declared else []
    m = _META_CHARSET.search(data[:4096])
    if m:
        hints.append(m.group(1).decode("ascii", "ignore"))
    for hint in hints:
        codec = _norm_codec(hint) if hint else None
        if codec and codec != "utf-8":
            try:
                return data.decode(codec), codec
            except UnicodeDecodeError:
                pass  # wrong declaration: fall through to detection
    best = charset_normalizer.from_bytes(data, cp_isolation=_CANDIDATES).best()
    if best is None:
        raise DecodeError("the file is binary or in an unknown encoding, not text")
    codec = _norm_codec(best.encoding) or best.encoding
    return data.decode(codec, errors="replace"), codec
