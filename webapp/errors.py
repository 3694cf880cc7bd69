"""Error pages: a clear message, never a traceback; JSON for /api/."""
from __future__ import annotations

import logging

from flask import Flask, jsonify, make_response, render_template, request
from werkzeug.exceptions import HTTPException

from kb.documents import UnknownDocument
from kb.store import StoreError

log = logging.getLogger(__name__)

TITLES = {400: "请求有误", 404: "未找到", 405: "请求方式有误", 413: "结果过大", 414: "网址过长", 431: "请求头过大",
          500: "服务器内部错误", 503: "知识库不可用"}
# Werkzeug's own errors describe themselves in English; these say it in the UI's language.
HTTP_MESSAGES = {
    400: "请求格式有误,无法处理。", 404: "没有这个页面。", 405: "不支持这种请求方式。",
    413: "请求内容过大。", 414: "网址过长(超过 32 KB),请缩短检索词或减少筛选条件。", 416: "请求的文件范围无效。",
    431: "请求头过大(超过 32 KB),请清除本站的 Cookie 后重试。",
}


def error_response(status: int, message: str):
    if request.path.startswith("/api/"):
        return jsonify({"error": message, "status": status}), status
    return render_template("error.html", status=status, title=TITLES.get(status, "错误"), message=message), status


def register_errors(app: Flask) -> None:
    @app.errorhandler(UnknownDocument)
    def unknown_document(exc):
        from .params import shown

        return error_response(404, f"没有编号为 {shown(str(exc.given))} 的文件。")

    @app.errorhandler(StoreError)
    def no_store(exc):
        return error_response(503, f"知识库尚未建立或无法打开:{exc}")

    from kb.search import IndexMissing

    @app.errorhandler(IndexMissing)
    def no_index(exc):
        from kb.search.engines import IndexOutdated

        if isinstance(exc, IndexOutdated):
            return error_response(503, "检索索引由另一版本建成,请运行 policykb build 重建。")
        return error_response(503, "检索索引尚未建立,请先运行 policykb build。")

    @app.errorhandler(HTTPException)
    def http_error(exc):
        response = make_response(error_response(exc.code or 500, HTTP_MESSAGES.get(exc.code, f"请求无法处理(HTTP {exc.code})。")))
        if exc.code == 405 and getattr(exc, "valid_methods", None):
            response.headers["Allow"] = ", ".join(exc.valid_methods)
        return response

    @app.errorhandler(Exception)
    def internal(exc):
        log.exception("unhandled error")
        return error_response(500, "服务器处理请求时出错,请稍后再试。")
