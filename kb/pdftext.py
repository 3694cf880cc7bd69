"""PDF files: the text of an attachment, page by page (the pypdf owner).

Government PDFs are mostly printed from Word or WPS with embedded subset
fonts and ToUnicode maps, so pypdf's text extraction recovers the words; a
scanned PDF (images only) has no text and is reported as such.
"""
from __future__ import annotations

import io
import logging

from pypdf import PdfReader
from pypdf.errors import PdfReadError

log = logging.getLogger(__name__)


class PdfTextError(ValueError):
    """The PDF cannot be read or holds no text."""


def read_pages(data: bytes) -> list[str]:
    """The text of every page, in order; raises :class:`PdfTextError` with a reason."""
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                reader.decrypt("")  # many government PDFs are "protected" with an empty password
            except Exception as exc:
                raise PdfTextError("the PDF is encrypted") from exc
        pages = []
        for page in reader.pages:
            try:
                pages.append(page.extract_text() or "")
            except Exception as exc:  # one broken page must not lose the others
                log.debug("pdf page failed: %s", exc)
                pages.append("")
    except PdfTextError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise PdfTextError(f"the PDF cannot be read ({type(exc).__name__}: {exc})") from exc
    if not any(p.strip() for p in pages):
        raise PdfTextError("the PDF holds no text (a scan?)")
    return pages
