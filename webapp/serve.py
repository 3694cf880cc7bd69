"""Serve the web UI with waitress (the only module that imports it)."""
from __future__ import annotations

import logging

import waitress

from . import create_app

log = logging.getLogger(__name__)


def run(host: str, port: int, db_path: str, index_dir: str) -> None:
    """Serve until interrupted; called by ``policykb serve`` through the ``policykb.server`` entry point."""
    app = create_app({"DB_PATH": db_path, "INDEX_DIR": index_dir})
    waitress.serve(app, host=host, port=port, threads=4, ident="policykb")
