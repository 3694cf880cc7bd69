"""Site chrome and repeated bodies: what a saved government web page adds
around the plan itself.

Both functions are pure: they take the (NFKC, simplified) page text and
return :class:`kb.textedit.Edit` deletions.  Rules are written for the genre —
the CMS templates of Chinese government and news portals — not for one page:

* *strong* chrome lines are recognised by their words (扫一扫, 打印/关闭,
  版权所有, ICP备, 当前位置, 相关新闻 …);
* *weak* lines (short, no sentence punctuation, not a heading, a date, a
  title or a metadata field) are removed only inside a run of lines that is
  mostly chrome, so short table cells and signature lines survive;
* related-reading lists are removed after their header;
* inline fragments (浏览次数, 【字体:…】, 分享到) are cut out of metadata lines.
"""
from __future__ import annotations

import bisect
import re
from typing import NamedTuple

from .textedit import Edit

# --- line classes -----------------------------------------------------------

_STRONG = re.compile(
    r"""(
      ^(首页|网站首页|返回首页)\s*([>›»|/]|$)
    | ^(当前位置|您的位置|您当前的位置|你的位置|你当前的位置|所在位置|当前栏目)\s*[:>]
    | ^站内(检索|搜索)
    | ^分享(到|至)\s*[:]?
    | 扫一扫|扫码|二维码
    | ^[\[【(<]?\s*(打印|关闭|打印本页|关闭本页|关闭窗口|打印文章|收藏|收藏本页|返回顶部|返回|保存|纠错|我要纠错|回到顶部|TOP)\s*[\]】)>]?(\s*[\[【(]?\s*(打印|关闭|打印本页|关闭窗口|收藏|返回顶部|返回|保存)\s*[\]】)]?)*$
    | ^<\s*返回
    | 版权所有|版权归|Copyright|©|ICP备|ICP证|公网安备|网站标识码|网站识别码|网站标识|技术支持[:]|站点地图|网站地图|
      联系我们|关于我们|法律顾问|广告服务|互联网新闻信息许可证|webmaster@|E-?mail[:]|本站支持IPv6|
      建议使用.{0,20}浏览器|分辨率|未经.{0,30}(授权|许可).{0,20}(转载|镜像)
    | ^(主办|承办|协办|主办单位|承办单位|维护单位)[:]
    | ^(微信公众号|官方微博|政务微博|政务微信|手机版|移动版|无障碍|无障碍浏览|长者模式|繁体|简体|繁體|English|登录|注册)$
    | ^字体[:]|【字体|^【?\s*(大|中|小)\s*(大|中|小)\s*(大|中|小)?\s*】?$
    | ^(浏览次数|访问次数|阅读次数|点击数|点击次数)[:]
    )""",
    re.VERBOSE | re.IGNORECASE,
)

# Headers that open a list of links to other pages.
_RELATED = re.compile(
    r"^(相关附件|附件下载|相关新闻|相关阅读|相关链接|相关文章|相关稿件|相关信息|相关文件|相关解读|延伸阅读|"
    r"推荐阅读|热点推荐|猜你喜欢|文字解读|图片解读|视频解读|访谈解读|媒体报道|政策解读|上一篇|下一篇)"
    r"\s*[:↓]?\s*"
)

# Lines that are never chrome however short they are.
_HEADING = re.compile(r"^(第[一二三四五六七八九十百]+[章节条]|[一二三四五六七八九十百]+、|[((][一二三四五六七八九十]+[))]|\d+[.、]|[((]\d+[))]|附件)")
_DATE_LINE = re.compile(r"(19|20)\d{2}\s*年\s*\d{1,2}\s*月(\s*\d{1,2}\s*日)?|(19|20)\d{2}-\d{1,2}-\d{1,2}")
_META = re.compile(
    r"(索\s*引\s*号|文\s*号|发文字号|发布机构|发文机关|成文日期|发布日期|发布时间|发文日期|公文生成日期|印发日期|"
    r"生效日期|主题分类|来源|信息来源|作者|编辑|责任编辑)\s*[:]"
)
_TITLE = re.compile(r"(关于|通知|方案|意见|办法|规划|计划|决定|细则|纲要|规定|指南|行动|要点|条例|批复|公告|通告)"
                    r"|(表|清单)$")  # a table's caption: 任务分解表, 责任清单
