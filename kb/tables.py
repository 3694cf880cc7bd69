"""Reconstruct appendix tables that arrive flattened, one cell per line.

Web pages of plans often carry a responsibility table (职责分解表, 任务清单)
whose HTML was flattened to text: the header cells, then for every row a row
number line, the content cells and one line per responsible unit.  Merged
category cells arrive as vertical text (one character per line, sometimes with
a character lost) or as a short line, and row numbers restart per category.

The rule is general, not tied to one page:

* a run of at least two short header lines (no digits or sentence
  punctuation) directly before a line holding only the number 1 gives the
  columns (spaces removed: ``评 估 内 容`` → ``评估内容``);
* a line holding only 1 or the previous row number + 1 starts a row;
* inside a row, the leading lines that are not unit-shaped fill the content
  columns (the columns before the unit column), unit-shaped lines fill the
  unit column (责任单位/牵头单位/责任部门 …) one cell per unit (several units
  on a line are separated by runs of spaces; a name broken across two lines is
  joined), and later lines that are not units fill the columns after it
  (备注, 完成时限 …);
* lines before a restart that are not units (a vertical run of single
  characters, or a short label) name the next category; a truncated label is
  completed by suffix match against the dimension names of the national
  evaluation schemes, and a category without a label is inferred from the
  canonical order of the scheme when that is unambiguous, else ``类别N``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple, Sequence

#: Dimensions of the national county evaluation schemes, in canonical order.
SCHEMES: dict[str, tuple[str, ...]] = {
    # 《县域义务教育优质均衡发展督导评估办法》(教督〔2017〕6号)
    "义务教育优质均衡": ("资源配置", "政府保障程度", "教育质量", "社会认可度", "一票否决"),
    # 《县域学前教育普及普惠督导评估办法》(教督〔2020〕1号)
    "学前教育普及普惠": ("普及普惠水平", "政府保障情况", "幼儿园保教质量保障情况", "社会认可度"),
}


class Line(NamedTuple):
    """A non-blank line: ``s == text[start:end]``, surrounding whitespace stripped."""

    start: int
    end: int
    s: str


@dataclass(frozen=True)
class Row:
    """One reassembled table row."""

    category: str | None  # None when the table has a single, unlabelled category
    number: str  # the row number as written
    start: int  # offset of the row, or of the category label that precedes it
    end: int
    heading: str  # the first content cell up to its first colon or 。 when short, else ""
    cells: tuple[tuple[str, int, int], ...]  # (column, start, end)


@dataclass(frozen=True)
class Table:
    header_index: int  # index (into the lines given) of the first header cell
    columns: tuple[str, ...]
    rows: tuple[Row, ...]


_ROWNUM = re.compile(r"(\d{1,3})[.、]?")
_SPACES = re.compile(r"\s+")
_PART = re.compile(r"\S+(?: \S+)*")  # parts of a line separated by runs of 2+ spaces
_SENTENCE = re.compile(r"[。;:!?,,;:]")
_HEADER_BAD = re.compile(r"[\d。;:!?,、()《》“”\"]|(表|清单|名单|一览)$")
_SEQ_COL = re.compile(r"(序号|编号|序|号)")
_UNIT_COL = re.compile(r"单位|部门|责任人|牵头|配合|主体")
_KNOWN_COL = re.compile(r"单位|部门|内容|任务|措施|指标|序号|备注|时限|项目|^年度$|^年份$")
_UNIT_END = re.compile(
    r"(局|委|办|联|部|院|厅|处|队|站|所|校|园|社|会|团|组|室|馆|中心|街道|镇|乡|区|县|市|政府|公司|集团|等|\))$"
)
_ORG_WORD = re.compile(r"局|委|办|政府|单位|部门|企业|学校|机构|中心|协会|街道|乡镇|公司")
_CJK = re.compile(r"[\u3400-\u9fff]")
_NEW_UNIT = re.compile(r"[省市县区州旗乡镇各]")  # a line that opens with a level starts a unit name of its own
_CELL_END = re.compile(r"[。;;]|(?<!\d)[::]|[::](?!\d)")


def _squash(s: str) -> str:
    return _SPACES.sub("", s)


def _rownum(s: str) -> int | None:
    m = _ROWNUM.fullmatch(s)
    return int(m.group(1)) if m else None


def _parts(s: str) -> list[tuple[int, int]]:
    """Spans of the unit names on a line: split on runs of 2+ spaces unless that leaves single characters."""
    parts = [(m.start(), m.end()) for m in _PART.finditer(s)]
    if len(parts) > 1 and any(b - a == 1 for a, b in parts):  # 市  残  联
        return [(0, len(s))]
    return parts


def _unit_name(s: str) -> bool:
    q = _squash(s)
    return len(q) <= 20 and bool(_UNIT_END.search(q)) and not _SENTENCE.search(q)


def _is_unit(s: str) -> bool:
    """A line of one or more unit names (市教育局, 市 残 联, 各镇(街道)、东部新区, 、东部新区)."""
    if s[:1] in "、,":
        return True
    if _SENTENCE.search(s) or any(ch.isdigit() for ch in s):
        return False
    return all(_unit_name(s[a:b]) for a, b in _parts(s))


def _dimension(label: str) -> tuple[str, dict[str, int]]:
    """The name to use for a category label and its index in each scheme that knows it.

    An exact name, or a label that starts with a name (社会认可度调查), is kept as
    written; a truncated label (府保障程度) is completed by a unique suffix match.
    """
    found = {k: i for k, dims in SCHEMES.items() for i, d in enumerate(dims)
             if d == label or (len(d) >= 4 and label.startswith(d))}
    if found or len(label) < 2:
        return label, found
    names = {d for dims in SCHEMES.values() for d in dims if d.endswith(label)}
    if len(names) != 1:
        return label, {}
    name = names.pop()
    return name, {k: dims.index(name) for k, dims in SCHEMES.items() if name in dims}


def _name_categories(labels: Sequence[str | None]) -> list[str]:
    """Names for the categories of a table: completed labels, inferred gaps, else 类别N."""
    resolved = [_dimension(lab) if lab else None for lab in labels]
    votes: dict[str, int] = {}
    for r in resolved:
        for k in r[1] if r else ():
            votes[k] = votes.get(k, 0) + 1
    top = [k for k, v in votes.items() if v == max(votes.values())] if votes else []
    names = [r[0] if r else "" for r in resolved]
    if len(top) == 1:
        dims = SCHEMES[top[0]]
        idx = [r[1].get(top[0]) if r else None for r in resolved]
        i = 0
        while i < len(labels):
            if labels[i]:
                i += 1
                continue
            j = i
            while j < len(labels) and not labels[j]:
                j += 1
            lo = idx[i - 1] if i > 0 else -1
            hi = idx[j] if j < len(labels) else len(dims)
            if lo is not None and hi is not None and hi - lo - 1 == j - i:
                for k in range(i, j):
                    names[k] = dims[lo + 1 + k - i]
            i = j
    return [n or f"类别{k + 1}" for k, n in enumerate(names)]


def _label_of(lines: Sequence[Line], restart: bool) -> int:
    """How many trailing lines of ``lines`` are a category label (0 when none)."""
    n = 0
    while n < len(lines) and len(_squash(lines[-1 - n].s)) == 1 and _CJK.match(_squash(lines[-1 - n].s)):
        n += 1
    if n >= 2:
        return n  # vertical text, one character per line
    if not lines:
        return 0
    s = _squash(lines[-1].s)
    if _dimension(s)[1]:
        return 1
    plain = len(s) <= 12 and not _SENTENCE.search(s) and not any(c.isdigit() for c in s)
    return int(restart and plain and not _is_unit(lines[-1].s) and not _ORG_WORD.search(s))


def _header_before(lines: Sequence[Line], i: int) -> tuple[int, int] | None:
    """(first header line, first category-label line) for a table whose row 1 is line ``i``."""
    j = i
    while j > 0 and 1 <= len(_squash(lines[j - 1].s)) <= 10 and not _HEADER_BAD.search(_squash(lines[j - 1].s)):
        j -= 1
    run = lines[j:i]
    lab = _label_of(run, False) if len(run) > 2 else 0
    if len(run) - lab < 2:
        return None
    return j, i - lab


def _join_broken(group: Sequence[Line]) -> list[Line]:
    """Join a unit name broken across two lines (县人力资源和 / 社会保障局)."""
    out: list[Line] = []
    for ln in group:
        if out:
            prev = out[-1]
            q = _squash(prev.s)
            if (len(q) <= 12 and not _SENTENCE.search(q) and not any(c.isdigit() for c in q)
                    and not _is_unit(prev.s) and _unit_name(q + _squash(ln.s))
                    and not (_NEW_UNIT.match(ln.s) and _is_unit(ln.s))):  # 消除大班额 / 县教育局: two cells
                out[-1] = Line(prev.start, ln.end, prev.s + ln.s)
                continue
        out.append(ln)
    return out


def _unit_cells(line: Line, cells: list[list]) -> None:
    """Cells of a unit line; a part starting with 、 (or after one ending with 、) continues the previous cell."""
    joined = line.end - line.start != len(line.s)  # a name _join_broken put together
    spans = [(line.start, line.end, line.s)] if joined else [
        (line.start + a, line.start + b, line.s[a:b]) for a, b in _parts(line.s)]
    for s, e, word in spans:
        if cells and (word[:1] in "、," or cells[-1][2].endswith("、")):
            cells[-1][1] = e
            cells[-1][2] = word
        else:
            cells.append([s, e, word])


def _is_unit_list(s: str) -> bool:
    """A line listing unit names joined by 、 or commas (县发展改革委、县财政局、县自然资源局)."""
    parts = [p for p in re.split(r"[、,,]", _squash(s)) if p]
    return bool(parts) and all(_unit_name(p) for p in parts)


def _unit_columns(columns: tuple[str, ...], unit: int) -> list[str]:
    """The run of unit columns that starts at ``unit`` (牵头单位, 责任单位 …)."""
    out = []
    for c in columns[unit:]:
        if not _UNIT_COL.search(c) or _KNOWN_COL.search(c) and not re.search(r"单位|部门", c):
            break
        out.append(c)
    return out or [columns[unit]]


def _row_cells(group: Sequence[Line], columns: tuple[str, ...], seq: int | None,
               unit: int | None) -> list[tuple[str, int, int]]:
    """Assign the lines of one row to columns.

    With one unit column every unit-shaped line is a cell of it (one unit per
    line); with several (牵头单位, 责任单位) each line fills the next of them —
    a single unit or a 、-list — and lines beyond the last stay in the last.
    """
    first = 0 if seq is None else seq + 1
    content = list(columns[first:unit] if unit is not None else columns[first:])
    ucols = _unit_columns(columns, unit) if unit is not None else []
    after = list(columns[unit + len(ucols):]) if unit is not None else []
    out: list[tuple[str, int, int]] = []
    units: list[list] = []
    k = 0
    phase = 0  # 0 content, 1 units, 2 columns after the unit column
    for ln in _join_broken(group):
        if phase == 0 and k < len(content) and not (unit is not None and _is_unit(ln.s)):
            out.append((content[k], ln.start, ln.end))
            k += 1
            continue
        if unit is None:
            out.append((columns[-1], ln.start, ln.end))
            continue
        if len(ucols) > 1 and phase <= 1 and (_is_unit(ln.s) or _is_unit_list(ln.s)):
            phase = 1
            col = ucols[min(len({u[3] for u in units}), len(ucols) - 1)]
            units.append([ln.start, ln.end, ln.s, col])
            continue
        if len(ucols) == 1 and phase <= 1 and (_is_unit(ln.s) or (not after and not _SENTENCE.search(ln.s))):
            phase = 1
            _unit_cells(ln, units)
            continue
        phase = 2
        out.append((after.pop(0) if after else columns[-1], ln.start, ln.end))
    pos = next((n for n, (name, _, _) in enumerate(out) if name in columns[unit + 1:]), len(out)) if unit is not None else 0
    out[pos:pos] = [(u[3] if len(u) > 3 else columns[unit], u[0], u[1]) for u in units]  # type: ignore[index]
    return out


def _row_heading(cell: str) -> str:
    m = _CELL_END.search(cell)
    head = cell[: m.start()] if m else cell
    return head if len(head) <= 40 else ""


def find_table(lines: Sequence[Line]) -> Table | None:
    """Reassemble the first flattened table in ``lines`` (the non-blank lines of one appendix)."""
    found = None
    for i, ln in enumerate(lines):
        if _rownum(ln.s) == 1:
            found = _header_before(lines, i)
            if found:
                break
    if found is None:
        return None
    h0, lab0 = found
    i1 = next(i for i in range(lab0, len(lines)) if _rownum(lines[i].s) == 1)
    columns = tuple(_squash(ln.s) for ln in lines[h0:lab0])
    seq = next((k for k, c in enumerate(columns) if _SEQ_COL.fullmatch(c)), None)
    unit = next((k for k, c in enumerate(columns) if _UNIT_COL.search(c) and (seq is None or k > seq)), None)

    starts = []
    prev = 0
    for i in range(i1, len(lines)):
        n = _rownum(lines[i].s)
        if n is not None and (n == 1 or n == prev + 1):
            starts.append(i)
            prev = n
    if len(starts) < 2 and not any(_KNOWN_COL.search(c) for c in columns):
        return None

    labels: list[str | None] = []
    raw_rows = []
    pending = (lab0, "".join(_squash(ln.s) for ln in lines[lab0:i1])) if lab0 < i1 else None
    for r, i in enumerate(starts):
        j = starts[r + 1] if r + 1 < len(starts) else len(lines)
        group = list(lines[i + 1:j])
        lab = _label_of(group, _rownum(lines[j].s) == 1) if j < len(lines) else 0
        label = "".join(_squash(ln.s) for ln in group[len(group) - lab:]) if lab else ""
        group = group[: len(group) - lab]
        begin = lines[i].start
        if r == 0 or pending is not None or _rownum(lines[i].s) == 1:
            labels.append(pending[1] if pending else None)
            if pending:
                begin = lines[pending[0]].start
        pending = (j - lab, label) if lab else None
        cells = _row_cells(group, columns, seq, unit)
        if seq is not None:
            cells.insert(0, (columns[seq], lines[i].start, lines[i].end))
        heading = ""
        if group and any(s == group[0].start and name in columns[0 if seq is None else seq + 1:] for name, s, _ in cells):
            heading = _row_heading(group[0].s)
        end = group[-1].end if group else lines[i].end
        raw_rows.append((str(_rownum(lines[i].s)), begin, end, heading, tuple(cells), len(labels) - 1))

    names = _name_categories(labels)
    single = len(labels) == 1 and not labels[0]
    rows = tuple(Row(None if single else names[c], num, begin, end, heading, cells)
                 for num, begin, end, heading, cells, c in raw_rows)
    return Table(h0, columns, rows)


# --- tables whose rows are lines with separators -------------------------------------

_MD_RULE = re.compile(r"\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?")
#: a year column: 2025年, 2023年基数, 2025年目标, 2022年(基数), 2025年(预期)
#: a column header carrying its own date and unit (截至2013年底已通过认定县数(个), 2015年底前累计通过比例(%))
DATED_COL = re.compile(r"(?P<when>(?:截至|截止)?(?P<year>(?:19|20)\d{2})年(?:底|末)?(?P<before>前)?)"
                       r"(?P<name>[\u4e00-\u9fff]{2,14})\((?P<unit>[^()]{1,4})\)")
_YEAR_COL = re.compile(r"(19|20)\d{2}年(?:底)?(?:[((]?(?:基数|基期|现状|目标|目标值|预期|预期值)[))]|基数|基期|现状|目标|目标值|预期|预期值)?")
_SPLIT_SPACES = re.compile(r"(?:[ \u3000\xa0]{2,}|\t)+")


def split_cells(s: str) -> tuple[str, list[tuple[int, int]]] | None:
    """The separator of a table line and the spans of its cells, or None for a plain line.

    ``|`` (markdown or pipe-printed rows, outer bars optional), tabs, and runs of
    two or more spaces separate cells.
    """
    if "|" in s:
        sep = "|"
        spans = []
        pos = 0
        for part in s.split("|"):
            a = pos + (len(part) - len(part.lstrip()))
            b = pos + len(part.rstrip())
            if b > a:
                spans.append((a, b))
            elif 0 < pos and pos + len(part) < len(s):
                spans.append((a, a))  # an empty cell between bars
            pos += len(part) + 1
    elif "\t" in s or _SPLIT_SPACES.search(s):
        sep = "\t" if "\t" in s else " "
        spans = []
        pos = 0
        for m in _SPLIT_SPACES.finditer(s):
            if m.start() > pos:
                spans.append((pos, m.start()))
            pos = m.end()
        if pos < len(s):
            spans.append((pos, len(s)))
    else:
        return None
    return (sep, spans) if len(spans) >= 2 else None


_ONE_SPACE = re.compile(r"[ \u3000\xa0]+")


def _single_space_cells(s: str) -> list[tuple[int, int]]:
    """Spans of the cells of a line whose cells are set apart by single spaces (an ideographic space
    between cells becomes one space under NFKC): 编号 指标名称 计量单位 2020年 2025年 属性."""
    spans, pos = [], 0
    for m in _ONE_SPACE.finditer(s):
        if m.start() > pos:
            spans.append((pos, m.start()))
        pos = m.end()
    if pos < len(s):
        spans.append((pos, len(s)))
    return spans


def _header_cells(s: str) -> tuple[str, tuple[str, ...]] | None:
    """Column names of a separated header line: short cells without sentence marks, one a known column.

    A header set apart by single spaces (separator ``"1"``) must also name a label column and a year
    column — an indicator table; its rows then need exactly as many cells (prose is never split)."""
    split = split_cells(s)
    if split is None:
        spans = _single_space_cells(s.strip()) if " " in s.strip() else []
        lead = len(s) - len(s.lstrip())
        names = tuple(_squash(s[lead + a:lead + b]) for a, b in spans)
        if len(names) < 4 or not any(_YEAR_COL.fullmatch(n) for n in names) \
                or not any(_LABEL_COL.search(n) for n in names):
            return None
        split = ("1", [(lead + a, lead + b) for a, b in spans])
    sep, spans = split
    names = tuple(_squash(s[a:b]) for a, b in spans)
    if len(names) < 3 or any(not n or len(n) > 12 and not DATED_COL.fullmatch(n) for n in names):
        return None
    if any(_SENTENCE.search(re.sub(r"^其中[::]", "", n))
           or (any(c.isdigit() for c in n) and not _YEAR_COL.fullmatch(n) and not DATED_COL.fullmatch(n))
           for n in names):  # (其中:初中(名) is a column of a subgroup)
        return None
    if not any(_KNOWN_COL.search(n) or _YEAR_COL.fullmatch(n) or n in ("名称", "属性", "目标值") for n in names):
        return None
    return sep, names


def find_delimited_tables(lines: Sequence[Line]) -> list[Table]:
    """Tables printed one row per line with ``|``, tabs or runs of spaces between the cells.

    A header line of column names (序号/重点任务/牵头单位/…, or year columns
    such as 2024年) followed by lines whose first cell is the row number 1, 2, 3 …
    (or, when no column is a 序号 column, any lines with as many cells).
    Cells carry their column names; a row with fewer cells fills the first
    columns, one with more joins the extra parts into the last column.
    """
    out: list[Table] = []
    i = 0
    n = len(lines)
    while i < n:
        head = _header_cells(lines[i].s) if lines[i].s else None
        if head is None:
            i += 1
            continue
        sep, columns = head
        seq = next((k for k, c in enumerate(columns) if _SEQ_COL.fullmatch(c)), None)
        rows: list[Row] = []
        j = i + 1
        prev = 0
        while j < n:
            ln = lines[j]
            if not ln.s:
                j += 1
                if j < n and lines[j].s and split_cells(lines[j].s):
                    continue
                break
            if sep == "|" and _MD_RULE.fullmatch(ln.s):
                j += 1
                continue
            split = split_cells(ln.s)
            if sep == "1":  # single spaces between cells: a row has exactly the header's cells
                lead = len(ln.s) - len(ln.s.lstrip())
                one = [(lead + a, lead + b) for a, b in _single_space_cells(ln.s.strip())]
                split = ("1", one) if split is None and len(one) == len(columns) else None
            if split is None:
                break
            spans = split[1]
            if sep != "|" and split[0] == "|":
                break
            first = _squash(ln.s[spans[0][0]:spans[0][1]])
            num = _rownum(first)
            total = seq is not None and bool(rows) and first in ("合计", "总计")  # 合计| |16000|12000 closes the table
            if seq is not None and not total and (num is None or num not in (1, prev + 1)):
                break
            if seq is None and len(spans) < 2:
                break
            prev = num if num is not None else prev + 1
            if len(spans) > len(columns):
                spans = spans[: len(columns) - 1] + [(spans[len(columns) - 1][0], spans[-1][1])]
            cells = tuple((columns[k], ln.start + a, ln.start + b) for k, (a, b) in enumerate(spans) if b > a)
            content = [(c, s, e) for k, (c, s, e) in enumerate(cells) if k != seq]
            heading = _row_heading(ln.s[content[0][1] - ln.start:content[0][2] - ln.start]) if content else ""
            rows.append(Row(None, first if total else str(num if num is not None else prev), ln.start, ln.end,
                            heading, cells))
            j += 1
            if total:
                break
        if rows:
            out.append(Table(i, columns, tuple(rows)))
            i = j
        else:
            i += 1
    return out


# --- task tables one cell per line in the body ---------------------------------------------

_FLAT_UNIT_OR_DATE = re.compile(r"牵头|责任|配合|单位|部门|时限|完成时间|时间节点|完成期限")
#: a category line between the rows of a flat task table (一、资源配置): its words name the rows' category
_FLAT_CATEGORY = re.compile(r"[一二三四五六七八九十]{1,3}[、.．]([\u4e00-\u9fff]{2,16})")


def find_flat_task_tables(lines: Sequence[Line]) -> list[Table]:
    """Task tables printed one cell per line in the body (an HTML <table> under 五、任务分工): a 序号 line,
    two to five short column names (one a unit or deadline column), then rows of exactly that many
    lines, each opening with its number 1, 2, 3 …  Anything looser is left to the prose reader."""
    out: list[Table] = []
    i, n = 0, len(lines)
    while i < n:
        if _squash(lines[i].s) not in ("序号", "编号"):
            i += 1
            continue
        k = i + 1
        while k < n and k - i <= 5 and _rownum(lines[k].s) is None and _header_cell(lines[k].s):
            k += 1
        columns = tuple(_squash(ln.s) for ln in lines[i:k])
        if not 3 <= len(columns) <= 6 or not any(_FLAT_UNIT_OR_DATE.search(c) for c in columns[1:]):
            i += 1
            continue
        rows, j, num, category = [], k, 1, None
        while j + len(columns) <= n:
            if _FLAT_CATEGORY.fullmatch(_squash(lines[j].s)) and j + 1 < n and _rownum(lines[j + 1].s) == num:
                category = _FLAT_CATEGORY.fullmatch(_squash(lines[j].s)).group(1)  # 一、资源配置 between rows
                j += 1
                continue
            if _rownum(lines[j].s) != num:
                break
            cells = tuple((columns[c], lines[j + c].start, lines[j + c].end) for c in range(len(columns)))
            if any(_rownum(lines[j + c].s) == num + 1 for c in range(1, len(columns))):
                break  # a row with a missing cell: the table is not what it looks like
            rows.append(Row(category, str(num), lines[j].start, lines[j + len(columns) - 1].end,
                            _row_heading(lines[j + 1].s), cells))
            j += len(columns)
            num += 1
        if rows:
            out.append(Table(i, columns, tuple(rows)))
            i = j
        else:
            i += 1
    return out


# --- indicator tables one cell per line, with year columns ------------------------------

#: A value cell of an indicator table: 92以上, 2以内, 88.6, ≥90, 0, 4.5万, or an empty mark (—, /).
VALUE_CELL = re.compile(
    r"(?P<pre>[≥≤><]|不低于|不少于|不超过|约)?\s*(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>%|‰|万|亿)?\s*"
    r"(?P<suf>及以上|及以下|以上|以下|以内|左右)?|(?P<empty>[-—–//]+|—)")
_LABEL_COL = re.compile(r"指标|项目|名称|内容")
_LABEL_NUM = re.compile(r"(\d{1,2})\s*[.．、]\s*")


def _header_cell(s: str) -> bool:
    q = _squash(s)
    return 1 <= len(q) <= 12 and (bool(_YEAR_COL.fullmatch(q)) or not _HEADER_BAD.search(q))


def find_year_tables(lines: Sequence[Line]) -> list[Table]:
    """Indicator tables written one cell per line under year columns (专栏 "主要指标").

    A run of short header lines holding a label column (指标/项目/名称, or any
    first cell), at least one year column (2020年, 2025年, 2023年基数,
    2025年目标) and optional others (属性, 单位); then rows of exactly one line
    per column whose year cells are values (92以上, 88.6, 2以内, —).  The row
    number is the label's own (1.学前三年毛入园率(%)) or the running count.
    """
    out: list[Table] = []
    n = len(lines)
    i = 0
    while i < n:
        if not lines[i].s or not _header_cell(lines[i].s) or _YEAR_COL.fullmatch(_squash(lines[i].s)):
            i += 1
            continue
        j = i
        while j < n and j - i < 8 and lines[j].s and _header_cell(lines[j].s):
            j += 1
        # the first row's label (海口市) reads like one more header cell: the header is the longest run
        # of cells whose next lines fit a row
        while j - i > 2 and not _fits_first_row(lines, i, j):
            j -= 1
        columns = tuple(_squash(ln.s) for ln in lines[i:j])
        years = [k for k, c in enumerate(columns) if _YEAR_COL.fullmatch(c)]
        seq = 0 if columns and _SEQ_COL.fullmatch(columns[0]) else None
        label = 1 if seq == 0 else 0
        if len(columns) < 2 or not years or label in years or len(columns) <= label + 1:
            i += 1
            continue
        rows: list[Row] = []
        k = j
        while k + len(columns) <= n:
            cells = lines[k:k + len(columns)]
            if not all(c.s for c in cells) or not _year_row(cells, columns, years, label, seq):
                break
            lab = cells[label]
            m = _LABEL_NUM.match(lab.s)
            number = cells[seq].s if seq is not None else (m.group(1) if m else str(len(rows) + 1))
            named = tuple((columns[c], ln.start, ln.end) for c, ln in enumerate(cells))
            heading = lab.s[m.end():] if m else lab.s
            rows.append(Row(None, number, cells[0].start, cells[-1].end, heading, named))
            k += len(columns)
        if rows and (len(rows) >= 2 or _LABEL_COL.search(columns[label])):
            out.append(Table(i, columns, tuple(rows)))
            i = k
        else:
            i += 1
    return out


def _fits_first_row(lines: Sequence[Line], i: int, j: int) -> bool:
    """Whether header cells ``lines[i:j]`` are followed by one row that fits them."""
    columns = tuple(_squash(ln.s) for ln in lines[i:j])
    years = [k for k, c in enumerate(columns) if _YEAR_COL.fullmatch(c)]
    seq = 0 if _SEQ_COL.fullmatch(columns[0]) else None
    label = 1 if seq == 0 else 0
    cells = lines[j:j + len(columns)]
    return bool(years) and label not in years and len(cells) == len(columns) and all(c.s for c in cells) \
        and _year_row(cells, columns, years, label, seq)


def _year_row(cells: Sequence[Line], columns: tuple[str, ...], years: list[int], label: int,
              seq: int | None) -> bool:
    """Whether lines fit one row: a worded label, a value in every year column, short other cells."""
    lab = cells[label].s
    if not _CJK.search(lab) or VALUE_CELL.fullmatch(lab) or _SENTENCE.search(lab) or len(lab) > 40:
        return False
    if seq is not None and _rownum(cells[seq].s) is None:
        return False
    for c, ln in enumerate(cells):
        if c in years:
            if not VALUE_CELL.fullmatch(ln.s):
                return False
        elif c not in (label, seq) and (len(_squash(ln.s)) > 12 or _SENTENCE.search(ln.s) or VALUE_CELL.fullmatch(ln.s)
                                        and not re.search(r"单位|合计|总计|小计|累计", columns[c])):
            return False
    return True
