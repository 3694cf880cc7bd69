"""How a hit is cited: the formatted reference a researcher pastes (no engine here).

《标题》(文号),发文机关,日期,条款路径,网址 — the parts a hit lacks are left out; the clause path
is written with spaces (第四章 第十八条); the address is the original page when known, else the
clause in the knowledge base.
"""
from __future__ import annotations

__all__ = ["clause_label", "reference"]


def clause_label(path: str | None) -> str:
    """二/(三)/1 → 二 (三) 1, 第四章/第十八条 → 第四章 第十八条, the front matter → 正文前部."""
    return " ".join(p for p in (path or "").split("/") if p) or "正文前部"


def reference(hit: dict, base_url: str) -> str:
    """The formatted reference of a search hit (its title, 文号, issuers, date, clause and address)."""
    title = f"《{hit['title'] or hit['doc_id']}》" + (f"({hit['doc_number']})" if hit.get("doc_number") else "")
    parts = [title, "、".join(hit.get("issuers") or []), hit.get("date") or (f"{hit['year']}年" if hit.get("year") else ""),
             clause_label(hit.get("clause_path")), hit.get("source_url") or base_url.rstrip("/") + hit["url"]]
    return ",".join(p for p in parts if p)
