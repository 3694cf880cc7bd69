"""/units (the tasks a kind of department leads or co-leads, across regions) and /api/units."""
from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request

from kb.documents import UnknownRegion, unit_tasks

from . import get_store
from .params import BadRequest, names_arg, shown

bp = Blueprint("units", __name__)

ROLES = {"lead": "牵头", "co": "配合", "none": "未注明"}
SHOWN = 500


def _query() -> tuple[str | None, tuple[str, ...], str | None]:
    unit = (request.args.get("unit") or "").strip() or None
    regions = names_arg("region")
    role = (request.args.get("role") or "").strip() or None
    if role is not None and role not in ROLES:
        raise BadRequest(f"参数 role 只能是 lead(牵头)、co(配合)或 none(未注明),收到的是“{shown(role)}”。")
    if unit and len(unit) > 50:
        raise BadRequest("单位名称过长,请输入单位名称中的关键词,如 财政局。")
    return unit, regions, role


def _run(limit: int):
    unit, regions, role = _query()
    try:
        return unit_tasks(get_store(), unit, regions, role, limit=limit)
    except UnknownRegion as exc:
        close = "、".join(label for _, label in exc.suggestions)
        raise BadRequest(f"不认识地区“{shown(str(exc.params['value']))}”,或同名地区不止一个;请输入全称或 6 位代码"
                         + (f"(可选:{close})" if close else "") + "。") from exc


@bp.get("/api/units")
def api_units():
    from .errors import error_response

    try:
        return jsonify(_run(limit=10_000))
    except BadRequest as exc:
        return error_response(400, str(exc))


@bp.get("/units")
def units_page():
    args = {"unit": request.args.get("unit", ""), "region": "、".join(request.args.getlist("region")),
            "role": request.args.get("role", "")}
    try:
        result = _run(limit=SHOWN)
    except BadRequest as exc:
        return render_template("units.html", args=args, roles=ROLES, result=None, error=str(exc)), 400
    popular = None
    if not args["unit"].strip():
        popular = result["kinds"][:40]
        result = None
    return render_template("units.html", args=args, roles=ROLES, result=result, popular=popular)
