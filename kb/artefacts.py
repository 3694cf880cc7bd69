"""Artefacts of a broken simplified→traditional web converter (DOMAIN.md §3).

Some mirror sites ran a dictionary converter over the *GBK bytes* of a page.
It appended a tone-marked reading after a fixed set of traditional characters
(``內`` → ``內(nèi)``) and, because it matched byte pairs at any offset, also
after pairs that straddle two characters.  Decoding then lost a byte and
desynchronised.  Three shapes result (text already NFKC-normalised):

* ``當?shù)卣…`` / ``向?qū)W生`` (``pinyin_shift``): the 2nd byte of the straddled
  pair was swallowed with ``(`` into ``?``; the characters after ``)`` are
  decoded one byte out of step until a byte below 0x80 resynchronises.
* ``學;蜣k學`` (``lost_byte``): a single byte lost, no pinyin; ambiguous.
* private-use code points (``private_use``) and U+FFFD (``other``).

Pure functions, no I/O.  This is the only module of the project that imports
:mod:`pypinyin`; the traditional→simplified converter is passed in.
"""
from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Iterator

from pypinyin import Style, pinyin
from pypinyin.pinyin_dict import pinyin_dict

log = logging.getLogger(__name__)

__all__ = ["Annotation", "Corruption", "find_pinyin_annotations", "find_corruptions",
           "ANNOTATED_CHARS", "STRADDLE_CHARS"]

#: The 34 characters the converter annotates wherever they occur in seed 004.
ANNOTATED_CHARS = "質區優發業規鄉養網統內創監構數經現協據態農聯調續權結鎮衛醫環節轉產穩"
#: Characters of the same converter table seen only through straddling byte
#: pairs: ``向?qū)W生`` is 向 ``CF F2`` + 學 ``8C 57`` read as 驅 ``F2 8C``.
STRADDLE_CHARS = ANNOTATED_CHARS + "驅"

_TONE_LETTERS = "a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
_PAREN_PINYIN_RE = re.compile(rf"\(([{_TONE_LETTERS}]{{1,7}})\)")
_ANNOTATION_RE = re.compile(rf"(?<=[\u3400-\u9fff]){_PAREN_PINYIN_RE.pattern}")
# "?" (the site's decoder: one "?" for the bad pair, "(" swallowed) or U+FFFD
# (Python's errors="replace": "(" kept).
_ORPHAN_RE = re.compile(rf"(?:\?|\ufffd\(?)([{_TONE_LETTERS}]{{1,7}})\)")
# "X" + "(pinyin)" after CJK: the straddled pair ended in an ASCII byte, no desync.
_LETTER_ORPHAN_RE = re.compile(rf"(?<=[\u3400-\u9fff])[\x40-\x7e]\(([{_TONE_LETTERS}]{{1,7}})\)")
_DAMAGE_RE = re.compile(r"[?\ufffd\ue000-\uf8ff]")
_PUA_RE = re.compile(r"[\ue000-\uf8ff]+")
_FFFD_RE = re.compile(r"\ufffd+")
# A single ASCII letter glued between CJK: a GBK trail byte read on its own.
_GLUED_LETTER_RE = re.compile(r"(?<=[\u3400-\u9fff\ue000-\uf8ff;:,.!])[A-Za-z](?=[\u3400-\u9fff])")

_MAX_SCAN = 48  # characters after ")" searched for resynchronisation
_MAX_BRANCHES = 2000  # re-encodings tried per corrupted stretch
_MAX_FOLD = 4  # longest NFKC expansion of a GBK character ("(10)", "VIII")
_NATURAL_WINDOW = 4  # characters after a stretch that must read as normal text
_CORROBORATION_WINDOW = 50_000  # characters either side searched for a word
_PUNCT = frozenset("，。、；：？！“”‘’（）《》〈〉【】「」『』—…·％,.;:!()%-—\"'"
                   + "".join(chr(c) for c in range(0xFF10, 0xFF1A)) + "0123456789 ")
_SHAPE_RANK = {"pinyin_shift": 0, "lost_byte": 1, "private_use": 2, "other": 3}


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
    shape: str  # "pinyin_shift" | "lost_byte" | "private_use" | "other"


# --------------------------------------------------------------------------
# Character data
# --------------------------------------------------------------------------


