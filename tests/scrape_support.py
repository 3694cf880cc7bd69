"""A government site on 127.0.0.1 for the scraper tests: fixture pages and misbehaving routes.

Nothing here touches the internet.  :class:`SiteServer` is a threaded
``http.server`` on port 0; :func:`government_site` registers the fixture
pages of ``tests/fixtures/pages`` at the addresses their templates use, the
listings, the attachments (built here: .docx through kb.worddoc, .xlsx
through kb.spreadsheet, a PDF written by hand the way Word/WPS print one),
robots.txt, and the routes that fail in the ways real servers do.
"""
from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "pages"

HTML = "text/html"


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict = field(default_factory=dict)
    delay: float = 0.0  # seconds before the status line is sent


Route = Callable[["Request"], Reply]


@dataclass(frozen=True)
class Request:
    path: str  # with the query string
    headers: dict
    at: float  # monotonic time the request arrived


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        """A client that hangs up early (a size cap, a timeout) is part of the tests, not an error."""


class SiteServer:
    """Routes are matched on the path with its query string, then on the path alone."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.log: list[Request] = []
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802
                req = Request(self.path, {k.lower(): v for k, v in self.headers.items()}, time.monotonic())
                with server.lock:
                    server.log.append(req)
                route = server.routes.get(self.path) or server.routes.get(self.path.split("?", 1)[0])
                reply = route(req) if route else Reply(404, "<html><body><h1>404 页面不存在</h1></body></html>".encode(),
                                                        {"Content-Type": "text/html; charset=utf-8"})
                if reply.delay:
                    time.sleep(reply.delay)
                try:
                    self.send_response(reply.status)
                    headers = {"Content-Length": str(len(reply.body)), **reply.headers}
                    for k, v in headers.items():
                        self.send_header(k, v)
                    self.end_headers()
                    self.wfile.write(reply.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args) -> None:
                pass

        self.httpd = _QuietServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def add(self, path: str, route: Route | Reply) -> None:
        self.routes[path] = route if callable(route) else (lambda req, r=route: r)

    def page(self, path: str, body: bytes, content_type: str = "text/html", **headers: str) -> None:
        self.add(path, Reply(200, body, {"Content-Type": content_type, **headers}))

    def hits(self, path: str) -> list[Request]:
        with self.lock:
            return [r for r in self.log if r.path == path]

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def free_port() -> int:
    """A port nothing listens on (bound, then released)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


# --- attachments --------------------------------------------------------------------------------

DUTIES_HEADER = ["序号", "工作任务", "责任单位", "完成时限"]
DUTIES_ROWS = [
    ["1", "新建、改扩建中小学校6所，新增公办学位3600个", "市教育局\n市发展改革局", "2025年12月"],
    ["2", "小学、初中校际差异系数分别不高于0.50和0.45", "市教育局", "2025年12月"],
    ["3", "每年组织教师全员培训不少于72学时", "市教育局\n市人力资源社会保障局", "每年"],
]


def docx_attachment() -> bytes:
    from kb.worddoc import write_table_document

    return write_table_document("恩平市义务教育优质均衡发展职责分解表", DUTIES_HEADER, DUTIES_ROWS)


def xlsx_attachment() -> bytes:
    from kb.spreadsheet import Column, write_table

    cols = [Column("序号", 6), Column("工作内容", 40), Column("牵头单位", 20), Column("完成时间", 12)]
    rows = [["1", "课后服务覆盖率达到100%", "市教育局", "2023年9月"],
            ["2", "城乡学校结对帮扶实现乡镇学校全覆盖", "市教育局", "2024年6月"]]
    return write_table(cols, rows, sheet_title="工作清单")


def pdf_attachment(lines: list[str]) -> bytes:
    """A one-page PDF as Word/WPS print Chinese text: a Type0 font, Identity-H, a ToUnicode CMap."""
    chars = sorted({c for ln in lines for c in ln})
    cid = {c: i + 1 for i, c in enumerate(chars)}
    content = ["BT", "/F1 12 Tf", "14 TL", "50 800 Td"]
    content += [f"<{''.join(f'{cid[c]:04X}' for c in ln)}> Tj T*" for ln in lines]
    content.append("ET")
    stream = "\n".join(content).encode()
    bf = "\n".join(f"<{cid[c]:04X}> <{ord(c):04X}>" for c in chars)
    cmap = ("/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
            "/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
            "1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
            f"{len(chars)} beginbfchar\n{bf}\nendbfchar\n"
            "endcmap CMapName currentdict /CMap defineresource pop end end").encode()
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H /DescendantFonts [6 0 R] /ToUnicode 7 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) "
        b"/Supplement 0 >> /DW 1000 /FontDescriptor 8 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(cmap) + cmap + b"\nendstream",
        b"<< /Type /FontDescriptor /FontName /SimSun /Flags 4 /FontBBox [0 -140 1000 860] /ItalicAngle 0 /Ascent 860 "
        b"/Descent -140 /CapHeight 700 /StemV 80 >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


