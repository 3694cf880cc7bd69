"""Artefacts of a broken simplified→traditional web converter (DOMAIN.md §3).

A dictionary converter run over a page's *GBK bytes* appended a reading after
some traditional characters (``內`` → ``內(nèi)``), also after byte pairs
straddling two characters; the decoder then swallowed the pair's 2nd byte with
``(`` into ``?`` and read on one byte out of step (``當?shù)卣…``, ``向?qū)W生``:
``pinyin_shift``).  Also ``學;蜣k學`` (``lost_byte``, ambiguous), private-use
code points (``private_use``) and U+FFFD (``other``).  Input is NFKC text.

Pure functions; the only module of the project that imports :mod:`pypinyin`.
"""
from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Iterable, Iterator

from pypinyin import Style, pinyin
from pypinyin.pinyin_dict import pinyin_dict

log = logging.getLogger(__name__)

#: The 34 characters the converter annotates wherever they occur in seed 004.
ANNOTATED_CHARS = "質區優發業規鄉養網統內創監構數經現協據態農聯調續權結鎮衛醫環節轉產穩"
#: Plus those of its table seen only through straddling byte pairs:
#: ``向?qū)W生`` is 向 ``CF F2`` + 學 ``8C 57`` read as 驅 ``F2 8C``.
STRADDLE_CHARS = ANNOTATED_CHARS + "驅"

_TONE_LETTERS = "a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
# Spaces inside the brackets and decomposed tone marks (a + U+0300) occur on real pages.
_PAREN_PINYIN_RE = re.compile(rf"\([ \t]*([{_TONE_LETTERS}][{_TONE_LETTERS}\u0300-\u030c]{{0,9}})[ \t]*\)")
_ANNOTATION_RE = re.compile(rf"(?<=[\u3400-\u9fff]){_PAREN_PINYIN_RE.pattern}")
# "?" (the site's decoder swallowed "(") or U+FFFD (Python's errors="replace").
_ORPHAN_RE = re.compile(rf"(?:\?|\ufffd\(?)([{_TONE_LETTERS}]{{1,7}})\)")
# "X(pinyin)" after CJK: the straddled pair ended in an ASCII byte X, no desync.
_LETTER_ORPHAN_RE = re.compile(rf"(?<=[\u3400-\u9fff])[\x40-\x7e]{_PAREN_PINYIN_RE.pattern}")
# One ASCII letter glued between CJK: a GBK trail byte read on its own.
_GLUED_LETTER_RE = re.compile(r"(?<=[\u3400-\u9fff\ue000-\uf8ff;:,.!])[A-Za-z](?=[\u3400-\u9fff])")
_PUA_RE = re.compile(r"[\ue000-\uf8ff]+")
_FFFD_RE = re.compile(r"\ufffd+")
_DAMAGE_RE = re.compile(r"[?\ufffd\ue000-\uf8ff]")

_MAX_SCAN = 48  # characters after ")" searched for resynchronisation
_MAX_BRANCHES = 500  # re-encodings tried per stretch
_MAX_FOLD = 4  # longest NFKC expansion of a GBK character: "(10)", "VIII"
_WINDOW = 4  # characters after a stretch that must read as real text
_CORROBORATION = 50_000  # characters either side searched for a word
_SHAPE_RANK = {"pinyin_shift": 0, "lost_byte": 1, "utf8_as_gbk": 2, "private_use": 3, "other": 4}
# Candidates for UTF-8 bytes read as GBK: runs of CJK, private-use, ? and ; (a lost byte).
_GBK_RUN_RE = re.compile(r"(?:[^\x00-\x7f\s。,、:“”‘’《》()]|[?;]){3,}")


@dataclass(frozen=True)
class Annotation:
    """A converter annotation ``(pinyin)`` to delete."""

    start: int  # offset of "(" in the input text
    end: int  # offset just after ")"
    char: str  # the annotated character (the one before "(")
    syllable: str  # e.g. "nèi"


@dataclass(frozen=True)
class Corruption:
    """A stretch of text garbled by the converter."""

    start: int
    end: int
    raw: str  # text[start:end]
    repaired: str | None  # replacement text when the repair is certain
    shape: str  # "pinyin_shift" | "lost_byte" | "utf8_as_gbk" | "private_use" | "other"