# A 文号 in any of the brackets pages print (〔〕 [] ［］ () （） 【】 〖〗; NFKC makes the full-width ones
# ASCII), an order's or announcement's number line (第231号, (第四十七号)) and the header of an order or
# announcement (某省人民政府令, 某省人民代表大会常务委员会公告) are the document's own metadata, never chrome.
_DOCNO = re.compile(
    r"[〔\[【(〖]\s*(19|20)\d{2}\s*[〕\]】)〗]\s*第?\s*\d+\s*号|令第\s*\d+\s*号"
    r"|^\(?第\s*[\d〇零○一二三四五六七八九十百]+\s*号\)?$"
    r"|^[\u4e00-\u9fff]{2,}(人民政府|政府|委员会|办公厅|部)(令|公告)$|^(中华人民共和国)?国务院令$"
)
# The red header of an official document: 某某人民政府文件, 某某局文件.
_RED_HEADER = re.compile(r"(政府|委员会|办公室|办公厅|厅|局|委|部|院)(文件|公文)$")
_SENTENCE = re.compile(r"[。;!?,]")

# Inline chrome inside otherwise useful lines (metadata rows at the top of a page).
# The lookahead names every character a match can start with, and _INLINE_WORD a word every match holds:
# without them the scan tried each alternative at every position of the page (~220 ns a character).
_INLINE = re.compile(
    r"(?m)(?=[浏访阅点【 \t字\[打分])(?:(浏览次数|访问次数|阅读次数|点击数|点击次数|阅读量)[ \t]*[:][ \t]*[-\d]*"
    r"|【?[ \t]*字体[ \t]*[:][^\n]*$"
    r"|【?[ \t]*[\[【]?[ \t]*打印[ \t]*[\]】]?[ \t]*[\[【]?[ \t]*关闭[ \t]*[\]】]?[ \t]*】?$"
    r"|分享(到|至)[ \t]*[:][^\n]*$)"
)
_INLINE_WORD = re.compile(r"次数|点击数|阅读量|字体|打印|分享")

_WEAK_MAX = 40
# The first half of a title broken over two lines: Chinese words, quotes and brackets only.
_TITLE_PART = re.compile(r"[\u3400-\u9fff“”\"()《》]{6,30}")
_STRONG_MAX = 160


class _Line(NamedTuple):
    start: int  # offset of the first character of the line
    end: int  # offset after the newline (or end of text)
    text: str  # stripped content


def _lines(text: str) -> list[_Line]:
    out = []
    pos = 0
    for raw in text.splitlines(keepends=True):
        out.append(_Line(pos, pos + len(raw), raw.strip()))
        pos += len(raw)
    return out


def _is_strong(s: str) -> bool:
    if len(s) > _STRONG_MAX or "。" in s:
        return False  # prose that merely mentions 法律顾问 or 二维码
    return bool(_STRONG.search(s)) or bool(re.search(r"(门户网站|政府网站|新闻网|政务网|政务服务网)$", s))


# Table header cells and rows printed with separators are content, however short.
_TABLE_COLUMN = re.compile(r"^(序\s*号|编\s*号|重点任务|主要任务|工作任务|任务内容|具体任务|工作内容|牵头单位|责任单位|配合单位|"
                           r"参与单位|责任部门|牵头部门|完成时限|完成时间|时间节点|指标名称|指标|属性|备注)$")
_TABLE_ROW = re.compile(r"^\|.*\||^[^\t]+(\t[^\t]*){2,}$")
_ROW_NUMBER = re.compile(r"\d{1,3}[.、]?")
# A table printed one cell per line may end each cell with " |".
_CELL_BARS = re.compile(r"^[|\s]+|[|\s]+$")


def _cell(s: str) -> str:
    if "|" not in s and s == s.strip():
        return s  # most lines: nothing to take off (checked without the regex, it runs on every line)
    return _CELL_BARS.sub("", s)


def _is_column_header(s: str) -> bool:
    return bool(_TABLE_COLUMN.match(_cell(s)))


def _is_protected(s: str) -> bool:
    return bool(
        _HEADING.match(s)
        or _is_column_header(s)
        or _TABLE_ROW.match(s)
        or _META.search(s)
        or _DOCNO.search(s)
        or (_DATE_LINE.search(s) and len(s) <= _WEAK_MAX)
        or (_RED_HEADER.search(s) and len(s) <= _WEAK_MAX)
        or s.startswith(("抄送", "附件"))
        or s.endswith(":")  # 主送机关 line
    )


# Organisation names (table cells, signatures) and bracketed notes are content.
_ORG = re.compile(r"(局|委|办|院|会|中心|政府|办事处|街道|镇|乡|部|厅|所|队|联|处|科|组|站|馆|校|园|室|公司|集团|管委会|新区)$")


def _is_weak(s: str) -> bool:
    return (
        len(s) <= _WEAK_MAX
        and not _SENTENCE.search(s)
        and "、" not in s  # enumerations are lists of content
        and not s.startswith("(")
        and not _ORG.search(s)
        and not _is_protected(s)
    )


