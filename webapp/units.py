"""/units (the tasks a kind of department leads or co-leads, across regions) and /api/units."""
from __future__ import annotations

import re

from flask import Blueprint, jsonify, render_template, request

from kb.documents import UnknownRegion, unit_tasks

from . import get_store

bp = Blueprint("units", __name__)

ROLES = {"lead": "牵头", "co": "配合", "none": "未注明"}
_SPLIT = re.compile(r"[,\uff0c、;\uff1b\s]+")
SHOWN = 500


def _query() -> tuple[str | None, tuple[str, ...], str | None]:
    unit = (request.args.get("unit") or "").strip() or None
    regions: list[str] = []
    for raw in request.args.getlist("region"):
        regions += [x for x in _SPLIT.split(raw) if x]
    role = (request.args.get("role") or "").strip() or None
    if role is not None and role not in ROLES:
        raise ValueError(f"参数 role 只能是 lead(牵头)、co(配合)或 none(未注明),收到的是“{role}”。")
    if unit and len(unit) > 50:
        raise ValueError("单位名称过长,请输入单位名称中的关键词,如 财政局。")
    return unit, tuple(regions), role


def _run(limit: int):
    unit, regions, role = _query()
    try:
        return unit_tasks(get_store(), unit, regions, role, limit=limit)
    except UnknownRegion as exc:
        raise ValueError(f"不认识地区“{'、'.join(regions)}”,请输入全称(如 普宁市)或 6 位代码。") from exc


@bp.get("/api/units")
def api_units():
    from .errors import error_response

    try:
        return jsonify(_run(limit=10_000))
    except ValueError as exc:
        return error_response(400, str(exc))


@bp.get("/units")
def units_page():
    args = {"unit": request.args.get("unit", ""), "region": "、".join(request.args.getlist("region")),
            "role": request.args.get("role", "")}
    try:
        result = _run(limit=SHOWN)
    except ValueError as exc:
        return render_template("units.html", args=args, roles=ROLES, result=None, error=str(exc)), 400
    popular = None
    if not args["unit"].strip():
        popular = result["kinds"][:40]
        result = None
    return render_template("units.html", args=args, roles=ROLES, result=result, popular=popular)