@lru_cache(maxsize=None)
def _readings(char: str) -> frozenset[str]:
    """Tone-marked readings of one character according to pypinyin."""
    return frozenset(pinyin(char, style=Style.TONE, heteronym=True)[0]) if _is_cjk(char) else frozenset()


@lru_cache(maxsize=1)
def _all_syllables() -> frozenset[str]:
    """Every tone-marked syllable pypinyin knows."""
    return frozenset(s for v in pinyin_dict.values() for s in v.split(","))


def _block(codec: str, leads: Iterable[int], trails: Iterable[int]) -> frozenset[str]:
    trails = tuple(trails)
    return frozenset(bytes(b for lead in leads for t in trails for b in (lead, t)).decode(codec, "ignore"))


# Common: GB2312 level 1 (3,755 simplified) and Big5 level 1 (5,401 traditional).
_GB_LEVEL1 = _block("gb2312", range(0xB0, 0xD8), range(0xA1, 0xFF))
_COMMON = (_GB_LEVEL1
           | _block("big5", range(0xA4, 0xC6), (*range(0x40, 0x7F), *range(0xA1, 0xFF)))
           | _block("big5", (0xC6,), range(0x40, 0x7F)))
# Known: real, if rare, characters (plus GB2312 level 2).
_KNOWN = _COMMON | _block("gb2312", range(0xD8, 0xF8), range(0xA1, 0xFF))
# GB2312 row 1 (、。“”〔〕《》…) and full-width digits and punctuation.
_PUNCT = _block("gb18030", (0xA1,), range(0xA1, 0xFF)) | frozenset(
    chr(c + 0xFEE0) for c in range(0x21, 0x7F) if not chr(c).isalpha())
# The converter's table by GBK lead byte: 0x94 → (("數", 0xB5),).
_STRADDLE: dict[int, list[tuple[str, int]]] = {}
for _char in STRADDLE_CHARS:
    _STRADDLE.setdefault(_char.encode("gbk")[0], []).append((_char, _char.encode("gbk")[1]))


@lru_cache(maxsize=1)
def _nfkc_originals() -> dict[str, tuple[bytes, ...]]:
    """NFKC form → GBK codes of the characters folding to it (U ← Ｕ, III ← Ⅲ)."""
    table: dict[str, list[bytes]] = {}
    for code in (bytes((lead, t)) for lead in range(0x81, 0xFF) for t in range(0x40, 0xFF) if t != 0x7F):
        char = _decode(code)
        if char is not None and (folded := unicodedata.normalize("NFKC", char)) != char:
            table.setdefault(folded, []).append(code)
    return {k: tuple(v) for k, v in table.items()}


@lru_cache(maxsize=8192)
def _two_bytes(char: str) -> bytes | None:
    """The 2-byte GBK code of ``char``, ASCII taken as its full-width form."""
    if "!" <= char <= "~":
        char = chr(ord(char) + 0xFEE0)  # undo NFKC: ";" was "；"
    try:
        code = char.encode("gb18030")
    except UnicodeEncodeError:
        return None
    return code if len(code) == 2 else None


def _decode(code: bytes) -> str | None:
    try:
        return code.decode("gb18030")
    except UnicodeDecodeError:
        return None


