"""The normaliser: raw page text in, clean simplified plan text out.

Pure functions; this is the only module that imports OpenCC.  Stages, each
recorded in an :class:`~kb.textedit.EditLog` so that every span of the result
can be shown in its original form:

1. ``nfkc``      Unicode NFKC (full-width forms, NBSP, Ⅲ → III), control and
                 zero-width characters dropped.
   ``entities``  HTML entities the page failed to decode (``&nbsp;``, ``&sp;``)
                 removed, common named ones decoded.
2. ``pinyin``    converter annotations such as 內(nèi) removed when the syllable
                 is a reading of the character before it (:mod:`kb.artefacts`).
3. ``mojibake``  corrupted spans flagged; those whose GBK byte arithmetic
                 makes the repair certain are repaired, each repair logged.
4. ``t2s``       OpenCC ``t2s`` — only when the text is detected as
                 traditional — then the 著→着 phrases ``t2s`` leaves.
   ``tw_phrases`` on traditional text written in Taiwan's vocabulary (several
                 Taiwan-only words: 資訊, 軟體, 網路 …), those words in their
                 mainland form as OpenCC ``tw2sp`` writes them (信息, 软件, 网络);
                 ``tw2sp`` itself is never run on the text, for it rewrites
                 mainland words too (建立→创建, 指标→指针, 档案→文件).
5. ``dedupe``    a body the page repeats is kept once (:mod:`kb.chrome`).
6. ``chrome``    navigation, share widgets, footers … removed (:mod:`kb.chrome`).
7. ``layout``    lines stripped, runs of blank lines collapsed.
"""
from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

import opencc

from . import artefacts, chrome
from .models import CorruptedSpan
from .textedit import Edit, EditLog

log = logging.getLogger(__name__)

TRADITIONAL_SHARE = 0.05  # share of CJK characters that t2s would change

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_CONTROL = re.compile(r"[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u200b-\u200f\u2028\u2029\u2060\ufeff]")

# 著 that mainland text writes 着 (t2s keeps 著; tw2s over-converts 显著/原著).
_ZHE_PHRASES = (
    "著力", "著眼", "著重", "著手", "著想", "著落", "著陆", "著急", "著迷", "著装", "著火",
    "随著", "沿著", "围绕著", "意味著", "有著", "本著", "接著", "看著", "顺著", "朝著", "向著",
    "带著", "怀著", "跟著", "紧接著", "存在著", "发挥著", "承担著", "肩负著", "面临著", "伴随著",
    "保持著", "推动著", "影响著", "代表著", "标志著", "关系著", "决定著", "凝聚著", "蕴含著",
)
_ZHE = re.compile("|".join(sorted(_ZHE_PHRASES, key=len, reverse=True)))


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(s: str) -> str:
    """OpenCC t2s (for callers that must convert a query or a short string)."""
    return _t2s().convert(s)


# Taiwan-only words (as Taiwan writes them) that ``t2s`` leaves and ``tw2sp`` turns into the
# mainland word.  Words that are also mainland words are left out however Taiwan uses them:
# 檔案 (学籍档案), 資料 (资料), 影片, 線上, 訊息, 數位 alone (数位专家 = several experts).
_TW_WORDS = (
    "資訊", "資訊科技", "資訊素養", "軟體", "硬體", "韌體", "網路", "網際網路", "最佳化", "數位化", "數位學習",
    "伺服器", "資料庫", "螢幕", "滑鼠", "晶片", "部落格", "列印", "印表機", "介面", "程式設計", "應用程式",
    "演算法", "視訊", "寬頻", "頻寬", "筆記型電腦", "隨身碟", "作業系統", "人工智慧", "快閃記憶體",
)
# 品質 means 质量 in these compounds; tw2sp keeps 品質 (mainland 品质 is also "character, moral quality").
_TW_OWN = {
    "教育品質": "教育质量", "教學品質": "教学质量", "辦學品質": "办学质量", "學習品質": "学习质量",
    "服務品質": "服务质量", "品質保證": "质量保证",
}
TW_MIN_DISTINCT = 2  # distinct Taiwan-only words that make a text Taiwan-style