PDF_LINES = ["恩平市义务教育学校建设项目表", "项目名称 建设规模 新增学位", "恩平市第三中学扩建工程 教学楼一栋 900个"]


# --- the site -----------------------------------------------------------------------------------

ENPING = "/enping/zwgk/zfwj/202303/t20230301_2861234.html"  # TRS 信息公开 article (GBK)
ENPING_DIR = "/enping/zwgk/zfwj/202303/"
XINXING = "/enping/zwgk/zfwj/202308/t20230830_2899001.html"  # wrong declared charset
TAISHAN = "/taishan/zwgk/tzgg/202304/t20230412_2875001.html"  # TRS UEditor
JIASHAN = "/art/2023/3/15/art_1229505_5862001.html"  # Hanweb
LONGCHUAN = "/art/2023/7/25/art_1229505_5863002.html"  # GBK without charset (listed by Hanweb)
GOVCN = "/zhengce/content/202305/content_6889123.htm"  # UCAP
NANAN = "/xxgk/ml/jy/202209/t20220920_348.html"  # 信息公开 of an unknown CMS
JIEXI = "/jyj/show.asp?id=1023"  # unknown template
LUFENG = "/fanti/zwgk/202306/t20230612_100.html"  # Big5
MIRROR = "/doc/889231.html"  # mirror of TAISHAN (served under the host name "localhost")
LOGIN = "/sso/login"  # a login form
PROTECTED = "/zwgk/neibu/t20230301_1.html"  # redirects to the login form
HOME = "/index.html"  # a portal home page: links, no article
EMPTY = "/zwgk/tzgg/t20230101_0.html"  # 200 with no content
REDIRECTED = "/go/t20230301_2861234"  # 301 → 302 → ENPING
SCRIPTED = "/zwgk/zcjd/content.html?id=4471"  # the article is drawn by JavaScript: no body in the HTML
SCRIPTED_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>政策解读</title>
<script src="/static/js/chunk-vendors.js"></script><script src="/static/js/app.js"></script></head>
<body><div class="header"><a href="/">首页</a> <a href="/zwgk/">政务公开</a></div>
<div id="app"><p class="loading">正在加载……</p></div>
<noscript>请开启浏览器的JavaScript功能</noscript></body></html>"""
TRS_LISTING = "/enping/zwgk/zfwj/index.html"
HANWEB_LISTING = "/col/col1229505/index.html"
HANWEB_UID = "5040305"


def trs_listing(page: int, pages: int, items: list[tuple[str, str, str]]) -> bytes:
    lis = "\n".join(f'<li><a href="{href}" target="_blank" title="{title}">{title}</a><span>{date}</span></li>'
                    for href, title, date in items)
    html = f"""<!DOCTYPE html><html><head><meta charset="gb2312"><meta name="SiteName" content="恩平市人民政府">
<meta name="ColumnName" content="政府文件"><title>政府文件_恩平市人民政府</title></head><body>
<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/enping/zwgk/">政务公开</a></li><li><a href="/enping/zwfw/">政务服务</a></li></ul></div>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="../">政务公开</a> &gt; 政府文件</div>
<div class="list-box"><ul class="list">
{lis}
</ul>
<div class="page"><script type="text/javascript">
var countPage = {pages}//共多少页
var currentPage = {page}//当前页
createPageHTML(countPage, currentPage, "index", "html");
</script></div></div>
<div class="footer">主办：恩平市人民政府办公室 网站标识码：4407850057</div>
</body></html>"""
    return html.encode("gbk")


def hanweb_listing(page: int, total: int, records: list[tuple[str, str, str]]) -> bytes:
    recs = "\n".join(f"<record><![CDATA[\n<li><a href='{href}' title='{title}' target='_blank'>{title}</a>"
                     f"<span>{date}</span></li>\n]]></record>" for href, title, date in records)
    html = f"""<!DOCTYPE html><html><head><meta charset="utf-8"><meta name="SiteName" content="嘉善县人民政府">