def _protect_table_cells(lines: list[_Line], kinds: list[str]) -> None:
    """Short cells of a table printed one cell per line, from its header row to
    the next strong chrome line, are content ("新建幼儿园 |", "2025年底")."""
    in_table = False
    for i, ln in enumerate(lines):
        if kinds[i] == "strong":
            in_table = False
        elif _is_column_header(ln.text) and i + 1 < len(lines) and _is_column_header(lines[i + 1].text):
            in_table = True  # a header row: two column names in a row
        elif in_table and kinds[i] == "weak":
            kinds[i] = "protected"


def _protect_title_before_body(lines: list[_Line], kinds: list[str]) -> None:
    """The last short line before the first prose line of the page, when it
    reads as a title (Chinese words, no navigation separators), is the title
    of a plan whose name has no title word (某县中小学建设三年攻坚行动)."""
    last = None
    for i, kind in enumerate(kinds):
        if kind in ("title", "protected"):
            return
        if kind == "content":
            if last is not None and _TITLE_PART.fullmatch(lines[last].text):
                kinds[last] = "title"
            return
        if kind == "weak":
            last = i


def chrome_edits(text: str) -> list[Edit]:
    """Deletions that remove site chrome from a page's text."""
    lines = _lines(text)
    kinds: list[str] = []  # "blank" | "strong" | "weak" | "title" | "content" | "protected"
    seen: set[str] = set()
    for ln in lines:
        s = ln.text
        if not s:
            kind = "blank"
        elif len(s) > _STRONG_MAX or (len(s) > 60 and ("。" in s or "," in s)):
            kind = "content"  # prose: the common case, decided without the patterns
        elif _HEADING.match(s):
            kind = "protected"  # a numbered heading is never chrome
        elif _is_strong(s) and not (_META.search(s) and not _STRONG.match(s)):
            kind = "strong"
        elif _is_protected(s):
            kind = "protected"
        elif len(s) <= 60 and _TITLE.search(s) and not _SENTENCE.search(s):
            # A title repeated by the page template (breadcrumb, second copy) is chrome-like.
            kind = "weak" if s in seen else "title"
        elif _is_weak(s):
            kind = "weak"
        else:
            kind = "content"
        if s:
            seen.add(s)
        if kind == "weak" and _ROW_NUMBER.fullmatch(_cell(s)) and any(
                _is_column_header(x.text) for x in lines[max(0, len(kinds) - 12):len(kinds)]):
            kind = "protected"  # a row number of a table printed one cell per line
        kinds.append(kind)
    _protect_table_cells(lines, kinds)
    _protect_title_before_body(lines, kinds)

    # A short line directly above a title line is the title's first line (a title
    # broken in two), not navigation.
    for i in range(len(lines) - 2, -1, -1):
        if kinds[i] == "weak" and kinds[i + 1] == "title" and _TITLE_PART.fullmatch(lines[i].text):
            kinds[i] = "title"
    drop = [k == "strong" for k in kinds]

    # The page header: everything before the first line of the document proper.
    for i, kind in enumerate(kinds):
        if kind in ("title", "protected", "content"):
            break
        if kind == "weak" or (kind != "blank" and _ORG.search(lines[i].text)):
            drop[i] = True

    # Related-reading lists: the header and the link-like lines after it.
    for i, ln in enumerate(lines):
        if kinds[i] in ("strong", "weak", "protected") and _RELATED.match(ln.text) and len(ln.text) <= 12:
            drop[i] = True
            j = i + 1
            while j < len(lines) and (kinds[j] in ("blank", "weak", "strong", "title")) and len(lines[j].text) <= 60:
                drop[j] = drop[j] or kinds[j] != "blank"
                j += 1

    # Runs of weak and strong lines: drop the weak ones when chrome dominates.
    i = 0
    n = len(lines)
    while i < n:
        if kinds[i] not in ("strong", "weak"):
            i += 1
            continue
        j = i
        members = []
        while j < n and kinds[j] in ("strong", "weak", "blank"):
            if kinds[j] in ("strong", "weak"):
                members.append(j)
            j += 1
        strong = sum(1 for k in members if kinds[k] == "strong")
        weak = len(members) - strong
        if strong and strong * 3 >= weak:
            for k in members:
                drop[k] = True
        i = j

    edits: list[Edit] = [Edit(ln.start, ln.end, "", "chrome_line") for ln, d in zip(lines, drop) if d]
    # Inline fragments, in the lines that stay.
    starts = [ln.start for ln in lines]
    for m in _INLINE.finditer(text) if _INLINE_WORD.search(text) else ():
        if m.end() == m.start():
            continue
        i = bisect.bisect_right(starts, m.start()) - 1
        if i >= 0 and not drop[i] and kinds[i] != "blank":
            edits.append(Edit(m.start(), m.end(), "", "chrome_inline"))
    edits.sort(key=lambda e: e.start)
    return edits