@lru_cache(maxsize=1)
def _tw2sp() -> opencc.OpenCC:
    return opencc.OpenCC("tw2sp")


@lru_cache(maxsize=1)
def tw_phrase_table() -> dict[str, str]:
    """Taiwan word in its ``t2s`` form → mainland word: ``tw2sp``'s reading of each
    listed word, kept only where it differs from ``t2s`` (plus the 品質 compounds)."""
    table = {}
    for word in _TW_WORDS:
        plain, mainland = _t2s().convert(word), _tw2sp().convert(word)
        if mainland != plain:
            table[plain] = mainland
    table.update({_t2s().convert(k): v for k, v in _TW_OWN.items()})
    return table


@lru_cache(maxsize=1)
def _tw_phrase_re() -> re.Pattern:
    return re.compile("|".join(map(re.escape, sorted(tw_phrase_table(), key=len, reverse=True))))


def _tw_phrase_edits(text: str) -> list[Edit]:
    """Taiwan words in their mainland form, when several distinct ones occur."""
    table = tw_phrase_table()
    found = list(_tw_phrase_re().finditer(text))
    if len({m.group(0) for m in found if m.group(0) in table}) < TW_MIN_DISTINCT:
        return []
    return [Edit(m.start(), m.end(), table[m.group(0)], "tw_phrase") for m in found]


@lru_cache(maxsize=1)
def _s2t() -> opencc.OpenCC:
    return opencc.OpenCC("s2t")


def to_traditional(s: str) -> str:
    """OpenCC s2t: only for making test and benchmark variants of simplified text."""
    return _s2t().convert(s)


@lru_cache(maxsize=1)
def _traditional_chars() -> re.Pattern:
    """A character class of the CJK characters that t2s changes on their own."""
    chars = "".join(chr(c) for c in range(0x3400, 0xA000))
    conv = _t2s().convert(chars)
    trad = "".join(a for a, b in zip(chars, conv) if a != b)
    return re.compile("[" + re.escape(trad) + "]")


@lru_cache(maxsize=1)
def _traditional_table() -> dict[int, None]:
    """A str.translate table deleting the traditional characters (a fast counter)."""
    return {ord(c): None for c in _traditional_chars().pattern[1:-1].replace("\\", "")}


def detect_script(text: str) -> str:
    """"traditional" when enough of the CJK characters are traditional forms.

    Reads a sample from the start, the middle and the end of long texts.
    """
    if len(text) > 4500:
        mid = len(text) // 2
        text = text[:1500] + text[mid - 750 : mid + 750] + text[-1500:]
    cjk = len(_CJK.findall(text))
    if not cjk:
        return "simplified"
    trad = len(text) - len(text.translate(_traditional_table()))
    return "traditional" if trad >= 3 and trad / cjk >= TRADITIONAL_SHARE else "simplified"


def fold_lookalikes(text: str) -> str:
    """Look-alike punctuation as documents are normalised (1∶20 → 1:20); for text that is already NFKC."""
    return text.translate(_FOLD)


def normalise_query(text: str) -> str:
    """Normalise a short string exactly as documents are normalised (NFKC, t2s when traditional)."""
    s = unicodedata.normalize("NFKC", text).translate(_FOLD)
    s = _CONTROL.sub("", s)
    if detect_script(s) == "traditional" or _traditional_chars().search(s):
        s = _ZHE.sub(lambda m: m.group(0).replace("著", "着"), to_simplified(s))
    return s


