"""Issue 11 (points 2 and 6): short repeated bodies, titles and table rows against chrome,
Taiwan vocabulary, UTF-8 read as GBK anywhere, undecoded entities.  All text is invented."""
import glob
import random
import unicodedata
from pathlib import Path

import pytest

from kb.artefacts import find_corruptions
from kb.chrome import duplicate_edits
from kb.normalise import normalise, to_traditional, tw_phrase_table
from kb.textedit import apply

ROOT = Path(__file__).resolve().parent.parent

# --- 1. a short body printed twice ---------------------------------------------------

NOTICE = """某区教育局关于做好2024年春季学期中小学转学工作的通知
各街道中心学校，区属各中小学：
为规范转学管理，保障学生合理流动，现就有关事项通知如下。
一、办理时间
2月19日至2月23日集中办理，逾期不再受理。
二、办理条件
随父母工作调动或户籍迁移的学生，可凭相关证明申请转学，接收学校不得拒收。
某区教育局
2024年2月6日"""


def dedupe(page: str) -> str:
    return apply(page, duplicate_edits(page))


@pytest.mark.parametrize("between", ["\n", "\n\n【打印本页】【关闭窗口】\n\n", "\n分享到：\n"])
def test_short_notice_printed_twice_is_kept_once(between):
    assert 150 < len(NOTICE) < 400
    out = normalise(NOTICE + between + NOTICE + "\n").text
    assert out.count("办理条件") == 1 and out.count("接收学校不得拒收") == 1
    assert out.startswith("某区教育局关于") and out.endswith("2024年2月6日")


def test_copies_differing_in_spacing_and_punctuation_width_are_one_body():
    second = NOTICE.replace("，", " , ").replace("。", "。 ").replace("：", ":")
    out = normalise(NOTICE + "\n" + second + "\n").text
    assert out.count("接收学校不得拒收") == 1
    assert out.count("逾期不再受理") == 1


def test_repeated_headings_and_target_lines_of_a_plan_are_kept():
    plan = ("一、学前教育\n到2025年,全区学前三年毛入园率达到95%以上。\n(一)扩大资源。新建幼儿园3所。\n"
            "二、义务教育\n到2025年,全区学前三年毛入园率达到95%以上。\n(一)扩大资源。新建学校2所。\n"
            "三、保障措施\n加强组织领导,落实经费保障。\n")
    assert duplicate_edits(plan) == []
    assert normalise(plan).text.count("到2025年,全区学前三年毛入园率达到95%以上。") == 2


def test_task_table_repeating_a_task_sentence_is_kept():
    body = "(一)推进集团化办学。组建教育集团5个,覆盖城区全部小学。\n(二)加强师资。每年招聘教师60名。\n"
    table = "序号\n重点任务\n牵头单位\n1\n推进集团化办学。组建教育集团5个,覆盖城区全部小学。\n区教育局\n"
    page = body + "附件\n任务分解表\n" + table
    assert dedupe(page) == page


# --- 2. titles and leading table rows survive chrome ------------------------------

def test_table_with_bar_separated_cells_after_chrome_survives():
    page = "首页 > 通知公告\n扫一扫\n序号 |\n重点任务 |\n牵头单位 |\n1 |\n改建运动场2个 |\n区教育局 |\n2 |\n增设学位300个 |\n区教育局 |\n关闭\n"
    out = normalise(page).text
    assert out.startswith("序号 |\n重点任务 |\n牵头单位 |\n1 |\n改建运动场2个 |")
    assert "增设学位300个 |" in out and "关闭" not in out and "扫一扫" not in out


def test_table_caption_and_cells_before_share_widgets_survive():
    page = ("一、目标\n到2026年建成。\n附件\n重点任务清单\n分享到:\n扫一扫\n序号\n工作任务\n完成时限\n1\n改造旱厕\n"
            "2025年底\n打印 关闭\n")
    out = normalise(page).text
    assert "附件\n重点任务清单\n序号\n工作任务\n完成时限\n1\n改造旱厕\n2025年底" in out
    assert "分享" not in out and "打印" not in out


def test_title_without_a_title_word_survives_the_page_header():
    page = "网站首页\n政务公开\n打印\n某区中小学午餐供给三年攻坚\n为改善学生营养,制定本方案。\n一、目标\n"
    out = normalise(page).text
    assert out.startswith("某区中小学午餐供给三年攻坚\n为改善学生营养")
    assert "网站首页" not in out and "政务公开" not in out


# --- 3. Taiwan vocabulary ---------------------------------------------------------

def test_taiwan_style_text_gets_mainland_words():
    raw = "一、推動資訊化建設\n最佳化校園網路與軟體環境，提升教學品質，建立健全評估指標，建設智慧校園。\n"
    n = normalise(raw)
    assert n.text == "一、推动信息化建设\n优化校园网络与软件环境,提升教学质量,建立健全评估指标,建设智慧校园。"
    assert "taiwan_vocabulary" in n.flags
    i = n.text.index("优化")
    assert n.original(i, i + 2) == "最佳化"


def test_one_taiwan_word_is_not_enough():
    n = normalise("一、加強學校資訊公開\n建立健全制度，強化指標管理。\n")
    assert "资讯公开" in n.text and "taiwan_vocabulary" not in n.flags


