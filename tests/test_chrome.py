"""Site chrome and repeated bodies on pages of other templates than the seeds'."""
from kb.chrome import chrome_edits, duplicate_edits
from kb.textedit import apply


def clean(text: str) -> str:
    return apply(text, chrome_edits(text))


TRS_PAGE = """首页 > 政务公开 > 政策文件
某某县人民政府办公室关于印发某某县学前教育普及普惠实施方案的通知
发布时间:2023-05-06 09:30 来源:县教育局 浏览次数:1234 【字体:大 中 小】
分享到:
某府办〔2023〕7号
各乡镇人民政府,县直各单位:
现将《某某县学前教育普及普惠实施方案》印发给你们,请认真贯彻执行。
一、工作目标
到2025年,学前三年毛入园率达到95%以上。
(责任单位:县教育局、县财政局)
附件:某某县学前教育普及普惠实施方案任务分解表
【打印本页】【关闭窗口】
相关链接
国务院办公厅关于进一步加强学前教育的通知
某某县召开学前教育工作会议
主办:某某县人民政府办公室 承办:某某县大数据中心
版权所有:某某县人民政府 网站标识码:1234567890
ICP备案号:浙ICP备12345678号-1 浙公网安备 33108102000123号
"""


def test_trs_like_page_keeps_the_plan_and_drops_the_chrome():
    out = clean(TRS_PAGE)
    for kept in ("某某县人民政府办公室关于印发", "发布时间:2023-05-06 09:30 来源:县教育局", "某府办〔2023〕7号",
                 "各乡镇人民政府,县直各单位:", "一、工作目标", "毛入园率达到95%以上", "(责任单位:县教育局、县财政局)",
                 "附件:某某县学前教育普及普惠实施方案任务分解表"):
        assert kept in out, kept
    for dropped in ("首页 >", "浏览次数", "字体", "分享到", "打印本页", "相关链接", "国务院办公厅关于进一步加强学前教育的通知",
                    "某某县召开学前教育工作会议", "主办", "版权所有", "ICP备案号", "公网安备"):
        assert dropped not in out, dropped


def test_table_cells_at_the_end_of_a_plan_survive_a_print_button():
    page = "一票否决\n1\n有以下情况之一的县不予认定。\n规范招生行为。\n市教育局\n市公安局\n各镇(街道)、东部新区\n打印 关闭\n"
    out = clean(page)
    assert "市公安局\n各镇(街道)、东部新区\n" in out and "打印" not in out


def test_prose_that_mentions_chrome_words_is_kept():
    line = "5.加强法治建设。聘请法律顾问,为学校提供法律服务,扫码即可预约咨询,不断提高依法治校水平。\n"
    assert clean(line) == line


def test_signature_and_date_lines_are_kept():
    page = "附件:1.工作领导小组\n2.职责分解表\n某某县人民政府办公室\n2023年5月6日\n(此件公开发布)\n扫一扫在手机打开当前页\n"
    out = clean(page)
    assert "某某县人民政府办公室\n2023年5月6日\n" in out and "扫一扫" not in out


def test_duplicated_body_is_kept_once():
    body = "\n".join(f"({i})第{i}项任务。推进义务教育优质均衡发展,确保各项指标达到国家标准要求。" for i in range(1, 40))
    page = f"标题\n{body}\n版权所有:某某县人民政府\n{body}\n发文日期:2023-03-17\n"
    out = apply(page, duplicate_edits(page))
    assert out.count("(7)第7项任务") == 1
    assert out.startswith("标题\n(1)") and out.rstrip().endswith("发文日期:2023-03-17")


def test_short_repeats_are_not_bodies():
    page = "市教育局\n市财政局\n市教育局\n市财政局\n" * 20
    assert duplicate_edits(page) == []


def test_title_lines_and_leading_table_rows_survive():
    from kb.normalise import normalise as _n
    page = "首页 > 政策文件\n扫一扫\n某县学前教育普及普惠\n巩固提升行动方案\n为巩固成果，制定本方案。"
    assert _n(page).text.startswith("某县学前教育普及普惠\n巩固提升行动方案")
    page = "首页 > 通知公告\n扫一扫\n打印\n序号\n重点任务\n牵头单位\n1\n新建幼儿园\n县教育局\n关闭"
    assert _n(page).text.startswith("序号\n重点任务\n牵头单位\n1\n")
    page = "某市教育局文件\n某教发(2010)78号\n\n某市义务教育实施细则\n第一条 为规范办学，制定本细则。"
    assert _n(page).text.startswith("某市教育局文件\n某教发(2010)78号")