@dataclass(frozen=True)
class Normalised:
    raw: str
    text: str
    log: EditLog = field(compare=False)
    script: str  # of the raw text: "simplified" | "traditional"
    pinyin_removed: int
    duplicate_chars_removed: int
    chrome_chars_removed: int
    corrupted_spans: tuple[CorruptedSpan, ...]
    flags: tuple[str, ...]

    @property
    def converted_from_traditional(self) -> bool:
        return self.script == "traditional"

    def original(self, start: int, end: int) -> str:
        """The raw text behind a span of the normalised text."""
        a, b = self.log.to_raw(start, end)
        return self.raw[a:b]

    def report(self) -> dict:
        return {
            "pinyin_removed": self.pinyin_removed,
            "converted_from_traditional": self.converted_from_traditional,
            "duplicate_chars_removed": self.duplicate_chars_removed,
            "chrome_chars_removed": self.chrome_chars_removed,
            "corrupted_spans": [
                {"start": c.start, "end": c.end, "raw": c.raw, "repaired": c.repaired, "shape": c.shape}
                for c in self.corrupted_spans
            ],
        }


# --- stages -----------------------------------------------------------------


# Circled numbers ①–⑳ mark a heading level of their own; NFKC would turn them into digits.
_KEEP = set(range(0x2460, 0x2474))
# Look-alikes NFKC leaves alone but plans type for ASCII punctuation: the ratio sign in 1∶20, 5∶5
_FOLD = {0x2236: ":"}


@lru_cache(maxsize=1)
def _nfkc_unstable() -> re.Pattern:
    """A character class of what NFKC changes on its own (combining sequences, rare in
    these texts, are left as they are)."""
    ranges: list[list[int]] = []
    for cp in range(0x80, 0x30000):
        if cp in _KEEP or 0xD800 <= cp <= 0xDFFF:
            continue
        ch = chr(cp)
        if unicodedata.normalize("NFKC", ch) != ch:
            if ranges and ranges[-1][1] == cp - 1:
                ranges[-1][1] = cp
            else:
                ranges.append([cp, cp])
    ranges += [[cp, cp] for cp in _FOLD]
    cls = "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)
    controls = _CONTROL.pattern[1:-1]
    return re.compile(f"[{cls}{controls}]+")


def _nfkc_edits(text: str) -> list[Edit]:
    """NFKC character by character (so offsets stay exact), controls and zero-width dropped."""
    edits = []
    unstable = _nfkc_unstable()
    pos = 0
    for line in text.splitlines(keepends=True):
        if not (unicodedata.is_normalized("NFKC", line) and not _CONTROL.search(line)) or "\u2236" in line:
            for m in unstable.finditer(line):
                old = m.group(0)
                new = _CONTROL.sub("", unicodedata.normalize("NFKC", old)).translate(_FOLD)
                if new != old:
                    edits.append(Edit(pos + m.start(), pos + m.end(), new, "nfkc"))
        pos += len(line)
    return edits


def _char_diff(old: str, new: str, offset: int, reason: str) -> list[Edit]:
    """Edits turning ``old`` into ``new``: per character when possible, else one edit."""
    if len(old) == len(new):
        return [Edit(offset + i, offset + i + 1, b, reason) for i, (a, b) in enumerate(zip(old, new)) if a != b]
    # Length changed (NFKC expansions such as ㎡ → m2, dropped controls):
    # trim the common prefix and suffix and replace what is left.
    i = 0
    while i < min(len(old), len(new)) and old[i] == new[i]:
        i += 1
    j = 0
    while j < min(len(old), len(new)) - i and old[-1 - j] == new[-1 - j]:
        j += 1
    return [Edit(offset + i, offset + len(old) - j, new[i : len(new) - j], reason)]


def _t2s_edits(text: str) -> list[Edit]:
    edits = []
    pos = 0
    conv = _t2s()
    for line in text.splitlines(keepends=True):
        if _traditional_chars().search(line) or "著" in line:
            new = conv.convert(line)
            new = _ZHE.sub(lambda m: m.group(0).replace("著", "着"), new)
            edits.extend(_char_diff(line, new, pos, "t2s"))
        pos += len(line)
    return edits