@lru_cache(maxsize=None)
def _readings(char: str) -> frozenset[str]:
    """Tone-marked readings of one character according to pypinyin."""
    if not ("\u3400" <= char <= "\u9fff"):
        return frozenset()
    return frozenset(pinyin(char, style=Style.TONE, heteronym=True)[0])


@lru_cache(maxsize=1)
def _all_syllables() -> frozenset[str]:
    """Every tone-marked syllable pypinyin knows (to tell pinyin from words)."""
    return frozenset(s for v in pinyin_dict.values() for s in v.split(","))


@lru_cache(maxsize=1)
def _common_chars() -> frozenset[str]:
    """GB2312 level 1 (3,755 simplified) ∪ Big5 level 1 (5,401 traditional)."""
    chars: set[str] = set()
    blocks = [("gb2312", range(0xB0, 0xD8), range(0xA1, 0xFF)),
              ("big5", range(0xA4, 0xC6), [*range(0x40, 0x7F), *range(0xA1, 0xFF)]),
              ("big5", range(0xC6, 0xC7), range(0x40, 0x7F))]
    for codec, leads, trails in blocks:
        for lead in leads:
            for trail in trails:
                try:
                    chars.add(bytes((lead, trail)).decode(codec))
                except UnicodeDecodeError:
                    pass
    return frozenset(chars)


@lru_cache(maxsize=1)
def _known_chars() -> frozenset[str]:
    """Every CJK character of GB2312 or Big5: real text, if perhaps rare.

    A re-decoding is kept as a candidate while it reads as known characters;
    it is accepted only if it is the one candidate and reads as common ones.
    """
    chars: set[str] = set()
    for codec, leads, trails in (("gb2312", range(0xB0, 0xF8), range(0xA1, 0xFF)),
                                 ("big5", range(0xA4, 0xFA), [*range(0x40, 0x7F), *range(0xA1, 0xFF)])):
        for lead in leads:
            for trail in trails:
                try:
                    chars.add(bytes((lead, trail)).decode(codec))
                except UnicodeDecodeError:
                    pass
    return frozenset(c for c in chars if _is_cjk(c)) | _common_chars()


@lru_cache(maxsize=1)
def _straddle_table() -> dict[int, tuple[tuple[str, int], ...]]:
    """GBK lead byte → (character, trail byte) for the converter's table."""
    table: dict[int, list[tuple[str, int]]] = {}
    for char in STRADDLE_CHARS:
        lead, trail = char.encode("gbk")
        table.setdefault(lead, []).append((char, trail))
    return {lead: tuple(v) for lead, v in table.items()}


@lru_cache(maxsize=8192)
def _two_bytes(char: str) -> bytes | None:
    """The 2-byte GB18030 code of ``char`` (ASCII unfolded to full width)."""
    if "\u0021" <= char <= "\u007e":
        char = chr(ord(char) + 0xFEE0)  # undo NFKC: ";" was "；"
    elif char == " ":
        char = "\u3000"
    try:
        code = char.encode("gb18030")
    except UnicodeEncodeError:
        return None
    return code if len(code) == 2 else None


def _decode(code: bytes | bytearray) -> str | None:
    try:
        return bytes(code).decode("gb18030")
    except UnicodeDecodeError:
        return None


