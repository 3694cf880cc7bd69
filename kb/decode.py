"""Bytes to text: detect the encoding of a saved page or file.

The only module that imports charset-normalizer.  Order of evidence: a BOM
(it overrides any declaration, as in browsers), strict UTF-8 (bytes that are
valid UTF-8 with non-ASCII text are UTF-8 whatever a page claims), the
charset the HTTP response declared, the charset the page declares in a
``<meta>`` tag (GB2312/GBK are read as their superset GB18030), then
detection restricted to the encodings Chinese government pages use.  Bytes
that hold nothing visible — ASCII or ideographic spaces (U+3000), NBSP,
zero-width spaces and joiners, a lone BOM — are refused as empty.  A
declared charset is only taken when the bytes decode without error *and*
the result reads like Chinese text (Big5 bytes decode "successfully" as
GB18030 into kana, Cyrillic and box drawing; Latin-1 decodes anything); a
declaration that is not taken is reported as a mismatch.  Anything that does
not decode to mostly printable text is refused as binary.
"""
from __future__ import annotations

import codecs
import re
import unicodedata
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
# What may precede a page's markup: whitespace and BOMs, comments, an XML declaration or a
# doctype, and script/style blocks (a saved page often starts with a comment or a script).
_PRELUDE = re.compile(
    r"(?:[\s\ufeff\u200b]+|<!--.*?(?:-->|$)|<\?xml[^>]*>|<!doctype[^>]*>"
    r"|<(script|style|noscript)\b[^>]*>.*?(?:</\1\s*>|$))",
    re.I | re.S,
)
_HTML = re.compile(
    r"<(?:html|head|body|meta|title|link|base|div|table|center|form|frameset|iframe|font|span|section|article"
    r"|header|nav|main|p|h[1-6]|ul|ol|dl|br|hr|a|img)\b[^<>]*>|<!doctype\s+html",
    re.I,
)
_ROOT = re.compile(r"<(html|body|head)\b[^<>]*>", re.I)
_TAGS = re.compile(r"</?(p|div|span|td|tr|table|br|a|h[1-6])\b", re.I)
_SNIFF = 200_000  # characters looked at for an <html>/<body> tag behind a long prelude


class DecodeError(ValueError):
    """The bytes are not a text document we can read."""


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # codec name used
    media_type: str  # "text/plain" | "text/html"
    declared: str | None = None  # charset the response or the page declared (HTTP first), if any
    mismatch: bool = False  # a declared charset is not the one that decodes the bytes
    source: str = "detected"  # what decided: "bom" | "utf-8" | "http" | "meta" | "detected"
    http_charset: str | None = None  # charset parameter of the HTTP Content-Type
    meta_charset: str | None = None  # charset of the page's <meta> tag


def _norm_codec(name: str) -> str | None:
    name = name.strip().lower()
    if name in _ALIASES:
        return _ALIASES[name]
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


# Characters that show nothing although Unicode does not call them whitespace (Hangul fillers, braille blank).
_BLANK_EXTRA = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def is_blank(text: str) -> bool:
    """True when ``text`` shows nothing: only whitespace of any kind (U+3000, NBSP …),
    and format characters (zero-width spaces and joiners, BOM, word joiner).  NUL and
    other controls are not blank: bytes of them are binary."""
    return all(ch.isspace() or ch in _BLANK_EXTRA or unicodedata.category(ch) == "Cf" for ch in text)


