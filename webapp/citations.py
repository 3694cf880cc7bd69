"""/citations: the upstream documents the plans cite, with the plans citing each."""
from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request

from kb.documents import cited_documents

from . import get_store

bp = Blueprint("citations", __name__)


@bp.get("/api/citations")
def api_citations():
    return jsonify(cited_documents(get_store()))


@bp.get("/citations")
def citations_page():
    groups = cited_documents(get_store())
    q = (request.args.get("q") or "").strip()
    if q:
        from kb.normalise import normalise_query

        needle = normalise_query(q).replace(" ", "")
        groups = [g for g in groups if needle in (g["title"] or "") or needle in (g["doc_number"] or "")]
    return render_template("citations.html", groups=groups, q=q)