def _layout_edits(text: str) -> list[Edit]:
    """Strip every line and keep at most one blank line between paragraphs."""
    edits = []
    pos = 0
    blank_run = 0
    lines = text.splitlines(keepends=True)
    seen_content = False
    for line in lines:
        body = line.rstrip("\r\n")
        nl = line[len(body) :]
        stripped = body.strip()
        if not stripped:
            blank_run += 1
            if blank_run > 1 or not seen_content:
                edits.append(Edit(pos, pos + len(line), "", "layout"))
            elif nl != "\n" or body:
                edits.append(Edit(pos, pos + len(line), "\n", "layout"))
        else:
            seen_content = True
            blank_run = 0
            lead = len(body) - len(body.lstrip())
            trail = len(body) - len(body.rstrip())
            if lead:
                edits.append(Edit(pos, pos + lead, "", "layout"))
            if trail or nl not in ("\n", ""):
                edits.append(Edit(pos + len(body) - trail, pos + len(line), "\n" if nl else "", "layout"))
        pos += len(line)
    # drop trailing blank lines and the final newline
    return edits


def normalise(raw: str) -> Normalised:
    """Run every stage on a page's raw text."""
    elog = EditLog()
    text = raw

    text = elog.run(text, "nfkc", _nfkc_edits(text))
    text = elog.run(text, "entities", (Edit(a, b, new, "entity") for a, b, new in artefacts.find_entities(text)))

    annotations = artefacts.find_pinyin_annotations(text, to_simplified)
    text = elog.run(text, "pinyin", (Edit(a.start, a.end, "", "pinyin") for a in annotations))

    corruptions = artefacts.find_corruptions(text)
    repairs = []
    for c in corruptions:
        if c.repaired is not None:
            log.info("repaired corrupted span %r -> %r", c.raw, c.repaired)
            repairs.append(Edit(c.start, c.end, c.repaired, "mojibake_repair"))
    mark = elog.mark()
    text = elog.run(text, "mojibake", repairs)
    # Positions of every corrupted span in the text after repair.
    shifted = []
    delta = 0
    for c in corruptions:
        new_len = len(c.repaired) if c.repaired is not None else c.end - c.start
        shifted.append((c, c.start + delta, c.start + delta + new_len))
        delta += new_len - (c.end - c.start)
    mark = elog.mark()

    script = detect_script(text)
    if script == "traditional":
        text = elog.run(text, "t2s", _t2s_edits(text))
        text = elog.run(text, "tw_phrases", _tw_phrase_edits(text))

    text = elog.run(text, "dedupe", chrome.duplicate_edits(text))
    text = elog.run(text, "chrome", chrome.chrome_edits(text))
    text = elog.run(text, "layout", _layout_edits(text))
    if text.endswith("\n"):
        text = elog.run(text, "layout", [Edit(len(text.rstrip("\n")), len(text), "", "layout")])

    spans = []
    for c, s, e in shifted:
        fs, fe = elog.forward(s, e, mark)
        if fe > fs:
            spans.append(CorruptedSpan(fs, fe, c.raw, c.repaired, c.shape))

    flags = []
    if script == "traditional":
        flags.append("traditional_script")
    if elog.count("tw_phrases"):
        flags.append("taiwan_vocabulary")
    if annotations:
        flags.append("mirror_suspect")
    if any(c.repaired is None for c in corruptions):
        flags.append("corrupted_text")
    dup = elog.chars_changed("dedupe")
    if dup:
        flags.append("duplicate_body")
    return Normalised(
        raw=raw,
        text=text,
        log=elog,
        script=script,
        pinyin_removed=len(annotations),
        duplicate_chars_removed=dup,
        chrome_chars_removed=elog.chars_changed("chrome"),
        corrupted_spans=tuple(spans),
        flags=tuple(flags),
    )


def normalise_text(raw: str) -> str:
    return normalise(raw).text