def _blank_bytes(data: bytes) -> str | None:
    """Why bytes that are not empty still hold no text (None when they may hold some).

    Tried before detection, which cannot name an encoding for a few spaces: a
    BOM decides the codec; otherwise the bytes count as blank when they decode
    strictly to nothing visible in UTF-8, GB18030 or Big5 (whose ideographic
    spaces are A1A1 and A140)."""
    for bom, codec in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            text = data.decode(codec, errors="replace")
            if not text:
                return "the file is empty (it holds only a byte-order mark)"
            return "the file is empty (it holds only whitespace)" if is_blank(text) else None
    for codec in ("utf-8", "gb18030", "big5"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if is_blank(text):
            return "the file is empty (it holds only whitespace)"
    return None


def _printable(text: str) -> bool:
    if not text:
        return False
    bad = sum(1 for ch in text if (ord(ch) < 32 and ch not in "\t\n\r\f") or ch == "\ufffd")
    return bad / len(text) < 0.01


def looks_like_html(text: str) -> bool:
    """Is this text a page's markup, wherever the markup starts?

    Leading whitespace, BOMs, comments, an XML declaration, a doctype and script or style
    blocks are skipped; markup is then a known tag at that point, an ``<html>``/``<head>``/
    ``<body>`` tag (with its closing tag) further on, or at least five structural tags in
    the first 2,000 characters.
    """
    i, n = 0, min(len(text), _SNIFF)
    while i < n:
        m = _PRELUDE.match(text, i, n)
        if not m or m.end() == i:
            break
        if m.group().lower().startswith("<!doctype") and "html" in m.group().lower():
            return True
        i = m.end()
    if i >= n and text[:i].strip(" \t\r\n\ufeff\u200b"):
        return True  # nothing but comments, scripts or styles: markup, with no text of its own
    if _HTML.match(text, i, n):
        return True
    head = text[:n]
    root = _ROOT.search(head)
    if root and re.search(rf"</{root.group(1)}\s*>", text, re.I):
        return True
    return len(_TAGS.findall(text[i : i + 2000])) >= 5 or len(_TAGS.findall(text[:2000])) >= 5


def decode_bytes(data: bytes, declared: str | None = None) -> Decoded:
    """Decode a document's bytes; raise :class:`DecodeError` with a clear reason.

    ``declared`` is the charset an HTTP response declared (None for files).
    """
    if not data or not data.strip():
        raise DecodeError("the file is empty")
    blank = _blank_bytes(data)
    if blank:
        raise DecodeError(blank)
    meta = meta_charset(data)
    text, encoding, source = _decode(data, declared, meta)
    if is_blank(text):
        raise DecodeError("the file is empty (it holds only whitespace)")
    if not _printable(text):
        raise DecodeError("the file is binary or in an unknown encoding, not text")
    media = "text/html" if looks_like_html(text) else "text/plain"
    if media != "text/html":
        meta = None
    ascii_only = max(data, default=0) < 0x80
    mismatch = not ascii_only and any(
        hint is not None and _norm_codec(hint) != encoding for hint in (declared, meta)
    )
    return Decoded(text, encoding, media, declared or meta, mismatch, source, declared, meta)


def meta_charset(data: bytes) -> str | None:
    """The charset a page declares in a ``<meta>`` tag (first 4 KB), if any."""
    m = _META_CHARSET.search(data[:4096])
    return m.group(1).decode("ascii", "ignore") if m else None


# Characters that a Chinese page holds rarely but a wrong double-byte decoding
# produces often: Greek, Cyrillic, box drawing and blocks, kana, Hangul, private use.
_ODD = re.compile(r"[\u0370-\u04ff\u2500-\u259f\u3040-\u30ff\uac00-\ud7af\ue000-\uf8ff\ufffd]")
_CJK_CODECS = {"gb18030", "big5", "big5hkscs", "cp950", "utf-8", "utf-16", "utf-16-le", "utf-16-be", "gbk", "gb2312"}


def _plausible(text: str, codec: str) -> bool:
    """Does text decoded with a *declared* codec read like a Chinese page?"""
    non_ascii = sum(1 for ch in text if ord(ch) > 127)
    if non_ascii < 20:
        return True
    if codec not in _CJK_CODECS:
        return False  # Latin-1 and friends decode anything; a Chinese page is not in them
    return len(_ODD.findall(text)) / non_ascii < 0.02


def _decode(data: bytes, http: str | None, meta: str | None) -> tuple[str, str, str]:
    for bom, codec in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(codec, errors="replace"), codec, "bom"
    if b"\x00" in data[:8192]:
        raise DecodeError("the file is binary (it contains NUL bytes), not text")
    hints = [(hint, source) for hint, source in ((http, "http"), (meta, "meta")) if hint]
    try:
        text = data.decode("utf-8")
        source = next((src for hint, src in hints if _norm_codec(hint) == "utf-8"), "utf-8")
        return text, "utf-8", source
    except UnicodeDecodeError:
        pass
    for hint, source in hints:
        codec = _norm_codec(hint)
        if codec and codec != "utf-8":
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                continue  # wrong declaration: try the next, then detection
            if _plausible(text, codec):
                return text, codec, source
    best = charset_normalizer.from_bytes(data, cp_isolation=_CANDIDATES).best()
    if best is None:
        raise DecodeError("the file is binary or in an unknown encoding, not text")
    codec = _norm_codec(best.encoding) or best.encoding
    return data.decode(codec, errors="replace"), codec, "detected"