def _is_cjk(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff"


def _plausible(text: str, chars: frozenset[str] | None = None) -> bool:
    """Only common (or the given) CJK characters and ordinary punctuation."""
    chars = _common_chars() if chars is None else chars
    return all(c in chars or c in _PUNCT for c in text)


def _suspicious(text: str, i: int) -> bool:
    """Is ``text[i]`` typical of desynchronised decoding?"""
    char = text[i]
    if _is_cjk(char):
        return char not in _common_chars()
    if "\ue000" <= char <= "\uf8ff" or char in "\ufffd?":
        return True
    if char.isascii() and char.isalpha():  # a letter glued between CJK
        return 0 < i < len(text) - 1 and _is_cjk(text[i - 1]) and _is_cjk(text[i + 1])
    return False


def _desync_char(text: str, i: int) -> bool:
    """Suspicious, or ASCII punctuation after CJK (a folded full-width form)."""
    char = text[i]
    if _suspicious(text, i):
        return True
    return char.isascii() and not char.isalnum() and not char.isspace() and i > 0 and _is_cjk(text[i - 1])


def _natural_after(text: str, i: int) -> bool:
    """Does normal text follow offset ``i`` (up to the end of the line)?"""
    for j in range(i, min(len(text), i + _NATURAL_WINDOW)):
        if text[j] in "\r\n":
            break
        if _suspicious(text, j):
            return False
    return True


# --------------------------------------------------------------------------
# Annotations
# --------------------------------------------------------------------------


def find_pinyin_annotations(text: str, to_simplified: Callable[[str], str] | None = None) -> list[Annotation]:
    """Annotations ``字(pīnyīn)`` whose syllable is a reading of the character.

    The syllable must be a pypinyin reading of the character before ``(`` or,
    when ``to_simplified`` is given, of its simplified form.  Real parentheses
    (``(市教育局)``, ``(一)``, ``教育(education)``) are never matched.
    """
    if not isinstance(text, str) or "(" not in text:
        return []
    simplified: dict[str, frozenset[str]] = {}
    found = []
    for m in _ANNOTATION_RE.finditer(text):
        char, syllable = text[m.start() - 1], m.group(1)
        ok = syllable in _readings(char)
        if not ok and to_simplified is not None:
            if char not in simplified:
                simplified[char] = _simplified_readings(char, to_simplified)
            ok = syllable in simplified[char]
        if ok:
            found.append(Annotation(m.start(), m.end(), char, syllable))
    return found


def _simplified_readings(char: str, to_simplified: Callable[[str], str]) -> frozenset[str]:
    try:
        simple = to_simplified(char)
    except Exception:  # a faulty converter must not break normalisation
        log.warning("to_simplified failed on %r", char, exc_info=True)
        return frozenset()
    if not isinstance(simple, str) or len(simple) != 1:
        return frozenset()
    return _readings(simple)


# --------------------------------------------------------------------------
# Corruptions
# --------------------------------------------------------------------------


def find_corruptions(text: str) -> list[Corruption]:
    """Corrupted stretches, sorted and non-overlapping.

    Call it after the legitimate annotations (:func:`find_pinyin_annotations`)
    have been deleted; annotations left in place are not reported.
    """
    if not isinstance(text, str) or not text:
        return []
    found: list[Corruption] = []
    orphans: list[tuple[int, Callable[..., Corruption | None], re.Match[str]]] = []
    if "?" in text or "\ufffd" in text:
        orphans += ((m.start(), _pinyin_shift, m) for m in _ORPHAN_RE.finditer(text) if m.group(1) in _all_syllables())
        found += (_plain(text, m.start(), m.end(), "other") for m in _FFFD_RE.finditer(text))
    if "(" in text:
        orphans += ((m.start(), _letter_orphan, m) for m in _LETTER_ORPHAN_RE.finditer(text))
    clean_from = 0  # a host character before this offset may be garbage
    for _, analyse, m in sorted(orphans, key=lambda o: o[0]):
        corruption = analyse(text, m, clean_from)
        if corruption is not None:
            found.append(corruption)
            clean_from = corruption.end if corruption.repaired is not None else clean_from
    found += (_plain(text, m.start(), m.end(), "private_use") for m in _PUA_RE.finditer(text))
    for m in _GLUED_LETTER_RE.finditer(text):
        corruption = _lost_byte(text, m.start())
        if corruption is not None:
            found.append(corruption)
    return _resolve(text, found)


def _plain(text: str, start: int, end: int, shape: str) -> Corruption:
    return Corruption(start, end, text[start:end], None, shape)


def _resolve(text: str, found: list[Corruption]) -> list[Corruption]:
    """Drop stretches inside another; merge partial overlaps (unrepaired)."""
    found.sort(key=lambda c: (c.start, -c.end, _SHAPE_RANK[c.shape]))
    out: list[Corruption] = []
    for c in found:
        if out and c.start < out[-1].end:
            last = out.pop()
            if c.end <= last.end:
                out.append(last)
                continue
            shape = min(last.shape, c.shape, key=_SHAPE_RANK.__getitem__)
            c = _plain(text, last.start, c.end, shape)
        out.append(c)
    return out


def _pinyin_shift(text: str, m: re.Match[str], clean_from: int) -> Corruption:
    """Delimit (and if certain, repair) the stretch around an orphan pinyin."""
    q, after, syllable = m.start(), m.end(), m.group(1)
    has_host = q > 0 and _is_cjk(text[q - 1]) and _two_bytes(text[q - 1]) is not None
    start = q - 1 if has_host else q
    matches = _straddled(text[q - 1], -1, syllable) if has_host else []
    if len(matches) == 1 and not _damaged_before(text, start, clean_from):
        char, lost = matches[0]
        repair = _resync(text, start, after, lost)
        if repair is not None:
            end, decoded = repair
            repaired = unicodedata.normalize("NFKC", text[start] + decoded)
            tail = _PAREN_PINYIN_RE.match(text, end)  # an aligned annotation right after resync
            if tail and tail.group(1) in _readings(repaired[-1]):
                end = tail.end()
            log.info("pinyin_shift at %d: %r -> %r (lost byte %02X of %s)",
                     start, text[start:end], repaired, lost, char)
            return Corruption(start, end, text[start:end], repaired, "pinyin_shift")
    log.info("pinyin_shift at %d not repaired (%d table characters match %r)", start, len(matches), syllable)
    return _plain(text, start, _garbage_end(text, after), "pinyin_shift")


def _straddled(host: str, trail: int, syllable: str) -> list[tuple[str, int]]:
    """Table characters whose GBK code is (last byte of ``host``, ``trail``)."""
    code = _two_bytes(host) if _is_cjk(host) else None
    if code is None:
        return []
    return [(c, t) for c, t in _straddle_table().get(code[1], ())
            if (trail < 0 or t == trail) and syllable in _readings(c)]


def _letter_orphan(text: str, m: re.Match[str], clean_from: int) -> Corruption | None:
    """``X(pinyin)`` after CJK where ``X`` is the 2nd byte of the straddled pair.

    Certain only after clean text: after an unrepaired desynchronised stretch
    the same bytes are an aligned annotation (``嘲l(fā)`` = ``?`` + ``發(fā)``).
    """
    start, letter = m.start() - 1, text[m.start()]
    if len(_straddled(text[start], ord(letter), m.group(1))) != 1:
        return None
    damaged = _damaged_before(text, start, clean_from) or text[start] not in _common_chars()
    repaired = None if damaged else text[start] + letter
    log.info("pinyin_shift at %d: %r -> %r", start, text[start:m.end()], repaired)
    return Corruption(start, m.end(), text[start:m.end()], repaired, "pinyin_shift")


def _damaged_before(text: str, start: int, clean_from: int) -> bool:
    """Is there unrepaired damage shortly before ``start`` on its line?

    Then the host character may be garbage of that damage, and an aligned
    annotation seen through it looks like a straddled one (``逡?guī)``).
    """
    line_start = text.rfind("\n", 0, start) + 1
    lo = max(line_start, clean_from, start - _MAX_SCAN)
    return lo < start and _DAMAGE_RE.search(text, lo, start) is not None


def _garbage_end(text: str, i: int) -> int:
    """End of the run of desynchronised characters starting at ``i``."""
    end = i
    for j in range(i, min(len(text), i + _MAX_SCAN)):
        if text[j] in "\r\n" or (not _suspicious(text, j) and _natural_after(text, j)):
            break
        if _suspicious(text, j):
            end = j + 1
    return end


def _resync(text: str, start: int, after: int, lost: int) -> tuple[int, str] | None:
    """Re-decode the characters after ``)`` with the lost byte put back.

    Every way of re-encoding them is tried (NFKC-folded characters have several
    GBK originals: ``U`` ← ``Ｕ``, ``III`` ← ``Ⅲ`` or ``ＩＩＩ`` …).  A branch
    ends where it resynchronises — a byte below 0x80 — or where its decoding
    turns to garbage.  Returns ``(end, decoded)`` when exactly one
    resynchronisation gives plausible text followed by normal text.  Only when
    there is none, a second lost byte is accepted: a dangling lead byte whose
    trail is the only one making a word found elsewhere in the document.
    """
    limit = min(len(text), after + _MAX_SCAN)
    clean: set[tuple[int, str]] = set()
    lossy: set[tuple[int, str]] = set()
    undecided = False
    stack = [(after, bytes((lost,)))]
    for _ in range(_MAX_BRANCHES):
        if not stack:
            break
        i, buf = stack.pop()
        if i >= limit or text[i] in "\r\n":
            undecided |= i < len(text) and text[i] not in "\r\n"  # window too short
            continue
        if text[i] in "?\ufffd":  # the decoder dropped bytes here as well
            undecided = True
            continue
        if "\u0040" <= text[i] <= "\u007e":  # a real trail byte: resynchronised
            _add_if_plausible(clean, text, i + 1, buf + text[i].encode("ascii"))
        for width, code in _originals(text, i):
            nxt = buf + code
            if nxt[-1] < 0x80:  # a GBK character ending below 0x80: resynchronised
                _add_if_plausible(clean, text, i + width, nxt)
                continue
            prefix = _decode(nxt[:-1])
            if prefix is None or not _plausible(prefix, _known_chars()):
                continue  # garbage: this branch is wrong
            if _natural_after(text, i + width) and _plausible(prefix):
                prev = (text[start] + prefix)[-1]
                lossy.update((i + width, prefix + c) for c in _completions(text, start, i + width, prev, nxt[-1]))
            stack.append((i + width, nxt))
    else:
        undecided = True
    if undecided or len(clean) > 1:
        return None
    if clean:
        end, decoded = clean.pop()
        return (end, decoded) if _plausible(decoded) else None
    if len(lossy) == 1:
        log.info("pinyin_shift at %d: a second byte was lost; completed from the document's own words", start)
        return lossy.pop()
    return None


def _add_if_plausible(found: set[tuple[int, str]], text: str, end: int, code: bytes) -> None:
    """Record a resynchronisation whose text is made of known characters."""
    decoded = _decode(code)
    if decoded is not None and _plausible(decoded, _known_chars()) and _natural_after(text, end):
        found.add((end, decoded))


@lru_cache(maxsize=1)
def _nfkc_originals() -> dict[str, tuple[bytes, ...]]:
    """NFKC form → the 2-byte GBK codes of the characters that fold to it."""
    table: dict[str, list[bytes]] = {}
    for lead in range(0x81, 0xFF):
        for trail in (*range(0x40, 0x7F), *range(0x80, 0xFF)):
            code = bytes((lead, trail))
            char = _decode(code)
            if char is not None and (folded := unicodedata.normalize("NFKC", char)) != char:
                table.setdefault(folded, []).append(code)
    return {k: tuple(v) for k, v in table.items()}


def _originals(text: str, i: int) -> list[tuple[int, bytes]]:
    """(characters consumed, GBK code) for each way ``text[i:]`` can start."""
    options = []
    try:
        code = text[i].encode("gb18030")
        if len(code) == 2:
            options.append((1, code))
    except UnicodeEncodeError:
        pass
    table = _nfkc_originals()
    for width in range(1, _MAX_FOLD + 1):
        options += ((width, code) for code in table.get(text[i:i + width], ()))
    return options


def _completions(text: str, start: int, end: int, prev: str, lead: int) -> Iterator[str]:
    """Common characters ``lead``+trail that follow ``prev`` elsewhere in the text."""
    if not 0x81 <= lead <= 0xFE:
        return
    followers = set()
    for lo, hi in ((max(0, start - _CORROBORATION_WINDOW), start), (end, end + _CORROBORATION_WINDOW)):
        hi = min(hi, len(text)) - 1
        j = text.find(prev, lo, hi)
        while j != -1:
            followers.add(text[j + 1])
            j = text.find(prev, j + 1, hi)
    for char in sorted(followers):
        if char in _common_chars() and (code := _two_bytes(char)) is not None and code[0] == lead:
            yield char


def _lost_byte(text: str, anchor: int) -> Corruption | None:
    """``學;蜣k學``: a letter that is a GBK trail byte after one lost byte."""
    pred = _two_bytes(text[anchor - 1])
    if pred is None or _decode(bytes((pred[1], ord(text[anchor])))) not in _common_chars():
        return None
    start = anchor
    while start > 0 and _two_bytes(text[start - 1]) is not None and _desync_char(text, start - 1):
        start -= 1
    region = text[start:anchor]
    if not any(_is_cjk(c) and c not in _common_chars() or "\ue000" <= c <= "\uf8ff" for c in region):
        return None
    if log.isEnabledFor(logging.DEBUG):
        tail = b"".join(_two_bytes(c) or b"" for c in region) + text[anchor].encode("ascii")
        candidates = [d for lead in range(0x81, 0xFF)
                      if (d := _decode(bytes((lead,)) + tail)) is not None and _plausible(d)]
        log.debug("lost_byte at %d: %r, %d candidate lead bytes: %s", start, text[start:anchor + 1],
                  len(candidates), candidates[:10])
    return _plain(text, start, anchor + 1, "lost_byte")
