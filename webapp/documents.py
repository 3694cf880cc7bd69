"""/documents/<id> and its JSON twin /api/documents/<id>."""
from __future__ import annotations

from flask import Blueprint, jsonify, render_template

from kb.documents import show_document

from . import get_store
from .render import annotated

bp = Blueprint("documents", __name__)


@bp.get("/api/documents/<doc_id>")
def api_document(doc_id: str):
    return jsonify(show_document(get_store(), doc_id))


@bp.get("/documents/<doc_id>")
def document(doc_id: str):
    doc = show_document(get_store(), doc_id)
    corrupt = doc["normalisation"]["corrupted_spans"]
    sections = []
    for seq, c in enumerate(doc["clauses"]):
        inside = lambda f, c=c: c["start"] <= f["span"]["start"] < c["end"]  # noqa: E731
        sections.append({
            "anchor": f"clause-{seq}",
            "path": c["path"],
            "kind": c["kind"],
            "depth": c["path"].count("/") + (1 if c["path"] else 0),
            "heading": c["heading"],
            "html": annotated(doc["text"], c["start"], c["end"],
                              [t for t in doc["targets"] if inside(t)],
                              [u for u in doc["responsibilities"] if inside(u)],
                              [x for x in corrupt if c["start"] <= x["start"] < c["end"]]),
        })
    return render_template("document.html", doc=doc, sections=sections)
