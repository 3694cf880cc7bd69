"""Word segmentation: the only module that imports jieba (and rjieba).

The project uses a tokenizer of its own (never jieba's global one), initialised lazily once per
process, with a user dictionary generated from the indicator taxonomy, the responsible-unit names and
a list of policy terms, so that 控辍保学, 师生比 or 县管校聘 come out as one word.

The tokenizer is **rjieba** (the Rust jieba-rs, with jieba's dictionary) when it is installed, and
jieba itself otherwise: rjieba cuts ~9× faster, which matters for indexing a million clauses, and its
cuts agree with jieba's with the same user dictionary (identical on 30,000 clauses of the benchmark
corpus and on every clause of the seed plans: ``tests/test_segment.py`` checks the latter whenever
both are installed).  ``POLICYKB_SEGMENTER=jieba`` forces jieba.

Segmentation serves ranking only; recall never depends on it (the search
index guarantees substring recall with character n-grams).
"""
from __future__ import annotations

import json
import logging
import os
import re
import threading
from functools import lru_cache
from importlib import resources

# Policy terms that stock jieba splits or that researchers search as a unit.
POLICY_TERMS: tuple[str, ...] = (
    "控辍保学", "师生比", "生师比", "送教上门", "县管校聘", "集团化办学", "交流轮岗", "随迁子女", "大班额", "大校额",
    "优质均衡", "基本均衡", "普及普惠", "公办园", "普惠性民办园", "普惠性幼儿园", "双减", "课后服务", "五育并举",
    "五项管理", "学位扩容", "学位供给", "教育集团", "教共体", "城乡教育共同体", "紧密型教育共同体", "名校长",
    "名班主任", "名师工作室", "骨干教师", "乡村教师", "特岗教师", "银龄讲学", "教师编制", "编制总量",
    "中小学教师", "专任教师", "生均公用经费", "生均经费", "义务教育", "学前教育", "特殊教育", "融合教育",
    "随班就读", "残疾儿童", "留守儿童", "适龄儿童", "入园率", "毛入园率", "巩固率", "毛入学率", "入学率",
    "小规模学校", "寄宿制学校", "乡镇寄宿制学校", "薄弱学校", "标准化学校", "智慧校园", "教育信息化",
    "教育督导", "责任督学", "挂牌督导", "督导评估", "办学条件", "办学行为", "校外培训", "作业负担",
    "课后延时服务", "劳动教育", "美育", "体育锻炼", "心理健康教育", "近视防控", "体质健康", "家校共育",
    "家庭教育", "职业教育", "中职学校", "普通高中", "高中阶段", "多样化发展", "教育评价改革", "县域内",
    "以县为主", "就近入学", "划片招生", "公民同招", "民办学校", "公办学校", "校长职级制", "县级以上",
    "区域内", "校际差距", "城乡差距", "教育经费", "财政投入", "教育现代化", "高质量发展", "示范区",
    "优质均衡发展县", "进城务工人员", "居住证", "积分入学",
)

#: a run of characters jieba cuts on its own (jieba's ``re_han_default``); text between runs is cut apart
_RUN = re.compile(r"([\u4E00-\u9FD5a-zA-Z0-9+#&\._%\-]+)", re.U)
_CJK_WORD = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff]{2,8}$")
_SKIP = re.compile(r"\s+")

_lock = threading.Lock()
_tokenizer = None


def _taxonomy_words() -> list[str]:
    from . import taxonomy

    words: list[str] = []
    for ind in taxonomy.indicators():
        words += [ind.name, *ind.aliases, *ind.stage_aliases]
    return words


def _unit_words() -> list[str]:
    raw = resources.files("kb").joinpath("data/unit_aliases.json").read_text(encoding="utf-8")
    data = json.loads(raw)
    words: list[str] = []
    for key in ("departments", "party"):
        for alias, full in data.get(key, {}).items():
            words += [alias, full]
    words += list(data.get("youth_league", ())) + list(data.get("zones", ()))
    return words


