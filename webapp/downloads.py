"""Sending an export as a download: the shared end of the search and compare downloads."""
from __future__ import annotations

import io

from flask import current_app, send_file

from kb.export import MEDIA_TYPES, ExportTooLarge

from . import DEFAULT_BASE_URL


def send_export(make, fmt: str, name: str, too_large: str):
    """The bytes ``make(base_url)`` returns as an attachment ``name``; a 413 page saying ``too_large``
    (formatted with the export's ``rows`` and ``limit``) when the table is too long for the format."""
    from .errors import error_response

    try:
        data = make(current_app.config.get("BASE_URL") or DEFAULT_BASE_URL)
    except ExportTooLarge as exc:
        return error_response(413, too_large.format(rows=exc.rows, limit=exc.limit))
    return send_file(io.BytesIO(data), mimetype=MEDIA_TYPES[fmt], as_attachment=True, download_name=name)