def _is_cjk(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff"


def _plausible(text: str, chars: frozenset[str] | None = None) -> bool:
    """Common (or given) characters and punctuation, bar a final ASCII byte."""
    chars = chars or _COMMON
    return all(c in chars or c in _PUNCT for c in (text[:-1] if text[-1:].isascii() else text))


def _suspicious(text: str, i: int) -> bool:
    """Is ``text[i]`` typical of desynchronised decoding?"""
    char = text[i]
    if _is_cjk(char):
        return char not in _COMMON
    if char.isascii() and char.isalpha():  # a letter glued between CJK
        return 0 < i < len(text) - 1 and _is_cjk(text[i - 1]) and _is_cjk(text[i + 1])
    return "\ue000" <= char <= "\uf8ff" or char in "\ufffd?"


def _clean_after(text: str, i: int) -> bool:
    return not any(_suspicious(text, j) for j in range(i, min(len(text), i + _WINDOW)))


def _natural_after(text: str, i: int, chars: frozenset[str] | None = None) -> bool:
    """Can the text after ``i`` be correctly decoded (no private use, CJK all
    common or given)?  A ``?`` may start a separate corruption."""
    chars = chars or _COMMON
    for char in text[i:i + _WINDOW]:
        if char in "\r\n":
            break
        if "\ue000" <= char <= "\uf8ff" or (_is_cjk(char) and char not in chars):
            return False
    return True


# Entities a page failed to decode: &nbsp; &nbsp &sp; &amp;nbsp; &amp;amp;nbsp; &#160; &#12288 … (spaces:
# removed), the common named ones and numeric references to printable characters (decoded).
# ``&sp`` is a CMS's mangled &nbsp;.  Without ";" an entity must not run into an ASCII word.
_AMP = r"&(?:amp;){0,3}"
_END = r"(?:;|(?![A-Za-z0-9]))"
_SPACE_ENTITY_RE = re.compile(
    rf"{_AMP}(?:nbsp|ensp|emsp|thinsp|sp|#0*160|#0*12288|#x0*a0|#x0*3000){_END}", re.IGNORECASE)
_NAMED_ENTITY_RE = re.compile(
    rf"{_AMP}(ldquo|rdquo|lsquo|rsquo|mdash|ndash|hellip|middot|quot|lt|gt|amp|times|deg|plusmn|le|ge)"
    rf"(?:;|(?![A-Za-z0-9])(?<=[a-z]{{4}}))", re.IGNORECASE)
_NUMERIC_ENTITY_RE = re.compile(rf"{_AMP}#(?:([0-9]{{1,7}})|[xX]([0-9a-fA-F]{{1,6}}));")
_NAMED = {"ldquo": "\u201c", "rdquo": "\u201d", "lsquo": "\u2018", "rsquo": "\u2019", "mdash": "\u2014",
          "ndash": "\u2013", "hellip": "\u2026", "middot": "\u00b7", "quot": '"', "lt": "<", "gt": ">", "amp": "&",
          "times": "\u00d7", "deg": "\u00b0", "plusmn": "\u00b1", "le": "\u2264", "ge": "\u2265"}


def _numeric_entity(m: re.Match[str]) -> str | None:
    """The character a numeric reference stands for: tab and newline as a space, other
    controls, surrogates and non-characters refused (the reference is then kept)."""
    code = int(m.group(1)) if m.group(1) else int(m.group(2), 16)
    if code in (9, 10, 13, 32):
        return " "
    if code < 32 or 0x7F <= code < 0xA0 or 0xD800 <= code <= 0xDFFF or code > 0x10FFFF or code in (0xFFFE, 0xFFFF):
        return None
    return unicodedata.normalize("NFKC", chr(code))


def find_entities(text: str) -> list[tuple[int, int, str]]:
    """Undecoded HTML entities as (start, end, replacement): space entities become nothing."""
    if "&" not in text:
        return []
    out = [(m.start(), m.end(), "") for m in _SPACE_ENTITY_RE.finditer(text)]
    taken = {m.start() for m in _SPACE_ENTITY_RE.finditer(text)}
    out += [(m.start(), m.end(), _NAMED[m.group(1).lower()]) for m in _NAMED_ENTITY_RE.finditer(text)
            if m.start() not in taken]
    out += [(m.start(), m.end(), new) for m in _NUMERIC_ENTITY_RE.finditer(text)
            if m.start() not in taken and (new := _numeric_entity(m)) is not None]
    return sorted(out)


def find_pinyin_annotations(text: str, to_simplified: Callable[[str], str] | None = None) -> list[Annotation]:
    """Annotations ``字(pīnyīn)`` whose syllable is a pypinyin reading of the
    character before ``(`` or of ``to_simplified(char)``.  Real parentheses
    (``(市教育局)``, ``(一)``, ``教育(education)``) never match."""
    if not isinstance(text, str) or "(" not in text:
        return []
    simplified: dict[str, frozenset[str]] = {}
    found = []
    for m in _ANNOTATION_RE.finditer(text):
        char, syllable = text[m.start() - 1], unicodedata.normalize("NFC", m.group(1))
        if len(syllable) > 7:
            continue
        ok = syllable in _readings(char)
        if not ok and to_simplified is not None:
            if char not in simplified:
                try:
                    simple = to_simplified(char)
                except Exception:  # a faulty converter must not break normalisation
                    log.warning("to_simplified failed on %r", char, exc_info=True)
                    simple = ""
                simplified[char] = _readings(simple) if isinstance(simple, str) and len(simple) == 1 else frozenset()
            ok = syllable in simplified[char]
        if ok:
            found.append(Annotation(m.start(), m.end(), char, syllable))
    return found


def find_corruptions(text: str) -> list[Corruption]:
    """Corrupted stretches, sorted and non-overlapping, in text whose genuine
    annotations (:func:`find_pinyin_annotations`) are deleted or not."""
    if not isinstance(text, str) or not text:
        return []
    found: list[Corruption] = []
    orphans: list[tuple[int, Callable[[str, re.Match[str], int], Corruption | None], re.Match[str]]] = []
    if "?" in text or "\ufffd" in text:
        orphans += ((m.start(), _pinyin_shift, m) for m in _ORPHAN_RE.finditer(text) if m.group(1) in _all_syllables())
        found += (_plain(text, m.start(), m.end(), "other") for m in _FFFD_RE.finditer(text))
    if "(" in text:
        orphans += ((m.start(), _letter_orphan, m) for m in _LETTER_ORPHAN_RE.finditer(text))
    clean_from = 0  # a host character before this offset may be garbage
    for _, analyse, m in sorted(orphans, key=lambda o: o[0]):
        if (corruption := analyse(text, m, clean_from)) is not None:
            found.append(corruption)
            clean_from = corruption.end if corruption.repaired is not None else clean_from
    found += (_plain(text, m.start(), m.end(), "private_use") for m in _PUA_RE.finditer(text))
    found += filter(None, (_lost_byte(text, m.start()) for m in _GLUED_LETTER_RE.finditer(text)))
    found += _utf8_as_gbk(text)
    found += (_plain(text, m.start(), m.end(), "utf8_as_gbk") for m in _lost_tail_re().finditer(text))
    return _resolve(text, found)


@lru_cache(maxsize=1)
def _utf8_lead_chars() -> str:
    """Characters whose GBK code is a UTF-8 lead byte then a continuation byte: every
    stretch of UTF-8 read as GBK holds one (E5 B7 宸 of 工 E5 B7 A5)."""
    chars = []
    for lead in sorted(_UTF8_LEADS):
        for trail in range(0x80, 0xC0):
            try:
                chars.append(bytes((lead, trail)).decode("gbk"))
            except UnicodeDecodeError:
                pass
    return "".join(chars)


@lru_cache(maxsize=1)
def _gbk_lead_pair() -> re.Pattern:
    """Where a stretch of UTF-8 read as GBK may be: a character of :func:`_utf8_lead_chars`."""
    return re.compile(f"[{re.escape(_utf8_lead_chars())}]")


@lru_cache(maxsize=1)
def _lost_tail_re() -> re.Pattern:
    """A rare such character right before a lost byte, after a digit or CJK: the first two
    bytes of a character whose third the decoder dropped (2025骞? for 2025年)."""
    rare = "".join(c for c in _utf8_lead_chars() if c not in _COMMON)
    return re.compile(f"(?<=[0-9\u3400-\u9fff])[{re.escape(rare)}][?\ufffd](?=[0-9\u3400-\u9fff])")


def _utf8_as_gbk(text: str) -> list[Corruption]:
    """Stretches where a page's UTF-8 bytes were decoded as GBK (``鏁欒偛`` for 教育).

    The GBK bytes of such a stretch are again UTF-8: chains of at least two
    3-byte sequences that decode to real characters, a ``?``/``;`` standing for
    a byte the decoder lost.  Genuine text almost never does this, and the
    stretch must also read badly as it is (mostly rare characters).
    """
    out: list[Corruption] = []
    done = -1
    for pair in _gbk_lead_pair().finditer(text):
        if pair.start() < done:
            continue
        lo = max(0, pair.start() - 40)
        m = next((r for r in _GBK_RUN_RE.finditer(text, lo, min(len(text), pair.end() + 200))
                  if r.start() <= pair.start() < r.end()), None)
        if m is None:
            continue
        done = m.end()
        run = m.group(0)
        offs: list[int] = []
        buf = bytearray()
        for ch in run:
            offs.append(len(buf))
            try:
                buf += ch.encode("gbk")
            except UnicodeEncodeError:
                buf += b"?"
        offs.append(len(buf))
        chains: list[list[int]] = []  # [first byte, end byte, characters decoded]
        i = 0
        while i + 2 < len(buf):
            b0, b1, b2 = buf[i], buf[i + 1], buf[i + 2]
            if b0 in _UTF8_LEADS and 0x80 <= b1 <= 0xBF and 0x80 <= b2 <= 0xBF \
                    and _utf8_char(bytes(buf[i:i + 3])):
                gap = buf[chains[-1][1]:i] if chains else b""
                if chains and (not gap or (len(gap) <= 4 and (b"?" in gap or b";" in gap))):
                    chains[-1][1] = i + 3
                    chains[-1][2] += 1
                else:
                    chains.append([i, i + 3, 1])
                i += 3
                continue
            i += 1
        for b_start, b_end, count in chains:
            a = max(k for k in range(len(run)) if offs[k] <= b_start)
            b = min(k for k in range(len(run) + 1) if offs[k] >= b_end)
            lost = False
            while b < len(run) and (run[b] in _LOST or (run[b] not in _COMMON and run[b + 1:b + 2] in _LOST)):
                lost |= run[b] in _LOST
                b += 1  # the byte the decoder lost, and a half character before it
            if count < 2 and not (lost and _is_cjk(run[a]) and run[a] not in _COMMON):
                continue  # one character is proof only when its lost byte follows (2025骞?)
            chars = [c for c in run[a:b] if _is_cjk(c)]
            # Reads badly as it is: mostly outside simplified level 1, some not even common.
            if len(chars) >= 2 and sum(c not in _GB_LEVEL1 for c in chars) * 2 >= len(chars) \
                    and any(c not in _COMMON for c in chars):
                out.append(_plain(text, m.start() + a, m.start() + b, "utf8_as_gbk"))
    return out


_UTF8_LEADS = frozenset((0xE3, *range(0xE4, 0xEA), 0xEF))
_LOST = "?;\ufffd"  # a byte the decoder dropped (U+FFFD with errors="replace")
# CJK and full-width punctuation that UTF-8 encodes with lead E3 or EF.
_WIDE_PUNCT = frozenset("、。〈〉《》「」『』【】〔〕〖〗〜!(),.:;?[]{}|~\"'%&*+-/<=>@#$")


def _utf8_char(code: bytes) -> bool:
    """Do three bytes decode to a known character or to CJK/full-width punctuation?"""
    try:
        char = code.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return char in _KNOWN or char in _WIDE_PUNCT or unicodedata.normalize("NFKC", char) in _WIDE_PUNCT


def _plain(text: str, start: int, end: int, shape: str) -> Corruption:
    return Corruption(start, end, text[start:end], None, shape)


def _resolve(text: str, found: list[Corruption]) -> list[Corruption]:
    """Drop stretches inside another; merge partial overlaps (unrepaired)."""
    found.sort(key=lambda c: (c.start, -c.end, _SHAPE_RANK[c.shape]))
    out: list[Corruption] = []
    for c in found:
        if out and c.start < out[-1].end:
            if c.end <= out[-1].end:
                continue
            last = out.pop()
            c = _plain(text, last.start, c.end, min(last.shape, c.shape, key=_SHAPE_RANK.__getitem__))
        out.append(c)
    return out


def _straddled(host: str, trail: int | None, syllable: str) -> list[tuple[str, int]]:
    """Table characters (with their trail byte) whose GBK code starts with the
    last byte of ``host`` (and ends with ``trail``) and read ``syllable``."""
    code = _two_bytes(host) if _is_cjk(host) else None
    if code is None:
        return []
    return [(c, t) for c, t in _STRADDLE.get(code[1], ())
            if trail in (None, t) and syllable in _readings(c)]


def _damaged_before(text: str, start: int, clean_from: int) -> bool:
    """Unrepaired damage shortly before ``start`` on its line?  Then the host
    may be garbage and an aligned annotation look straddled (``逡?guī)``)."""
    lo = max(text.rfind("\n", max(0, start - _MAX_SCAN), start) + 1, clean_from, start - _MAX_SCAN)
    return lo < start and _DAMAGE_RE.search(text, lo, start) is not None


def _pinyin_shift(text: str, m: re.Match[str], clean_from: int) -> Corruption:
    """Delimit, and if certain repair, the stretch around an orphan pinyin."""
    q, after, syllable = m.start(), m.end(), m.group(1)
    start = q - 1 if q > 0 and _is_cjk(text[q - 1]) and _two_bytes(text[q - 1]) else q
    matches = _straddled(text[start], None, syllable) if start < q else []
    if len(matches) == 1 and not _damaged_before(text, start, clean_from):
        (char, lost), = matches
        if (repair := _resync(text, start, after, lost)) is not None:
            end, decoded = repair
            repaired = unicodedata.normalize("NFKC", text[start] + decoded)
            tail = _PAREN_PINYIN_RE.match(text, end)  # an aligned annotation right after
            if tail and tail.group(1) in _readings(repaired[-1]):
                end = tail.end()
            log.info("pinyin_shift at %d: %r -> %r (byte %02X of %s put back)",
                     start, text[start:end], repaired, lost, char)
            return Corruption(start, end, text[start:end], repaired, "pinyin_shift")
    log.info("pinyin_shift at %d not repaired (%d table characters read %r)", start, len(matches), syllable)
    bad = [_suspicious(text, j) for j in range(after, min(len(text), after + _MAX_SCAN + _WINDOW))]
    end = after  # up to the last garbage before clean text
    for k, j in enumerate(range(after, min(len(text), after + _MAX_SCAN))):
        if text[j] in "\r\n" or not any(bad[k:k + _WINDOW]):
            break
        end = j + 1 if bad[k] else end
    return _plain(text, start, end, "pinyin_shift")


def _letter_orphan(text: str, m: re.Match[str], clean_from: int) -> Corruption | None:
    """``X(pinyin)`` after CJK, X being the 2nd byte of the straddled pair.
    Uncertain after damage: it may be an aligned ``發(fā)`` read as ``嘲l(fā)``."""
    start, letter = m.start() - 1, text[m.start()]
    if len(_straddled(text[start], ord(letter), m.group(1))) != 1:
        return None
    certain = text[start] in _COMMON and not _damaged_before(text, start, clean_from)
    repaired = text[start] + letter if certain else None
    log.info("pinyin_shift at %d: %r -> %r", start, text[start:m.end()], repaired)
    return Corruption(start, m.end(), text[start:m.end()], repaired, "pinyin_shift")


def _resync(text: str, start: int, after: int, lost: int) -> tuple[int, str] | None:
    """Re-decode the characters after ``)`` with the lost byte put back.

    Tries every re-encoding (NFKC folded ``Ｕ`` and ``Ⅲ``); a branch ends where
    a byte below 0x80 resynchronises it or where it reads as garbage.  Certain
    when exactly one resynchronisation exists and reads as common text.  Else
    a 2nd lost byte (``…計`` + ``84``, ``9D`` lost) may be completed if one
    trail alone forms a word found elsewhere in the document.
    """
    limit = min(len(text), after + _MAX_SCAN)
    clean: set[tuple[int, str]] = set()
    lossy: set[tuple[int, str]] = set()
    undecided = False
    stack = [(after, "", lost, True)]  # offset, decoded so far, dangling byte, all common?
    for _ in range(_MAX_BRANCHES):
        if not stack:
            break
        i, prefix, dangling, common = stack.pop()
        if i >= limit or text[i] in "\r\n?\ufffd":
            # Common text up to the window's end or up to bytes the decoder
            # dropped ("?"): this branch may be the truth.
            undecided |= common and i < len(text) and text[i] not in "\r\n"
            continue
        if "@" <= text[i] <= "~":  # a real trail byte: resynchronised
            _add_candidate(clean, text, i + 1, prefix + (_decode(bytes((dangling, ord(text[i])))) or "\ufffd"))
        for width, code in _originals(text, i):
            char = _decode(bytes((dangling, code[0])))
            if char is None or not _plausible(char, _KNOWN):
                continue  # garbage: a wrong branch
            if code[1] < 0x80:  # a character ending below 0x80: resynchronised
                if code == text[i].encode("gb18030", "replace"):
                    _add_candidate(clean, text, i + width, prefix + char + chr(code[1]))
                else:  # "(" read as "﹙" (A9 76): too much guessing
                    undecided |= common and _plausible(char)
                continue
            nxt = (i + width, prefix + char, code[1], common and _plausible(char))
            if nxt[3] and _clean_after(text, i + width):
                completions = _completions(text, start, i + width, char, code[1])
                lossy.update((i + width, nxt[1] + c) for c in completions)
            stack.append(nxt)
    else:
        undecided = True
    log.debug("resync at %d: %d clean, %d lossy, undecided=%s", start, len(clean), len(lossy), undecided)
    if undecided or len(clean) > 1:
        return None
    if clean:
        end, decoded = clean.pop()
        return (end, decoded) if _plausible(decoded) and _natural_after(text, end) else None
    if len(lossy) == 1:
        log.info("pinyin_shift at %d: a second byte was lost; completed from the document's words", start)
        return lossy.pop()
    return None


def _add_candidate(found: set[tuple[int, str]], text: str, end: int, decoded: str) -> None:
    """Keep a resynchronisation reading as known characters before real text."""
    if _plausible(decoded, _KNOWN) and _natural_after(text, end, _KNOWN):
        found.add((end, decoded))


def _originals(text: str, i: int) -> list[tuple[int, bytes]]:
    """(characters consumed, GBK code) for each way to re-encode ``text[i:]``."""
    code = text[i].encode("gb18030", "replace")
    options = [(1, code)] if len(code) == 2 else []
    table = _nfkc_originals()
    for width in range(1, _MAX_FOLD + 1):
        options += ((width, code) for code in table.get(text[i:i + width], ()))
    return options


def _completions(text: str, start: int, end: int, prev: str, lead: int) -> Iterator[str]:
    """Common characters ``lead``+trail that follow ``prev`` outside the stretch."""
    if not 0x81 <= lead <= 0xFE:
        return
    followers = set()
    for lo, hi in ((max(0, start - _CORROBORATION), start), (end, end + _CORROBORATION)):
        hi = min(hi, len(text)) - 1
        j = text.find(prev, lo, hi)
        while j != -1:
            followers.add(text[j + 1])
            j = text.find(prev, j + 1, hi)
    for char in sorted(followers):
        if char in _COMMON and (code := _two_bytes(char)) is not None and code[0] == lead:
            yield char


def _lost_byte(text: str, anchor: int) -> Corruption | None:
    """``學;蜣k學``: a letter that is a GBK trail byte after one lost byte.

    It must complete the byte before it to a common character (蜣 ``F2 DE`` +
    k → 辦 ``DE 6B``) after garbage.  Never repaired: any lead byte may be lost.
    """
    pred = _two_bytes(text[anchor - 1])
    if pred is None or _decode(bytes((pred[1], ord(text[anchor])))) not in _COMMON:
        return None
    start = anchor
    while start > max(0, anchor - _MAX_SCAN) and _two_bytes(text[start - 1]) is not None and (
            _suspicious(text, start - 1)
            or (text[start - 1].isascii() and not text[start - 1].isalnum() and _is_cjk(text[start - 2:start - 1]))):
        start -= 1  # garbage, or ASCII punctuation folded from full width after CJK
    region = text[start:anchor]
    if not any((_is_cjk(c) and c not in _COMMON) or "\ue000" <= c <= "\uf8ff" for c in region):
        return None
    if log.isEnabledFor(logging.DEBUG):
        tail = b"".join(_two_bytes(c) or b"" for c in region) + text[anchor].encode("ascii")
        guesses = [d for lead in range(0x81, 0xFF) if (d := _decode(bytes((lead,)) + tail)) and _plausible(d)]
        log.debug("lost_byte at %d: %r, %d candidates: %s", start, text[start:anchor + 1], len(guesses), guesses)
    return _plain(text, start, anchor + 1, "lost_byte")