<meta name="ColumnName" content="县政府文件"><title>县政府文件</title>
<script language="javascript" src="/module/jslib/jquery/jquery.js"></script></head><body>
<div class="nav-box"><ul><li><a href="/">首页</a></li><li><a href="/col/col1229500/index.html">要闻动态</a></li></ul></div>
<div class="list-main"><div id="{HANWEB_UID}"><script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid=3095&path=/&columnid=1229505&unitid={HANWEB_UID}&webname=%E5%98%89%E5%96%84&permissiontype=0"></a>]]></nextgroup>
<recordset>
{recs}
</recordset>
<totalrecord>{len(records) * total}</totalrecord><totalpage>{total}</totalpage></datastore></script>
<script language="javascript" src="/module/web/jpage/jpage.js"></script>
<script>var pageNum = {page};</script></div></div>
<div class="footer">浙ICP备05000321号</div></body></html>"""
    return html.encode("utf-8")


def government_site(server: SiteServer) -> SiteServer:
    """Register every fixture page and route on ``server``."""
    gbk = {"Content-Type": "text/html"}  # real TRS servers often send no charset
    server.page(ENPING, fixture("trs_xxgk_gbk.html"), "text/html", ETag='"5e1a-2861234"',
                **{"Last-Modified": "Wed, 01 Mar 2023 08:20:00 GMT"})
    server.page(XINXING, fixture("wrong_charset.html"), "text/html; charset=gb2312")
    server.page(TAISHAN, fixture("trs_ueditor_utf8.html"), "text/html; charset=utf-8")
    server.page(JIASHAN, fixture("hanweb_zoom.html"), "text/html; charset=utf-8")
    server.page(LONGCHUAN, fixture("nocharset_gbk.html"), **gbk)
    server.page(GOVCN, fixture("ucap_govcn.html"), "text/html; charset=utf-8")
    server.page(NANAN, fixture("xxgk_generic.html"), "text/html; charset=utf-8")
    server.page(JIEXI, fixture("generic_unknown.html"), "text/html")
    server.page(LUFENG, fixture("big5_page.html"), "text/html")
    server.page(MIRROR, fixture("mirror_wenku.html"), "text/html; charset=utf-8")
    # attachments of ENPING (relative links ./P0202303….ext)
    server.page(ENPING_DIR + "P020230301556612345678.docx", docx_attachment(),
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    server.page(ENPING_DIR + "P020230301556612349901.xlsx", xlsx_attachment(), "application/octet-stream")
    server.page(ENPING_DIR + "P020230301556612351122.pdf", pdf_attachment(PDF_LINES), "application/pdf")
    server.page(ENPING_DIR + "P020230301556612352233.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512),
                "application/msword")
    server.page(ENPING_DIR + "P020230301556612353344.wps", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512),
                "application/octet-stream")
    # listings
    server.page(TRS_LISTING, trs_listing(0, 2, [
        ("./202303/t20230301_2861234.html", "恩平市人民政府办公室关于印发恩平市推进义务教育优质均衡发展实施方案的通知", "2023-03-01"),
    ]), "text/html")
    server.page("/enping/zwgk/zfwj/index_1.html", trs_listing(1, 2, [
        ("./202308/t20230830_2899001.html", "新兴县人民政府办公室关于印发新兴县推进县域普通高中发展提升行动实施方案的通知", "2023-08-30"),
    ]), "text/html")
    server.page(HANWEB_LISTING, hanweb_listing(1, 2, [
        (JIASHAN, "嘉善县人民政府关于印发嘉善县基础教育高质量发展行动方案（2023—2025年）的通知", "2023-03-15"),
    ]), "text/html; charset=utf-8")
    server.page(f"{HANWEB_LISTING}?uid={HANWEB_UID}&pageNum=2", hanweb_listing(2, 2, [
        (LONGCHUAN, "龙川县人民政府办公室关于印发龙川县中小学教师队伍建设三年行动方案的通知", "2023-07-25"),
    ]), "text/html; charset=utf-8")
    server.page("/robots.txt", b"User-agent: *\nDisallow: /private/\nDisallow: /admin/\n", "text/plain")
    server.page("/private/plan.html", fixture("trs_ueditor_utf8.html"), "text/html; charset=utf-8")
    # pages that are not plans
    server.page(LOGIN, fixture("login_wall.html"), "text/html; charset=utf-8")
    server.add(PROTECTED, Reply(302, b"", {"Location": LOGIN + "?service=%2Fzwgk%2Fneibu%2Ft20230301_1.html"}))
    server.page(HOME, fixture("portal_home.html"), "text/html; charset=utf-8")
    server.page(EMPTY, b"", "text/html; charset=utf-8")
    server.page(SCRIPTED, SCRIPTED_PAGE.encode("utf-8"), "text/html; charset=utf-8")
    server.add(REDIRECTED, Reply(301, b"", {"Location": "/go/next"}))
    server.add("/go/next", Reply(302, b"", {"Location": ENPING}))
    return server
