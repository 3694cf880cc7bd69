"""/ (the search page) and its JSON twin /api/search."""
from __future__ import annotations

import io
from pathlib import Path
from urllib.parse import urlencode

from flask import Blueprint, current_app, jsonify, render_template, request, send_file

from kb.documents import list_documents

from . import DEFAULT_BASE_URL, get_store
from .params import BadRequest, int_arg, shown

bp = Blueprint("search", __name__)

FIELDS = ("q", "province", "region", "level", "kind", "year_from", "year_to", "has_target", "sort", "view", "doc_id",
          "page")
SORTS = {"relevance": "相关度", "newest": "日期(新→旧)", "oldest": "日期(旧→新)", "region": "地区代码"}
LEVELS = {"province": "省级", "prefecture": "地市级", "county": "县级"}


# kb.search.SearchError codes in the UI's language.
MESSAGES = {
    "empty": "请输入检索词。",
    "too_long": "检索词共 {length} 个字,超过了 {limit} 个字的上限,请缩短。",
    "page": "没有第 {page} 页的结果。",
    "per_page": "每页条数应在 1 到 {limit} 之间。",
    "years": "年份范围 {year_from}—{year_to} 有误:起始年份应不晚于截止年份。",
    "only_negated": "检索式只有排除词,请至少输入一个要查找的词。",
    "province": "不认识省份“{value}”,请输入省份全称(如 广东省)或代码。",
    "not_province": "“{value}”不是省级行政区;地市和县区请用“地区”筛选。",
    "region": "不认识地区“{value}”,或同名地区不止一个;请输入全称或 6 位代码。",
    "level": "层级只能是 province(省级)、prefecture(地市级)或 county(县级)。",
    "doc": "没有编号为 {value} 的文件。",
    "sort": "排序方式只能是 relevance、newest、oldest 或 region。",
    "kind": "文件类型只能是 方案计划、规划、意见、法规规章、工作要点、通知 或 其他。",
}


def message_of(exc) -> str:
    template = MESSAGES.get(getattr(exc, "code", ""), "检索条件有误:{error}")
    # a value the user typed is quoted back cut to a readable length, without control characters
    params = {k: shown(v) if isinstance(v, str) else v for k, v in getattr(exc, "params", {}).items()}
    return template.format(error=shown(str(exc), 200), **params)


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
    from kb.export import FORMATS, MEDIA_TYPES, ExportTooLarge
    from kb.search import SearchError
    from kb.searchexport import collect, export_search, filename

    from .errors import error_response

    fmt = (request.args.get("format") or "").strip().lower()
    if fmt not in FORMATS:
        given = f"不支持导出格式“{shown(fmt)}”" if fmt else "请用 format 参数指定导出格式"
        return error_response(400, given + ",可选:" + "、".join(FORMATS) + "。")
    try:
        query = parse_query()
        result = collect(Path(current_app.config["INDEX_DIR"]), get_store(), query)
    except BadRequest as exc:
        return error_response(400, str(exc))
    except SearchError as exc:
        return error_response(400, message_of(exc))
    try:
        data = export_search(result, fmt, base_url=current_app.config.get("BASE_URL") or DEFAULT_BASE_URL)
    except ExportTooLarge as exc:
        return error_response(413, f"检索结果共 {exc.rows} 条,超过了 Word 表格 {exc.limit} 行的上限;"
                                   "请导出 Excel 或 CSV,或用筛选条件缩小范围。")
    return send_file(io.BytesIO(data), mimetype=MEDIA_TYPES[fmt], as_attachment=True,
                     download_name=filename(result, fmt))


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
