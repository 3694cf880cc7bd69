"""/compare (by indicator or by topic), its JSON twin /api/compare and /compare/download."""
from __future__ import annotations

from html import escape
from pathlib import Path
from urllib.parse import urlencode

from flask import Blueprint, current_app, jsonify, render_template, request

from kb import families, taxonomy
from kb.compare import STAGES, VERDICT_LABELS, CompareError, CompareQuery, compare_indicator, compare_topic, filters_text
from kb.export import FORMATS, export, filename

from . import get_store
from .chart import indicator_chart
from .downloads import send_export
from .params import SPLIT, BadRequest, export_format, int_arg, names_arg, shown

bp = Blueprint("compare", __name__)

SORTS = {"region": "按地区", "value": "按目标值升序", "-value": "按目标值降序", "deadline": "按期限"}
FORMAT_LABELS = {"xlsx": "Excel", "docx": "Word", "csv": "CSV", "json": "JSON"}

# kb.compare.CompareError codes in the UI's language.
MESSAGES = {
    "indicator_empty": "请选择要对比的指标。",
    "one_indicator": "一次只能对比一个指标,请从列表中选择一个。",
    "indicator": "不认识指标“{value}”。",
    "region": "不认识地区“{value}”。",
    "region_ambiguous": "地区名“{value}”不止一个,请选择其中之一:",
    "province": "不认识省份“{value}”。",
    "not_province": "“{value}”不是省级行政区;地市和县区请填在“地区”里。",
    "stage": "不认识学段“{value}”。",
    "sort": "不支持排序方式“{value}”。",
    "years": "期限年份范围 {year_from}—{year_to} 有误:起始年份应不晚于截止年份。",
    "too_many": "对比结果共 {rows} 行,超过了 {limit} 行的上限;请按省份、地区、学段或期限缩小范围。",
}
SEARCH_MESSAGES = {
    "empty": "请输入要对比的主题词。",
    "too_long": "主题词共 {length} 个字,超过了 {limit} 个字的上限,请缩短。",
    "only_negated": "主题词只有排除词,请至少输入一个要查找的词。",
}


def parse_query() -> CompareQuery:
    sort = (request.args.get("sort") or "region").strip()
    if sort not in SORTS:
        raise BadRequest(f"不支持排序方式“{shown(sort)}”,可选:" + "、".join(f"{k}({v})" for k, v in SORTS.items()) + "。")
    return CompareQuery(
        indicator=(request.args.get("indicator") or "").strip() or None,
        q=(request.args.get("q") or "").strip() or None,
        regions=names_arg("region"), provinces=names_arg("province"),
        stage=(request.args.get("stage") or "").strip() or None,
        year_from=int_arg("year_from", 1949, 2100), year_to=int_arg("year_to", 1949, 2100), sort=sort,
        include_not_set=_missing(),
    )


def _missing() -> bool:
    """List the regions without a target? Yes unless ``missing=0`` (the form sends 0 and, when ticked, 1)."""
    values = request.args.getlist("missing")
    return not values or any(v in ("1", "true", "on") for v in values)


_SUGGESTED_PARAM = {"indicator": "indicator", "region": "region", "region_ambiguous": "region", "province": "province"}


def _suggestions(exc: CompareError) -> list[dict]:
    """Close matches as links: the same request with the unknown value replaced by the match."""
    name = _SUGGESTED_PARAM.get(exc.code)
    value = str(exc.params.get("value", ""))
    out = []
    for new, label in exc.suggestions:
        if name is None:
            out.append({"label": label, "url": None})
            continue
        # the unknown value may stand alone or inside a comma list (region=普宁,郫都)
        args = [(k, ",".join(new if x == value else x for x in SPLIT.split(v) if x) if k == name else v)
                for k, v in request.args.items(multi=True)]
        out.append({"label": label, "url": "/compare?" + urlencode(args)})
    return out


def run(query: CompareQuery) -> dict:
    from kb.search import SearchError

    try:
        if query.indicator:
            return compare_indicator(get_store(), query)
        return compare_topic(Path(current_app.config["INDEX_DIR"]), get_store(), query)
    except CompareError as exc:
        params = {k: shown(v) if isinstance(v, str) else v for k, v in exc.params.items()}
        message = MESSAGES.get(exc.code, "对比条件有误:{error}").format(error=exc, **params)
        raise BadRequest(message, _suggestions(exc)) from exc
    except SearchError as exc:
        from .search import message_of

        template = SEARCH_MESSAGES.get(exc.code)
        raise BadRequest(template.format(**exc.params) if template else message_of(exc)) from exc


def _parse_and_run(missing: str) -> dict:
    """The comparison the request asks for; ``missing`` is the message when it asks for none."""
    query = parse_query()
    if not query.indicator and not query.q:
        raise BadRequest(missing)
    return run(query)


def _indicator_options() -> list[tuple[str, list[taxonomy.Indicator]]]:
    groups: dict[str, list[taxonomy.Indicator]] = {}
    scheme_names = {"教督〔2017〕6号": "义务教育优质均衡(教督〔2017〕6号)",
                    "教督〔2020〕1号": "学前教育普及普惠(教督〔2020〕1号)"}
    for ind in taxonomy.indicators():
        if ind.qualitative:
            continue
        groups.setdefault(scheme_names.get(ind.scheme, "常用指标"), []).append(ind)
    groups["地方常设指标(项目归纳)"] = [families.as_indicator(f) for f in families.families() if f.unit_kind != "status"]
    return list(groups.items())