def test_mainland_words_in_traditional_script_are_never_rewritten():
    # Words tw2sp rewrites (建立→创建, 指标→指针, 智慧→智能, 档案→文件, 数位→数字 …) beside Taiwan words.
    raw = ("資訊與網路：建立學生檔案，整合核心資源，新增程序說明，數位教師參與，影片資料存檔，"
           "智慧教育，指標體系，品質優良。")
    text = normalise(raw).text
    for word in ("建立", "档案", "整合", "核心", "新增", "程序", "数位教师", "影片", "资料", "智慧", "指标", "品质优良"):
        assert word in text, word
    assert text.startswith("信息与网络")


def test_phrase_table_comes_from_tw2sp_and_spares_mainland_words():
    table = tw_phrase_table()
    assert table["资讯"] == "信息" and table["最佳化"] == "优化" and table["软体"] == "软件"
    for mainland in ("建立", "指标", "智慧", "档案", "资料", "数位", "线上", "影片", "整合", "核心"):
        assert mainland not in table


@pytest.mark.parametrize("path", sorted(glob.glob(str(ROOT / "corpus/raw/*.txt"))))
def test_seeds_have_no_taiwan_vocabulary(path):
    n = normalise(Path(path).read_text(encoding="utf-8"))
    assert not n.log.count("tw_phrases") and "taiwan_vocabulary" not in n.flags


# --- 4. UTF-8 read as GBK, anywhere -------------------------------------------------

SENTENCES = (
    "全区公办幼儿园在园幼儿占比达到55%以上，每个街道至少办好一所公办中心园。",
    "推进城乡学校共同体建设，结对帮扶乡村学校二十所。",
    "落实中小学教师平均工资收入水平不低于当地公务员平均工资收入水平。",
    "建立课后服务经费保障机制，确保课后服务覆盖率达到100%。",
    "各牵头单位要于每季度末报送工作进展情况。",
    "改善农村寄宿制学校办学条件，配齐生活设施设备。",
    "到2027年，高中阶段毛入学率稳定在96%以上。",
    "健全特殊教育资源中心，残疾儿童入学率保持在97%。",
)


def _mojibake(s: str, marker: str) -> str:
    return s.encode("utf-8").decode("gbk", errors="replace").replace("\ufffd", marker)


@pytest.mark.parametrize("marker", ["?", "\ufffd"])
def test_utf8_read_as_gbk_is_flagged_wherever_it_falls(marker):
    rng = random.Random(11)
    trials = found = 0
    while trials < 200:
        s = rng.choice(SENTENCES)
        a = rng.randrange(0, len(s) - 4)
        b = rng.randrange(a + 3, min(len(s), a + 16) + 1)
        if sum(not c.isascii() for c in s[a:b]) < 2:
            continue  # "027": nothing to garble
        trials += 1
        moj = _mojibake(s[a:b], marker)
        other = rng.choice(SENTENCES)
        head = f"一、工作目标\n{other}{s[:a]}"
        raw = f"{head}{moj}{s[b:]}{other}\n"
        n = normalise(raw)
        found += bool(n.corrupted_spans)
        for c in n.corrupted_spans:  # every span lies on the damage, none on clean text
            lo, hi = n.log.to_raw(c.start, c.end)
            assert lo < len(head) + len(moj) and hi > len(head), (c.raw, moj)
    # Misses: a garbled stretch whose GBK reading holds a vertical presentation form (︾),
    # which NFKC folds to 》 before the detector sees it.
    assert found >= 0.95 * trials


def _clean_texts():
    from kb.decode import decode_bytes
    for f in sorted(glob.glob(str(ROOT / "corpus/raw/*")) + glob.glob(str(ROOT / "tests/data/forms/*"))):
        if f.endswith(".json"):
            continue
        text = unicodedata.normalize("NFKC", decode_bytes(Path(f).read_bytes()).text)
        yield f, text
        yield f + " (s2t)", to_traditional(text)


def test_no_false_utf8_as_gbk_flags_on_clean_text():
    flagged = [(f, c.raw) for f, text in _clean_texts() for c in find_corruptions(text) if c.shape == "utf8_as_gbk"]
    # the one form that carries this damage on purpose, twice (its body is printed twice)
    assert {f for f, _ in flagged} <= {str(ROOT / "tests/data/forms/f07_weining_2022_fangan.html"),
                                       str(ROOT / "tests/data/forms/f07_weining_2022_fangan.html (s2t)")}


def test_clean_invented_sentences_are_not_flagged():
    text = "".join(SENTENCES) + "".join(to_traditional(s) for s in SENTENCES) + "请问如何办理?答:请到窗口办理。"
    assert find_corruptions(unicodedata.normalize("NFKC", text)) == []


# --- 5. entities ------------------------------------------------------------------

@pytest.mark.parametrize("raw, want", [
    ("&amp;amp;nbsp;推进", "推进"),
    ("&#12288&#12288推进", "推进"),
    ("&sp;&sp;推进", "推进"),
    ("&#8220;公办&#8221;园", "“公办”园"),
    ("&#x201C;公办&#x201D;园", "“公办”园"),
    ("&amp;ldquo;公办&amp;rdquo;园", "“公办”园"),
    ("面积&ge;30平方米", "面积≥30平方米"),
    ("AT&T与&lenovo", "AT&T与&lenovo"),
    ("&#0;推进", "&#0;推进"),
])
def test_undecoded_entities(raw, want):
    assert normalise("一、目标\n" + raw + "。\n").text == "一、目标\n" + want + "。"
