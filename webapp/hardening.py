"""What every response carries and what every request may be: security headers, size limits.

The pages use no script, no inline style and no external asset, so the Content-Security-Policy
allows only the stylesheet and images of this site, forms that submit to it, and nothing else.
An over-long request target or header block is answered here with a Chinese page (414 / 431)
before any view runs; ``webapp.serve`` lets waitress read a little more than these limits so the
app, not waitress, is the one that answers.
"""
from __future__ import annotations

from flask import Flask, request
from werkzeug.exceptions import HTTPException

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'none'",
    "script-src 'none'",
    "style-src 'self'",
    "img-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}

# Longest request target (path and query, as sent: percent-encoded) and header block the app reads.
MAX_TARGET_BYTES = 32 * 1024
MAX_HEADER_BYTES = 32 * 1024


class URITooLong(HTTPException):
    code = 414  # the page says why: webapp.errors.HTTP_MESSAGES


class HeadersTooLarge(HTTPException):
    code = 431


def target_bytes(environ: dict) -> int:
    """Length of the request target as the client sent it (WSGI strings hold the raw bytes as latin-1)."""
    from urllib.parse import quote

    path = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if path:
        return len(path)
    query = environ.get("QUERY_STRING") or ""
    return len(quote(environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", ""), safe="/;,:@&=+$!*'()~")) + (
        len(query) + 1 if query else 0)


def header_bytes(environ: dict) -> int:
    """Size of the request's header block, about as it was sent (name: value CRLF per header)."""
    total = 0
    for key, value in environ.items():
        if key.startswith("HTTP_") or key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            total += len(key) + len(str(value)) + 4
    return total


def register_hardening(app: Flask) -> None:
    @app.before_request
    def within_limits():
        if target_bytes(request.environ) > MAX_TARGET_BYTES:
            raise URITooLong()
        if header_bytes(request.environ) > MAX_HEADER_BYTES:
            raise HeadersTooLarge()

    @app.after_request
    def security_headers(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response
