"""/ (the search page) and its JSON twin /api/search."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

from flask import Blueprint, current_app, jsonify, render_template, request

from kb.documents import list_documents

from . import DEFAULT_BASE_URL, get_store
from .params import BadRequest, export_format, int_arg, shown

bp = Blueprint("search", __name__)

FIELDS = ("q", "province", "region", "level", "kind", "year_from", "year_to", "has_target", "sort", "view", "doc_id",
          "page")
SORTS = {"relevance": "相关度", "newest": "日期(新→旧)", "oldest": "日期(旧→新)", "region": "地区代码"}
LEVELS = {"province": "省级", "prefecture": "地市级", "county": "县级"}


def message_of(exc) -> str:
    """A SearchError in the UI's language; a value the user typed is quoted back cut to a readable length,
    without control characters."""
    from kb.search import message_zh

    return message_zh(exc, quote=shown)


def parse_query():
    """The request's arguments as a SearchQuery (raises BadRequest with a message)."""
    from kb.search import SearchQuery

    has = (request.args.get("has_target") or "").strip().lower()
    if has not in ("", "1", "0", "true", "false", "on"):
        raise BadRequest(f"参数 has_target 只能是 1 或 0,收到的是“{shown(has)}”。")
    level = (request.args.get("level") or "").strip() or None
    if level is not None and level not in LEVELS:
        raise BadRequest(f"参数 level 只能是 province、prefecture 或 county,收到的是“{shown(level)}”。")
    return SearchQuery(
        q=(request.args.get("q") or "").strip(),
        province=(request.args.get("province") or "").strip() or None,
        region=(request.args.get("region") or "").strip() or None,
        level=level,
        year_from=int_arg("year_from", 1949, 2100),
        year_to=int_arg("year_to", 1949, 2100),
        has_target=None if has == "" else has in ("1", "true", "on"),
        page=int_arg("page", 1, 10_000) or 1,
        sort=(request.args.get("sort") or "").strip() or "relevance",
        kind=(request.args.get("kind") or "").strip() or None,
        doc_id=(request.args.get("doc_id") or "").strip() or None,
    )


def _view() -> str:
    view = (request.args.get("view") or "").strip() or "clauses"
    if view not in ("clauses", "plans"):
        raise BadRequest(f"参数 view 只能是 clauses(逐条)或 plans(按方案归并),收到的是“{shown(view)}”。")
    return view


def _run():
    from kb.search import SearchError, search, search_plans

    query = parse_query()
    run = search_plans if _view() == "plans" else search
    try:
        return query, run(Path(current_app.config["INDEX_DIR"]), get_store(), query)
    except SearchError as exc:
        raise BadRequest(message_of(exc)) from exc


FORMAT_LABELS = {"xlsx": "Excel", "docx": "Word", "csv": "CSV", "json": "JSON"}


def _export_links() -> list[dict]:
    args = [(k, v) for k, v in request.args.items(multi=True) if k not in ("format", "page")]
    return [{"format": f, "label": label, "url": "/search/download?" + urlencode(args + [("format", f)])}
            for f, label in FORMAT_LABELS.items()]


@bp.get("/search/download")
def download():
    """The result list (both tiers, at most 5,000 clauses) as XLSX, DOCX, CSV or JSON."""
    from kb.export import FORMATS
    from kb.search import SearchError
    from kb.searchexport import collect, export_search, filename

    from .downloads import send_export
    from .errors import error_response

    try:
        fmt = export_format(FORMATS)
        query = parse_query()
        result = collect(Path(current_app.config["INDEX_DIR"]), get_store(), query)
    except BadRequest as exc:
        return error_response(400, str(exc))
    except SearchError as exc:
        return error_response(400, message_of(exc))
    return send_export(lambda base_url: export_search(result, fmt, base_url=base_url), fmt, filename(result, fmt),
                       "检索结果共 {rows} 条,超过了 Word 表格 {limit} 行的上限;请导出 Excel 或 CSV,或用筛选条件缩小范围。")


@bp.get("/api/search")
def api_search():
    from .errors import error_response

    try:
        _, result = _run()
    except BadRequest as exc:
        return error_response(400, str(exc))
    return jsonify(result)


@bp.get("/")
def index():
    from .errors import error_response

    args = {k: request.args.get(k, "") for k in FIELDS}
    if not args["q"].strip():
        if request.args.get("q") is not None:
            return error_response(400, "请输入检索词。")
        return render_template("search.html", args=args, result=None, documents=list_documents(get_store()), levels=LEVELS,
                               sorts=SORTS)
    try:
        query, result = _run()
    except BadRequest as exc:
        return render_template("search.html", args=args, result=None, error=str(exc), documents=None, levels=LEVELS,
                               sorts=SORTS), 400
    from kb.search import explain

    from kb.search import reference

    base = current_app.config.get("BASE_URL") or DEFAULT_BASE_URL
    shown_hits = [p["best"] for p in result["plans"] if p["best"]] if result.get("view") == "plans" else result["hits"]
    references = [reference(h, base) for h in shown_hits]
    return render_template("search.html", args=args, result=result, query=query, explain=explain(query.q),
                           documents=None, levels=LEVELS, sorts=SORTS, exports=_export_links(), references=references)
