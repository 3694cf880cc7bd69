"""The web UI: server-rendered pages in Simplified Chinese, each with a JSON twin.

Views parse their arguments, call one ``kb`` function and render; no SQL or
Whoosh here.
"""
from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, g

from kb.store import Store

DEFAULT_BASE_URL = "http://127.0.0.1:8000"


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=False)
    app.config.from_mapping(
        DB_PATH=os.environ.get("POLICYKB_DB", os.path.join("instance", "kb.sqlite")),
        INDEX_DIR=os.environ.get("POLICYKB_INDEX"),  # default: beside the knowledge base (kb.sqlite → kb.index)
        # Where the UI is reached, for the links inside exports (never the request's Host header);
        # `policykb serve` sets it from --base-url, else from the address it listens on.
        BASE_URL=os.environ.get("POLICYKB_BASE_URL") or DEFAULT_BASE_URL,
        JSON_AS_ASCII=False,
    )
    if test_config:
        app.config.update(test_config)
    if not app.config.get("INDEX_DIR"):
        from kb.search.engines import index_dir_for

        app.config["INDEX_DIR"] = str(index_dir_for(app.config["DB_PATH"]))
    app.json.ensure_ascii = False

    from .citations import bp as citations_bp
    from .compare import bp as compare_bp
    from .documents import bp as documents_bp
    from .errors import register_errors
    from .hardening import register_hardening
    from .search import bp as search_bp
    from .units import bp as units_bp

    app.register_blueprint(search_bp)
    app.register_blueprint(documents_bp)
    app.register_blueprint(compare_bp)
    app.register_blueprint(units_bp)
    app.register_blueprint(citations_bp)
    register_errors(app)
    register_hardening(app)

    @app.teardown_appcontext
    def close_store(_exc):
        store = g.pop("store", None)
        if store is not None:
            store.close()

    return app


def get_store() -> Store:
    from flask import current_app

    if "store" not in g:
        g.store = Store(Path(current_app.config["DB_PATH"]))
    return g.store