@lru_cache(maxsize=1)
def user_words() -> tuple[str, ...]:
    """The user dictionary: CJK words of 2–8 characters from the policy-term
    list, the indicator taxonomy and the unit names (long official indicator
    wordings are left out: as single words they would hide their parts)."""
    out: dict[str, None] = {}
    for w in (*POLICY_TERMS, *_taxonomy_words(), *_unit_words()):
        w = w.strip()
        if _CJK_WORD.match(w):
            out.setdefault(w, None)
    return tuple(out)


def userdict_text() -> str:
    """The user dictionary in jieba's file format (``word freq`` per line)."""
    return "".join(f"{w} {_freq(w)}\n" for w in user_words())


def _freq(word: str) -> int:
    # High enough to win against stock splits, growing with length so that a
    # longer dictionary word beats its own prefix.
    return 20000 * len(word)


class _Rjieba:
    """rjieba behind jieba's ``tokenize`` signature."""

    def __init__(self):
        import rjieba

        self._jieba = rjieba.Jieba()
        for w in user_words():
            self._jieba.add_word(w, _freq(w), None)

    def tokenize(self, text: str, mode: str = "default", HMM: bool = True):  # noqa: N803 - jieba's name
        return self._jieba.tokenize(text, mode, HMM)


def _jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    logging.getLogger("jieba").setLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    tk.initialize()
    for w in user_words():
        tk.add_word(w, _freq(w))
    return tk


def segmenter_name() -> str:
    """Which tokenizer this process uses: ``rjieba`` or ``jieba``."""
    return "rjieba" if isinstance(_get(), _Rjieba) else "jieba"


def _get(name: str | None = None):
    """The process's tokenizer (``name``: a fresh one of that kind, for comparing them)."""
    global _tokenizer
    if name is not None:
        return _Rjieba() if name == "rjieba" else _jieba()
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                tk = None
                if os.environ.get("POLICYKB_SEGMENTER", "").strip().lower() != "jieba":
                    try:
                        tk = _Rjieba()
                    except ImportError:
                        tk = None
                _tokenizer = tk or _jieba()
    return _tokenizer


def warm() -> None:
    """Load the dictionary now (e.g. before forking writer processes)."""
    _get()


def tokens(text: str) -> list[tuple[str, int, int]]:
    """Words of ``text`` with their character offsets ``(word, start, end)``;
    whitespace is dropped, everything else (punctuation included) is kept."""
    tk = _get()
    return [(w, s, e) for w, s, e in tk.tokenize(text, HMM=False) if not _SKIP.fullmatch(w)]


def words(text: str) -> list[str]:
    """Just the words of :func:`tokens`."""
    return [w for w, _, _ in tokens(text)]


def index_tokens(text: str) -> list[tuple[str, int, int]]:
    """Words for the search index and for query scoring: jieba's search mode
    (a long word and its dictionary sub-words), whitespace dropped."""
    tk = _get()
    return [(w, s, e) for w, s, e in tk.tokenize(text, mode="search", HMM=False) if not _SKIP.fullmatch(w)]


_memo: dict[str, list[str]] = {}
MEMO_SIZE = 200_000  # distinct blocks remembered by index_words


def index_words(text: str) -> list[str]:
    """The lower-cased words of :func:`index_tokens` (no offsets), for
    building the index.  jieba segments every run of Han/alphanumeric
    characters on its own, so the words are computed run by run and each
    distinct run is remembered (policy texts repeat phrases and punctuation;
    cutting by runs gives rjieba's cuts of the whole text too)."""
    tk = _get()
    out: list[str] = []
    for block in _RUN.split(text):
        if not block:
            continue
        got = _memo.get(block)
        if got is None:
            if len(_memo) >= MEMO_SIZE:
                _memo.clear()
            got = _memo[block] = [w.lower() for w, _, _ in tk.tokenize(block, mode="search", HMM=False)
                                  if not _SKIP.fullmatch(w)]
        out += got
    return out
