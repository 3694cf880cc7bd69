"""Error pages: a clear message, never a traceback; JSON for /api/."""
from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from kb.documents import UnknownDocument
from kb.store import StoreError

log = logging.getLogger(__name__)

TITLES = {400: "请求有误", 404: "未找到", 413: "结果过大", 500: "服务器内部错误", 503: "知识库不可用"}


def error_response(status: int, message: str):
    if request.path.startswith("/api/"):
        return jsonify({"error": message, "status": status}), status
    return render_template("error.html", status=status, title=TITLES.get(status, "错误"), message=message), status


def register_errors(app: Flask) -> None:
    @app.errorhandler(UnknownDocument)
    def unknown_document(exc):
        return error_response(404, f"没有编号为 {exc.given} 的文件。")

    @app.errorhandler(StoreError)
    def no_store(exc):
        return error_response(503, f"知识库尚未建立或无法打开:{exc}")

    from kb.search import IndexMissing

    @app.errorhandler(IndexMissing)
    def no_index(exc):
        return error_response(503, "检索索引尚未建立,请先运行 policykb build。")

    @app.errorhandler(HTTPException)
    def http_error(exc):
        msg = {404: "没有这个页面。", 405: "不支持这种请求方式。"}.get(exc.code, exc.description)
        return error_response(exc.code or 500, msg)

    @app.errorhandler(Exception)
    def internal(exc):
        log.exception("unhandled error")
        return error_response(500, "服务器处理请求时出错,请稍后再试。")
