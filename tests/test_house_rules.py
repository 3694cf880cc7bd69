"""House rules a test can enforce: one owner module per third-party library; kb never imports Flask."""
import ast
from pathlib import Path

from conftest import ROOT

OWNERS = {
    "opencc": "kb/normalise.py",
    "pypinyin": "kb/artefacts.py",
    "charset_normalizer": "kb/decode.py",
    "bs4": "kb/htmltext.py",
    "click": "kb/cli.py",
    "cn2an": "kb/extract/numbers.py",
    "jieba": "kb/segment.py",
    "whoosh": "kb/search/whoosh_engine.py",
    "tantivy": "kb/search/tantivy_engine.py",
    "openpyxl": "kb/spreadsheet.py",
    "docx": "kb/worddoc.py",
    "pypdf": "kb/pdftext.py",
    "requests": "kb/scrape/http.py",
    "urllib3": "kb/scrape/http.py",
}


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def sources():
    for pkg in ("kb", "webapp"):
        yield from sorted((ROOT / pkg).rglob("*.py"))


def test_each_library_has_one_owner():
    seen: dict[str, set[str]] = {}
    for path in sources():
        rel = path.relative_to(ROOT).as_posix()
        for lib in imports(path) & set(OWNERS):
            seen.setdefault(lib, set()).add(rel)
    for lib, users in seen.items():
        assert users == {OWNERS[lib]}, f"{lib} imported by {sorted(users)}; only {OWNERS[lib]} may"


def test_kb_never_imports_flask_or_webapp():
    for path in (ROOT / "kb").rglob("*.py"):
        assert not imports(path) & {"flask", "webapp", "waitress"}, path