def _provinces() -> list[dict]:
    seen: dict[str, dict] = {}
    for d in get_store().document_summaries():
        r = d["region"] or {}
        code, name = r.get("province_code"), r.get("province")
        if r.get("level") == "province":
            code, name = r.get("code"), r.get("name")
        if code and name:
            entry = seen.setdefault(code, {"code": code, "name": name, "plans": 0})
            entry["plans"] += 1
    return sorted(seen.values(), key=lambda p: p["code"])


def _export_links() -> list[dict]:
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "format"]
    return [{"format": f, "label": FORMAT_LABELS[f], "url": "/compare/download?" + urlencode(args + [("format", f)])}
            for f in ("xlsx", "docx", "csv", "json")]


def _e(value) -> str:
    return escape("" if value is None else str(value), quote=True)


def rows_html(rows: list[dict]) -> str:
    """The comparison table's body.  Built here rather than in Jinja: a table over
    all regions has thousands of rows, and this is ten times faster (every value escaped)."""
    out = []
    for r in rows:
        reg = r["region"]
        place = " · ".join(x for x in (reg["code"], reg["province"] if reg["province"] != reg["name"] else None) if x)
        units = "、".join(
            f'<span class="unit role-{_e(u["role"] or "none")}">{_e(u["name"])}{"(牵头)" if u["role"] == "lead" else ""}</span>'
            for u in r["units"])
        th = r["national_threshold"]
        if r["clause_path"]:
            source = (f'<a href="{_e(r["url"])}">条款 {_e(r["clause_path"])}</a>'
                      f'<div class="evidence">“{_e(r["evidence"]["text"])}”</div>')
        else:
            source = f'<span class="meta">{len(r.get("plans") or [])} 份方案均未设定</span>'
        out.append(
            f'<tr class="v-{r["verdict"]}"><td>{_e(reg["name"])}<div class="meta">{_e(place)}</div></td>'
            f'<td><a href="/documents/{_e(r["doc_id"])}">{_e(r["title"] or r["doc_id"])}</a>'
            f'<div class="meta">{_e(" · ".join(x for x in (r["doc_number"], r["date"]) if x))}</div></td>'
            f'<td>{_e(r["stage"])}</td><td class="value">{_e(r["value_text"] or "未设定")}</td>'
            f'<td>{_e(r["deadline"] or r["deadline_text"])}</td><td>{units}</td>'
            f'<td>{_e(th["text"] if th else "无")}</td>'
            f'<td class="verdict v-{r["verdict"]}">{_e(r["verdict_label"])}</td><td class="source">{source}</td></tr>'
        )
    return "\n".join(out)


@bp.get("/api/compare")
def api_compare():
    from .errors import error_response

    try:
        result = _parse_and_run("请给出 indicator(指标)或 q(主题词)参数。")
    except BadRequest as exc:
        response, status = error_response(400, str(exc))
        if exc.suggestions:
            body = response.get_json()
            body["suggestions"] = [s["label"] for s in exc.suggestions]
            return jsonify(body), status
        return response, status
    return jsonify(result)


@bp.get("/compare/download")
def download():
    from .errors import error_response

    try:
        fmt = export_format(FORMATS)
        result = _parse_and_run("请先选择要对比的指标或输入主题词。")
    except BadRequest as exc:
        return error_response(400, str(exc))
    return send_export(lambda base_url: export(result, fmt, base_url=base_url), fmt, filename(result, fmt),
                       "对比结果共 {rows} 行,超过了 Word 表格 {limit} 行的上限;请导出 Excel 或 CSV,或按省份、地区、学段、期限缩小范围。")


@bp.get("/compare")
def compare_page():
    args = {
        "indicator": request.args.get("indicator", ""), "q": request.args.get("q", ""),
        "regions": "、".join(names_arg("region")), "provinces": set(names_arg("province")),
        "stage": request.args.get("stage", ""), "year_from": request.args.get("year_from", ""),
        "year_to": request.args.get("year_to", ""), "sort": request.args.get("sort", "region"),
        "missing": _missing(),
    }
    context = {"args": args, "options": _indicator_options(), "provinces": _provinces(), "stages": STAGES,
               "sorts": SORTS, "verdict_labels": VERDICT_LABELS, "result": None}
    if not args["indicator"].strip() and not args["q"].strip():
        if "indicator" in request.args or "q" in request.args:
            context["error"] = "请选择要对比的指标,或输入要对比的主题词。"
            return render_template("compare.html", **context), 400
        return render_template("compare.html", **context)
    try:
        result = run(parse_query())
    except BadRequest as exc:
        context.update(error=str(exc), suggestions=exc.suggestions)
        return render_template("compare.html", **context), 400
    context.update(result=result, filters_text=filters_text(result["filters"]), exports=_export_links())
    if result["kind"] == "indicator":
        context["chart"] = indicator_chart(result)
        context["rows_html"] = rows_html(result["rows"])
    return render_template("compare.html", **context)
