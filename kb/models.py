"""Frozen records shared by every stage of the pipeline.

Offsets are character offsets into the *normalised* text of a document
(``Document.text``), half-open ``[start, end)``.  Every extracted fact keeps
the offsets of the words it was read from, so the UI can highlight them and
``kb.textedit`` can map them back to the raw text.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Span:
    """Evidence: where in the normalised text a fact was read from."""

    start: int
    end: int
    text: str


# --------------------------------------------------------------------------
# Regions
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Region:
    """An administrative division (GB/T 2260 code)."""

    code: str  # 6 digits
    name: str  # 普宁市
    level: str  # "province" | "prefecture" | "county"
    prefecture_code: str | None = None
    prefecture: str | None = None
    province_code: str | None = None
    province: str | None = None


# --------------------------------------------------------------------------
# Metadata
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class DocNumber:
    """发文字号 such as 普府办〔2022〕22号, or the number of an order (国令第712号) or announcement."""

    text: str  # as normalised: 普府办〔2022〕22号 (brackets → 〔〕, 第 and leading zeros dropped); 柳府令第21号
    prefix: str  # 普府办; 柳府令
    year: int | None  # 2022; None for orders and announcements, which carry no year
    seq: int  # 22
    start: int = -1
    end: int = -1
    printed: str | None = None  # as the page prints it (川教［２０２３］４５号, 遂政辦發(fā)〔2022〕36號(hào))
    kind: str = "doc_number"  # doc_number | order_number (…令第N号) | announcement_number (…公告第N号)


@dataclass(frozen=True)
class DatedField:
    """One kind of date found on the page: 成文日期, 发布时间, 公文生成日期 …"""

    kind: str  # signed | published | generated | printed | issued
    value: str  # ISO date "2022-12-12" or datetime "2023-01-28T19:10"
    label: str  # the words that named it (发布时间, 成文日期, signature line …)
    start: int
    end: int


@dataclass(frozen=True)
class Citation:
    """An upstream document cited as 《title》 optionally followed by (文号)."""

    title: str
    doc_number: str | None
    start: int
    end: int
    inner_title: str | None = None  # the 〈…〉 title nested inside, if any


@dataclass(frozen=True)
class Metadata:
    title: str | None  # the plan's own title
    notice_title: str | None  # 关于印发…的通知, when the page carries one
    doc_number: DocNumber | None
    issuers: tuple[str, ...]
    dates: tuple[DatedField, ...]
    region: Region | None
    citations: tuple[Citation, ...]
    index_no: str | None = None  # 索引号
    title_span: tuple[int, int] | None = None
    notice_title_span: tuple[int, int] | None = None
    issuer_spans: tuple[tuple[int, int], ...] = ()

    def date(self, kind: str) -> str | None:
        for d in self.dates:
            if d.kind == kind:
                return d.value
        return None


# --------------------------------------------------------------------------
# Structure
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Clause:
    """A structural unit of a plan: non-overlapping, in document order.

    ``path`` is the heading path, e.g. ("二", "(三)", "2"); the preamble has
    the empty path.  ``heading`` is the title words of the heading that opens
    the clause (without its number), or "" for unheaded text.
    """

    path: tuple[str, ...]
    heading: str
    start: int
    end: int
    kind: str  # "front" | "heading" | "item" | "appendix" | "table_row" | "back"
    text: str = field(default="", compare=False)
    # For table rows: (column name, start, end) for each cell, in order; a
    # column such as 责任单位 may hold several cells (one unit per line).
    cells: tuple[tuple[str, int, int], ...] = ()

    @property
    def path_str(self) -> str:
        return "/".join(self.path)


# --------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class CorruptedSpan:
    """A span of converter mojibake, in normalised-text offsets."""

    start: int
    end: int
    raw: str  # the corrupted characters as found (after NFKC)
    repaired: str | None  # the repair put into the text, or None when left as is
    shape: str  # "pinyin_shift" | "lost_byte" | "utf8_as_gbk" | "private_use" | "other"


# --------------------------------------------------------------------------
# Extraction
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Deadline:
    """When a target is due, as written and as a date."""

    end: str | None  # ISO date the target is due by (2025-12-31); None for open periods
    text: str  # the words: 到2025年, 2031年底前, 2023年起, “十四五”期间, 每年
    kind: str  # "by" | "in_year" | "start" | "period" | "stage_year"
    start: str | None = None  # ISO date a period or a start-only deadline begins
    span: tuple[int, int] | None = None  # offsets of ``text`` in the document
    inferred: bool = False  # scoped from a heading or the document goal, not the sentence


@dataclass(frozen=True)
class Target:
    """A quantitative commitment (or a dated milestone, or a standing standard)."""

    indicator: str  # the phrase as written, trimmed to the indicator
    stage: str | None  # 小学/初中/义务教育/学前/高中/特殊教育/职业教育/中小学
    comparator: str  # ">=" | ">" | "<=" | "<" | "=" | "~"
    value: float | tuple[float, float] | None  # ratios as a pair (1, 16)
    unit: str | None  # normalised: %, 人, 个, 所, 平方米, 元, 元/(生·年) …
    raw_value: str  # as written: 3万, 1:16, 11200万元, III
    deadline: Deadline | None
    kind: str  # "target" | "milestone" | "standard"
    modality: str | None  # 确保/力争/预计/计划/None
    cue: str  # the comparator words as written: 分别不低于, 达到…以上
    span: Span  # evidence: the words the target was read from
    indicator_id: str | None = None  # canonical id in the national taxonomy
    raw_unit: str | None = None  # the unit as written when normalised (万元)
    period: str | None = None  # "annual" | "per_semester" | … for recurring targets
    flags: tuple[str, ...] = ()  # respectively, distributed, indicator_elided …
    indicator_span: tuple[int, int] | None = None

    def with_indicator_id(self, indicator_id: str | None) -> "Target":
        """A copy with its indicator id set: ``dataclasses.replace`` re-runs ``__init__`` with every
        field, which is a measurable share of a build when every target gets its id."""
        new = object.__new__(Target)
        new.__dict__.update(self.__dict__, indicator_id=indicator_id)
        return new


@dataclass(frozen=True)
class Responsibility:
    """A unit named as responsible for a task."""

    unit: str  # canonical full name with the region: 普宁市人力资源和社会保障局
    unit_raw: str  # as written: 市人社局, 人社局, 市 残 联
    role: str | None  # "lead" | "co" | None when the document declares no rule
    lead_rule: str  # which rule decided the role (see kb.extract.units)
    span: Span  # the unit's words in the document
    form: str  # "trailing_paren" | "zeren_danwei_paren" | "label" | "prose" | "appendix_table"
    task_span: tuple[int, int] | None = None  # the task the unit is responsible for
    collective: bool = False  # 各镇(街道), 相关部门 …