# --- repeated bodies ----------------------------------------------------------

MIN_REPEAT_CHARS = 1000
# A shorter body (a notice of a few hundred characters) printed twice is a
# repeat when its two copies make up most of the page: a plan that repeats a
# heading or a 到2025年 line repeats a small part of itself, never half of it.
MIN_SHORT_REPEAT_CHARS = 100
MIN_SHORT_REPEAT_SHARE = 0.5  # of the page's characters covered by the two copies
MIN_SHORT_REPEAT_SENTENCES = 2
# A line repeated more often than this is boilerplate (a table cell, a unit
# name), not the start of a repeated body; skipping it keeps the search linear.
_MAX_OCCURRENCES = 8
# Copies differ in spacing and punctuation width ("为此 , 各地" / "为此,各地",
# "," / "，" before NFKC, "。 " / "。"): lines are compared without them.
_KEY_DROP = re.compile(r"[\s\u3000,，、.。．;；:：!！?？·•\"“”'‘’()（）\[\]【】|_-]+")
_SENTENCE_END = re.compile(r"[。;!?]")


def _key(s: str) -> str:
    return _KEY_DROP.sub("", s)


def duplicate_edits(text: str, min_chars: int = MIN_REPEAT_CHARS) -> list[Edit]:
    """Deletions that remove a body the page repeats (keep the first copy).

    Works on the sequence of non-blank lines, compared without spaces and
    punctuation: the longest run of consecutive lines that occurs twice is
    removed at its second occurrence if it holds at least ``min_chars``
    characters, or if it is a short body (a few sentences) whose two copies
    cover most of the page.  Repeats again while one is found, so a body
    tripled by a template is reduced to one copy.
    """
    edits: list[Edit] = []
    lines = [ln for ln in _lines(text) if ln.text]
    keys = [_key(ln.text) for ln in lines]
    total = sum(len(k) for k in keys)
    removed: set[int] = set()
    while True:
        best = _longest_repeat(keys, removed)
        if best is None:
            break
        first, second, length = best
        if not _is_repeated_body(lines, keys, second, length, total, min_chars):
            break
        for k in range(length):
            removed.add(second + k)
        start = lines[second].start
        end = lines[second + length - 1].end
        edits.append(Edit(start, end, "", "duplicate_body"))
    # Merge adjacent deletions of the same run (blank lines between are part of the copy).
    edits.sort(key=lambda e: e.start)
    return _fill_gaps(text, edits)


def _is_repeated_body(lines: list[_Line], keys: list[str], second: int, length: int, total: int,
                      min_chars: int) -> bool:
    if sum(len(lines[second + k].text) for k in range(length)) >= min_chars:
        return True
    chars = sum(len(keys[second + k]) for k in range(length))
    if chars < MIN_SHORT_REPEAT_CHARS or 2 * chars < MIN_SHORT_REPEAT_SHARE * total:
        return False
    sentences = sum(len(_SENTENCE_END.findall(lines[second + k].text)) for k in range(length))
    return sentences >= MIN_SHORT_REPEAT_SENTENCES


def _longest_repeat(keys: list[str], removed: set[int]) -> tuple[int, int, int] | None:
    where: dict[str, list[int]] = {}
    for i, key in enumerate(keys):
        if i not in removed and len(key) >= 4:
            where.setdefault(key, []).append(i)
    best = None
    best_chars = 0
    for occ in where.values():
        if len(occ) < 2 or len(occ) > _MAX_OCCURRENCES:
            continue
        for a_i in range(len(occ)):
            for b_i in range(a_i + 1, len(occ)):
                a, b = occ[a_i], occ[b_i]
                # only start a run where the previous lines differ
                if a > 0 and b > 0 and keys[a - 1] == keys[b - 1] and (a - 1) not in removed and (b - 1) not in removed:
                    continue
                k = 0
                chars = 0
                while (
                    a + k < b
                    and b + k < len(keys)
                    and (b + k) not in removed
                    and keys[a + k] == keys[b + k]
                ):
                    chars += len(keys[b + k])
                    k += 1
                if chars > best_chars:
                    best, best_chars = (a, b, k), chars
    return best


def _fill_gaps(text: str, edits: list[Edit]) -> list[Edit]:
    out: list[Edit] = []
    for e in edits:
        if out and not text[out[-1].end : e.start].strip():
            p = out[-1]
            out[-1] = Edit(p.start, e.end, "", p.reason)
        else:
            out.append(e)
    return out
