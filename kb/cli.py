"""The ``policykb`` command line: thin wrappers over kb functions.

Every command prints one clear sentence and exits non-zero on a user error;
``--json`` prints UTF-8 JSON to stdout.
"""
from __future__ import annotations

import json
import logging
import os
import sys
from functools import wraps
from pathlib import Path

import click

from .corpus import Corpus, CorpusError, iter_import_paths
from .documents import (
    UnknownDocument,
    UnknownIndicator,
    UnknownRegion,
    list_documents,
    list_targets,
    list_units,
    original_span,
    show_document,
)
from .store import Store, StoreError

DEFAULT_CORPUS = "corpus"
DEFAULT_DB = os.path.join("instance", "kb.sqlite")
STALE_INDEX_LINE = ("policykb: the search index is from an earlier build than the knowledge base (a build did not "
                    "finish); results may be incomplete; run `policykb build`")


class UserError(click.ClickException):
    """One sentence for the user, exit status 1."""

    def show(self, file=None) -> None:  # no "Error:" prefix noise, one line
        click.echo(f"policykb: {self.message}", err=True)


def corpus_option(fn):
    return click.option(
        "--corpus", "corpus_dir", envvar="POLICYKB_CORPUS", default=DEFAULT_CORPUS, show_default=True,
        type=click.Path(file_okay=False), help="Corpus directory (manifest.json + raw/).",
    )(fn)


def db_option(fn):
    return click.option(
        "--db", "db_path", envvar="POLICYKB_DB", default=DEFAULT_DB, show_default=True,
        type=click.Path(dir_okay=False), help="Knowledge base file (SQLite).",
    )(fn)


def json_option(fn):
    return click.option("--json", "as_json", is_flag=True, help="Print UTF-8 JSON to stdout.")(fn)


def user_errors(fn):
    """Turn the library's user-facing exceptions into one line and exit 1."""

    @wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except (CorpusError, StoreError, UnknownDocument, UnknownRegion, UnknownIndicator) as exc:
            raise UserError(str(exc)) from exc
        except Exception as exc:
            # Imported only now: kb.search loads jieba and pypinyin (and its engine, tantivy or
            # Whoosh), which every command would otherwise pay for at start-up.
            from .compare import CompareError
            from .search import SearchError
            from .search.engines import IndexMissing, IndexOutdated, UnknownEngine

            if isinstance(exc, IndexOutdated):
                raise UserError("搜索索引由另一版本的 policykb 建成,字段含义不同;请运行 `policykb build` 重建") from exc
            if isinstance(exc, IndexMissing):
                raise UserError("no search index next to the knowledge base; run `policykb build`") from exc
            if isinstance(exc, SearchError):
                from .search import message_zh

                raise UserError(message_zh(exc)) from exc  # the sentence the web UI shows
            if isinstance(exc, (CompareError, UnknownEngine)):
                raise UserError(str(exc)) from exc
            raise

    return wrapper


def _echo_json(data) -> None:
    sys.stdout.buffer.write(json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8") + b"\n")
    sys.stdout.flush()


def _progress(label: str):
    def wrap(items):
        items = list(items)
        if not sys.stderr.isatty() or len(items) < 2:
            return items
        return _ProgressIter(items, label)

    return wrap


class _ProgressIter:
    def __init__(self, items, label):
        self.items, self.label = items, label

    def __iter__(self):
        with click.progressbar(self.items, label=self.label, file=sys.stderr, show_pos=True) as bar:
            yield from bar


def _open_store(corpus_dir: str, db_path: str) -> Store:
    """Open the knowledge base, building it first on a fresh checkout, and see that a search index
    goes with it (:func:`_ensure_index`)."""
    if not Path(db_path).exists():
        click.echo(f"policykb: no knowledge base at {db_path} yet; building it from {corpus_dir} …", err=True)
        _run_build(corpus_dir, db_path, quiet=True)
    else:
        _ensure_index(db_path)
    return Store(db_path)


def _generation(db_path: str) -> str | None:
    store = Store(db_path)
    try:
        return store.generation
    finally:
        store.close()


def _waiting() -> None:
    click.echo("policykb: another policykb build is running; waiting for it to finish …", err=True)


def _ensure_index(db_path: str) -> None:
    """With the knowledge base in place: swap in the complete index a killed build left for it; else
    keep an older complete index (searches say it is stale); else build the index alone."""
    from .generations import build_lock, reconcile_index

    index_dir = _index_dir(db_path)
    if reconcile_index(db_path, index_dir, _generation(db_path)) not in ("missing", "busy"):
        return
    with build_lock(db_path, on_wait=_waiting):
        # a build we waited for may have replaced the knowledge base: read its generation again
        if reconcile_index(db_path, index_dir, _generation(db_path)) != "missing":
            return
        from .search.engines import build_index

        click.echo(f"policykb: no search index for {db_path}; building the index (not the knowledge base) …", err=True)
        build_index(db_path, index_dir)


def _run_build(corpus_dir: str, db_path: str, quiet: bool = False, engine: str | None = None) -> int:
    from .pipeline import build
    from .generations import build_lock, recover_index, remove_dead_index_leftovers
    from .testhooks import pause_point

    corpus = Corpus(corpus_dir)
    if not corpus.exists():
        raise UserError(f"no corpus at {corpus_dir} (expected {corpus.manifest_path})")
    index_dir = _index_dir(db_path)
    with build_lock(db_path, on_wait=_waiting):
        if Path(db_path).exists():  # what a killed build left: its complete index in, the rest out
            try:
                recover_index(index_dir, _generation(db_path))
            except StoreError:
                pass  # not a knowledge base of this version: the build replaces it
        remove_dead_index_leftovers(index_dir)
        pause_point("start")
        report = build(corpus_dir, db_path, progress=_progress("building"))
        if not quiet or report.failures:
            click.echo(f"built {db_path}: {report.documents} documents, {len(report.failures)} failed", err=True)
        from .search.engines import build_index

        ix = build_index(db_path, index_dir, engine=engine)
    if not quiet:
        click.echo(f"built {ix.path}: {ix.clauses} clauses indexed by {ix.engine} in {ix.seconds:.1f} s", err=True)
    for doc_id, stage, message in report.failures:
        where = report.failed_files.get(doc_id)
        click.echo(f"policykb: {doc_id}{f' ({where})' if where else ''} failed in {stage}: {message}", err=True)
    return 1 if report.failures else 0


class _Group(click.Group):
    """Unexpected errors become one line (with --debug, the traceback)."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            raise click.exceptions.Exit(130)
        except BrokenPipeError:  # output piped into head/less that closed early
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise click.exceptions.Exit(0)
        except Exception as exc:
            if (ctx.obj or {}).get("debug"):
                raise
            raise UserError(f"internal error: {type(exc).__name__}: {exc} (rerun with --debug for details)") from exc


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show log messages and tracebacks.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Knowledge base and search for Chinese education policy plans.

    Example: policykb build && policykb docs
    """
    logging.basicConfig(level=logging.DEBUG if debug else logging.ERROR, format="%(levelname)s %(name)s: %(message)s")
    ctx.obj = {"debug": debug}


@main.command()
@click.option("--engine", type=click.Choice(["tantivy", "whoosh"]), envvar="POLICYKB_SEARCH_ENGINE",
              help="Search engine to index with [default: tantivy when installed, else whoosh].")
@corpus_option
@db_option
@user_errors
def build(engine: str | None, corpus_dir: str, db_path: str) -> None:
    """Rebuild the knowledge base from every document in the corpus.

    A document that fails is recorded with its error and the others are still
    built; the command then exits 1 with one line per failure.

    Example: policykb build --db instance/kb.sqlite
    """
    sys.exit(_run_build(corpus_dir, db_path, engine=engine))


@main.command("import")
@click.argument("paths", nargs=-1, required=True)
@click.option("--no-build", is_flag=True, help="Only add to the corpus; do not rebuild the knowledge base.")
@corpus_option
@db_option
@user_errors
def import_(paths: tuple[str, ...], no_build: bool, corpus_dir: str, db_path: str) -> None:
    """Add saved files (text or HTML; UTF-8, GB18030/GBK or Big5) to the corpus.

    Directories are searched for .txt and .html files.  The same bytes twice
    add nothing.  A file that could never be built (empty or only whitespace,
    only scripts, only site chrome) is refused with one line, as is a broken
    symbolic link; the others are still added.

    Example: policykb import saved/某县实施方案.html saved/more/
    """
    corpus = Corpus(corpus_dir)
    failed = 0
    added = 0
    for shown, path, error in iter_import_paths(list(paths)):
        if error:
            click.echo(f"policykb: {error}", err=True)
            failed += 1
            continue
        try:
            data = path.read_bytes()
            entry, is_new = corpus.add_bytes(data, source_name=path.name)
        except OSError as exc:
            click.echo(f"policykb: {shown}: cannot read the file ({exc.strerror or exc})", err=True)
            failed += 1
            continue
        except CorpusError as exc:
            click.echo(f"policykb: {exc}", err=True)
            failed += 1
            continue
        if is_new:
            added += 1
            click.echo(f"added {shown} as {entry.id}")
        else:
            click.echo(f"{shown} is already in the corpus as {entry.id}")
    status = 1 if failed else 0
    if added and not no_build:
        status = _run_build(corpus_dir, db_path) or status
    sys.exit(status)


@main.command("remove")
@click.argument("ids", nargs=-1, required=True)
@click.option("--no-build", is_flag=True, help="Only remove from the corpus; do not rebuild the knowledge base.")
@corpus_option
@db_option
@user_errors
def remove(ids: tuple[str, ...], no_build: bool, corpus_dir: str, db_path: str) -> None:
    """Remove documents from the corpus, with every file they keep, then rebuild.

    Each ID may be a unique prefix such as 005.  The manifest entry goes, then
    the raw bytes, versions, second sources, attachments and sidecars.  An
    unknown id gets one line naming close ids (exit 1); the others are still
    removed.

    Example: policykb remove 005 006_3f2a
    """
    corpus = Corpus(corpus_dir)
    failed = 0
    removed = 0
    for r in corpus.remove(list(ids)):
        if r.error:
            click.echo(f"policykb: {r.error}", err=True)
            failed += 1
            continue
        removed += 1
        name = r.entry.source_name or r.entry.file
        click.echo(f"removed {r.entry.id} ({name}; {len(r.files)} file{'s' if len(r.files) != 1 else ''} deleted)")
        for rel, reason in r.left:
            click.echo(f"policykb: {r.entry.id}: {rel} could not be deleted ({reason})", err=True)
            failed += 1
    status = 1 if failed else 0
    if removed and not no_build:
        status = _run_build(corpus_dir, db_path) or status
    sys.exit(status)


@main.command()
@json_option
@corpus_option
@db_option
@user_errors
def docs(as_json: bool, corpus_dir: str, db_path: str) -> None:
    """List the documents in the knowledge base.

    Example: policykb docs --json
    """
    store = _open_store(corpus_dir, db_path)
    rows = list_documents(store)
    if as_json:
        _echo_json(rows)
        return
    for r in rows:
        region = (r["region"] or {}).get("name") or "—"
        click.echo(f"{r['id']}  {region:<6}  {r['doc_number'] or '—':<18}  {r['title'] or '(untitled)'}")


@main.command()
@click.argument("doc_id")
@click.option("--span", metavar="START:END", help="Show this span of the normalised text beside its original form.")
@json_option
@corpus_option
@db_option
@user_errors
def show(doc_id: str, span: str | None, as_json: bool, corpus_dir: str, db_path: str) -> None:
    """Show one document: metadata, clause tree, citations, normalisation.

    DOC_ID may be a unique prefix such as 000.

    Example: policykb show 000 --json
    Example: policykb show 004 --span 120:140
    """
    store = _open_store(corpus_dir, db_path)
    if span is not None:
        try:
            start, end = (int(x) for x in span.split(":"))
            found = original_span(store, doc_id, start, end)
        except ValueError as exc:
            msg = str(exc) if "outside" in str(exc) else f"--span takes START:END character offsets, not {span!r}"
            raise UserError(msg) from exc
        if as_json:
            _echo_json(found)
        else:
            click.echo(f"normalised [{found['start']}:{found['end']}]: {found['text']}")
            click.echo(f"original   [{found['raw_start']}:{found['raw_end']}]: {found['raw']}")
        return
    doc = show_document(store, doc_id)
    if as_json:
        _echo_json(doc)
        return
    region = doc["region"] or {}
    click.echo(doc["title"] or "(untitled)")
    click.echo(f"  文号: {doc['doc_number'] or '—'}   发文机关: {'、'.join(doc['issuers']) or '—'}")
    click.echo(f"  成文日期: {doc['signed_date'] or '—'}   发布时间: {doc['published_date'] or '—'}")
    click.echo(f"  地区: {region.get('name', '—')} {region.get('code', '')}   文字: {doc['script']}   标记: {', '.join(doc['flags']) or '—'}")
    click.echo("")
    for c in doc["clauses"]:
        if c["kind"] in ("heading", "appendix", "table_row", "item"):
            depth = c["path"].count("/")
            click.echo(f"{'  ' * depth}{c['path']}  {c['heading'][:40]}")


@main.command()
@click.option("--doc", "doc", help="Only this document (id or unique prefix).")
@click.option("--region", help="Only documents of this region: 6-digit code or full name; a province or prefecture includes its counties.")
@click.option("--indicator", help="A national indicator id (YJ-G15) or words of the indicator (巩固率).")
@json_option
@corpus_option
@db_option
@user_errors
def targets(doc: str | None, region: str | None, indicator: str | None, as_json: bool, corpus_dir: str, db_path: str) -> None:
    """List the quantitative targets the plans set.

    Example: policykb targets --indicator YJ-G15 --json
    Example: policykb targets --region 广东省 --indicator 巩固率
    """
    store = _open_store(corpus_dir, db_path)
    rows = list_targets(store, doc, region, indicator)
    if as_json:
        _echo_json(rows)
        return
    for r in rows:
        value = ":".join(str(v) for v in r["value"]) if isinstance(r["value"], list) else r["value"]
        deadline = (r["deadline"] or {}).get("end") or "—"
        said = "(达成事项)" if value is None else f"{r['comparator']:>2} {value}{r['unit'] or ''}"  # a milestone
        click.echo(f"{r['doc_id'][:3]} {r['clause_path']:<14} {r['indicator_id'] or '':<8} {r['indicator'][:24]:<24} "
                   f"{r['stage'] or '':<4} {said}  {deadline}")
    if not rows:
        click.echo("没有符合条件的目标。", err=True)


@main.command()
@click.option("--doc", "doc", help="Only this document (id or unique prefix).")
@click.option("--unit", help="Words of the unit's name, e.g. 财政局.")
@click.option("--region", help="Only documents of this region (code or full name).")
@click.option("--role", type=click.Choice(["lead", "co", "none"]), help="Only tasks the unit leads (lead), co-leads (co) or with no role stated.")
@click.option("--tasks", "by_task", is_flag=True, help="Across regions: each task with its words, and counts per region.")
@json_option
@corpus_option
@db_option
@user_errors
def units(doc: str | None, unit: str | None, region: str | None, role: str | None, by_task: bool, as_json: bool,
          corpus_dir: str, db_path: str) -> None:
    """List the units responsible for tasks, with their role (lead/co).

    With --tasks (or --role), list the tasks a kind of department leads or
    co-leads across regions, as /units?unit=… shows them.

    Example: policykb units --unit 财政局 --json
    Example: policykb units --unit 财政局 --tasks --role lead
    """
    from .documents import unit_tasks

    store = _open_store(corpus_dir, db_path)
    if by_task or role:
        if doc:
            raise UserError("--tasks lists tasks across regions; leave out --doc")
        result = unit_tasks(store, unit, (region,) if region else (), role, limit=100_000)
        if as_json:
            _echo_json(result)
            return
        for e in result["by_region"]:
            click.echo(f"{e['region']['name']:<8} lead {e['lead']:>3}  co {e['co']:>3}  none {e['none']:>3}")
        for r in result["rows"]:
            task = (r["task"] or "").replace("\n", " ")
            click.echo(f"{(r['region'] or {}).get('name', ''):<8} {r['role'] or '—':<4} {r['unit']:<16} "
                       f"{r['doc_number'] or r['doc_id'][:3]} [{r['clause_path']}] {task[:60]}")
        if not result["rows"]:
            click.echo("no units match", err=True)
        return
    rows = list_units(store, doc, unit, region)
    if as_json:
        _echo_json(rows)
        return
    for r in rows:
        click.echo(f"{r['doc_id'][:3]} {r['clause_path']:<16} {r['role'] or '—':<4} {r['unit']}  ({r['unit_raw']})")
    if not rows:
        click.echo("no units match", err=True)


@main.command()
@json_option
def indicators(as_json: bool) -> None:
    """List the national indicators (教督〔2017〕6号, 教督〔2020〕1号) with thresholds.

    Example: policykb indicators --json
    """
    from . import taxonomy

    rows = taxonomy.as_json()
    if as_json:
        _echo_json(rows)
        return
    for r in rows:
        th = "; ".join(
            f"{t['stage'] or ''}{t['comparator']}{':'.join(map(str, t['value'])) if isinstance(t['value'], list) else t['value']}{t['unit'] or ''}"
            for t in r["thresholds"]
        )
        click.echo(f"{r['id']:<8} {r['name'][:30]:<30} {th}")


@main.command()
@click.argument("query")
@click.option("--province", help="Only plans of this province (name or code).")
@click.option("--region", help="Only plans of this region (code or full name); a prefecture or province includes its counties.")
@click.option("--level", type=click.Choice(["province", "prefecture", "county"]), help="Only plans issued at this level.")
@click.option("--year-from", type=int, help="Only plans from this year on.")
@click.option("--year-to", type=int, help="Only plans up to this year.")
@click.option("--has-target", is_flag=True, default=None, help="Only clauses that hold a quantitative target.")
@click.option("--kind", help="Only documents of this kind: 方案计划, 规划, 意见, 法规规章, 工作要点, 通知, 其他.")
@click.option("--sort", default="relevance", show_default=True,
              type=click.Choice(["relevance", "newest", "oldest", "region"]), help="Order of the hits in each tier.")
@click.option("--page", default=1, show_default=True, type=int)
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 100), help="Hits per page.")
@click.option("--by-plan", is_flag=True, help="按方案归并: list the plans with their number of matching clauses and best clause.")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "docx", "json"]),
              help="Write the whole result list (both tiers, at most 5,000 clauses) in this format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="File to write (default: stdout for csv and json).")
@click.option("--base-url", default="http://127.0.0.1:8000", show_default=True, help="Where the web UI runs, for the links in exports.")
@json_option
@corpus_option
@db_option
@user_errors
def search(query: str, province, region, level, year_from, year_to, has_target, kind, sort, page, limit, by_plan, fmt,
           output, base_url, as_json, corpus_dir, db_path):
    """Search clauses across all plans (simplified or traditional script).

    Terms separated by spaces must all occur; "quoted words" match as a phrase;
    -term excludes.

    Example: policykb search "随迁子女 公办学校 比例" --province 广东省 --json
    """
    from .search import SearchQuery, search_plans
    from .search import search as run_search

    _check_export_options(as_json, fmt, output, "results")
    store = _open_store(corpus_dir, db_path)
    q = SearchQuery(q=query, province=province, region=region, level=level, year_from=year_from, year_to=year_to,
                    has_target=has_target, page=page, per_page=limit, sort=sort, kind=kind)
    if fmt:
        from .searchexport import collect, export_search

        result = collect(_index_dir(db_path), store, q)
        _emit(lambda: export_search(result, fmt, base_url=base_url), output, f"已写入 {output}:{len(result['hits'])} 条条款")
        return
    result = (search_plans if by_plan else run_search)(_index_dir(db_path), store, q)
    if result.get("stale_index"):
        click.echo(STALE_INDEX_LINE, err=True)
    if as_json:
        _echo_json(result)
        return
    if by_plan:
        _print_plans(result)
        return
    click.echo(f"{result['total']} 条条款包含全部检索词“{result['normalised_query']}”"
               + (f",另有 {result['total_partial']} 条只包含部分检索词" if result["total_partial"] else "")
               + f"(第 {result['page']} 页)")
    divided = False
    for h in result["hits"]:
        if h["tier"] == 2 and not divided:
            click.echo("\n—— 以下条款只包含部分检索词 ——")
            divided = True
        region_name = (h["region"] or {}).get("name") or ""
        date = h.get("date") or (str(h["year"]) if h.get("year") else "")
        click.echo(f"\n{h['score']:6.2f}  {region_name} {h['doc_number'] or ''} {date}  {h['title']}  [{h['clause_path'] or '—'}]")
        if h["tier"] == 2:
            click.echo(f"        含:{'、'.join(h['matched_terms'])}  缺:{'、'.join(h['missing_terms'])}")
        text = h["text"].replace("\n", " ")
        click.echo("        " + (text[:120] + ("…" if len(text) > 120 else "")))


def _print_plans(result: dict) -> None:
    """按方案归并 in words: each plan with its number of matching clauses and its best clause."""
    click.echo(f"{result['total_plans']} 份文件的 {result['total']} 条条款包含全部检索词“{result['normalised_query']}”"
               f"(按方案归并,第 {result['page']} 页)")
    for p in result["plans"]:
        region_name = (p.get("region") or {}).get("name") or ""
        click.echo(f"\n{p['clauses']:4d} 条  {region_name} {p.get('doc_number') or ''} {p.get('date') or ''}  {p.get('title') or p['doc_id']}")
        if p["best"]:
            text = p["best"]["text"].replace("\n", " ")
            click.echo(f"        [{p['best']['clause_label']}] " + (text[:110] + ("…" if len(text) > 110 else "")))


def _base_url(ctx, param, value: str | None) -> str | None:
    """--base-url: an absolute http(s) URL without query or fragment."""
    from urllib.parse import urlsplit

    if not value:
        return None
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise click.BadParameter(f"{value!r} is not an http(s) URL such as https://kb.example.org/")
    return value.strip().rstrip("/")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64),
              help="Worker threads answering requests (8 measured best on 2 cores: scripts/bench_serve.py).")
@click.option("--base-url", envvar="POLICYKB_BASE_URL", callback=_base_url,
              help="Where users reach the UI, for the links inside exports [default: http://HOST:PORT].")
@corpus_option
@db_option
@user_errors
def serve(host: str, port: int, threads: int, base_url: str | None, corpus_dir: str, db_path: str) -> None:
    """Serve the web UI (building the knowledge base first if it is missing).

    Example: policykb serve --port 8000   (then open http://127.0.0.1:8000/)
    """
    from importlib.metadata import entry_points

    if not Path(db_path).exists():
        click.echo(f"policykb: no knowledge base at {db_path} yet; building it from {corpus_dir} …", err=True)
        if _run_build(corpus_dir, db_path, quiet=True):
            raise UserError("the knowledge base was built with failures; see the lines above")
    else:
        _ensure_index(db_path)
    servers = entry_points(group="policykb.server")
    if not servers:
        raise UserError("the web app is not installed (pip install -e . installs it)")
    run = next(iter(servers)).load()
    click.echo(f"serving http://{host}:{port}/ (Ctrl+C to stop)", err=True)
    if host in ("", "0.0.0.0", "::") and not base_url:
        click.echo(f"policykb: links in exports point to http://127.0.0.1:{port}; "
                   "give --base-url with the address users reach", err=True)
    run(host, port, db_path, _index_dir(db_path), threads=threads, base_url=base_url)


@main.command()
@click.option("--indicator", help="A national indicator id (YJ-G15) or its words (随迁子女 公办学校 比例).")
@click.option("--q", "--query", "query", help="Instead of an indicator: compare the clauses matching these words, by region.")
@click.option("--region", "regions", multiple=True, help="Only this region (6-digit code or full name); repeatable.")
@click.option("--province", "provinces", multiple=True, help="Only this province (name or code); repeatable.")
@click.option("--stage", help="Only targets for this stage (学前, 小学, 初中, 义务教育, 高中, 特殊教育 …).")
@click.option("--year-from", type=int, help="Only targets due in or after this year.")
@click.option("--year-to", type=int, help="Only targets due in or before this year.")
@click.option("--sort", type=click.Choice(["region", "value", "-value", "deadline"]), default="region", show_default=True)
@click.option("--no-missing", is_flag=True, help="Leave out the regions whose plans set no target (未设定).")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "docx", "json"]), help="Write the table in this format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="File to write (default: stdout for csv and json).")
@click.option("--base-url", default="http://127.0.0.1:8000", show_default=True, help="Where the web UI runs, for the links in exports.")
@json_option
@corpus_option
@db_option
@user_errors
def compare(indicator, query, regions, provinces, stage, year_from, year_to, sort, no_missing, fmt, output, base_url,
            as_json, corpus_dir, db_path):
    """Compare regions: the targets set for one indicator against the national
    threshold, or the clauses on a topic side by side; export the table.

    Example: policykb compare --indicator YJ-G15 --province 广东省 --province 浙江省
    Example: policykb compare --indicator 巩固率 --json
    Example: policykb compare --indicator YJ-G5 --format xlsx -o 班额对比.xlsx
    Example: policykb compare --q 集团化办学 --format docx -o 集团化办学.docx
    """
    from .compare import CompareQuery, compare_indicator, compare_topic
    from .export import export

    if bool(indicator) == bool(query):
        raise UserError("give either --indicator ID or --q WORDS (list indicators with `policykb indicators`)")
    _check_export_options(as_json, fmt, output, "comparison")
    store = _open_store(corpus_dir, db_path)
    q = CompareQuery(indicator=indicator, q=query, regions=regions, provinces=provinces, stage=stage,
                     year_from=year_from, year_to=year_to, sort=sort, include_not_set=not no_missing)
    result = compare_indicator(store, q) if indicator else compare_topic(_index_dir(db_path), store, q)
    if result.get("stale_index"):
        click.echo(STALE_INDEX_LINE, err=True)
    if as_json:
        _echo_json(result)
        return
    if fmt:
        _emit(lambda: export(result, fmt, base_url=base_url), output, f"wrote {output}: {len(result['rows'])} rows")
        return
    _print_comparison(result)


def _check_export_options(as_json: bool, fmt: str | None, output: str | None, example: str) -> None:
    """Refuse --json beside another --format, and a binary format bound for a terminal."""
    if as_json and fmt and fmt != "json":
        raise UserError("--json prints JSON; leave out --format, or use --format json")
    if fmt in ("xlsx", "docx") and not output and sys.stdout.isatty():
        raise UserError(f"an {fmt} file needs -o FILE (for example -o {example}.{fmt})")


def _emit(make, output: str | None, done: str) -> None:
    """The export ``make()`` returns, into ``output`` (atomically, then the ``done`` line on stderr), else
    onto stdout; an export too large for its format is the user's error."""
    from .export import ExportTooLarge

    try:
        data = make()
    except ExportTooLarge as exc:
        raise UserError(str(exc)) from exc
    if output:
        _write_atomic(Path(output), data)
        click.echo(done, err=True)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.part")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise UserError(f"cannot write {path}: {exc.strerror or exc}") from exc


def _print_comparison(result: dict) -> None:
    from .compare import filters_text

    if result["kind"] == "indicator":
        ind, s = result["indicator"], result["summary"]
        click.echo(f"{ind['id']} {ind['name']} — {filters_text(result['filters'])}: {s['targets']} targets, "
                   f"{s['regions']} regions, {s['regions_not_set']} without a target")
        for r in result["rows"]:
            th = r["national_threshold"]
            units = "、".join(u["name"] for u in r["units"][:2])
            click.echo(f"{r['region']['name'] or '':<8} {r['doc_number'] or r['doc_id'][:3]:<16} {r['stage'] or '':<4} "
                       f"{r['value_text'] or '未设定':<8} {r['deadline'] or '':<10} {th['text'] if th else '—':<7} "
                       f"{r['verdict_label']:<8} {r['clause_path'] or ''}  {units}")
        return
    s = result["summary"]
    click.echo(f"“{result['normalised_query']}”: {s['clauses']} clauses in {s['regions']} regions")
    for g in result["groups"]:
        click.echo(f"\n{g['region']['name']}  ({g['clauses']} clauses)")
        for h in g["hits"]:
            text = h["text"].replace("\n", " ")
            click.echo(f"  {h['doc_number'] or h['doc_id'][:3]} [{h['clause_path'] or '—'}] {text[:100]}{'…' if len(text) > 100 else ''}")


@main.command()
@click.argument("urls", nargs=-1)
@click.option("--crawl", is_flag=True,
              help="Each URL is a listing page: fetch the articles it links to on the same site, page after page.")
@click.option("--max-pages", type=click.IntRange(1, 100000), default=None,
              help="With --crawl: at most this many articles new to the corpus per listing.  [default: 20]")
@click.option("--delay", type=click.FloatRange(0), default=1.0, show_default=True,
              help="Seconds between two requests to one host (a longer robots.txt Crawl-delay wins).")
@click.option("--refresh", is_flag=True,
              help="Ask again for URLs already in the corpus (conditional request); a changed page becomes a new version.")
@click.option("--attachments", is_flag=True, help="Also fetch .docx, .xlsx and .pdf attachments; their text joins the plan.")
@click.option("--source", "source_name", metavar="NAME", help="Crawl the listings of a source registered in the sources file.")
@click.option("--sources", "sources_file", type=click.Path(dir_okay=False),
              help="The sources file.  [default: CORPUS/sources.toml]")
@click.option("--match", multiple=True, metavar="WORD",
              help="With --crawl: only articles whose link text holds this word (repeatable).")
@click.option("--timeout", type=click.FloatRange(0.01), default=20.0, show_default=True, help="Seconds to wait for a server.")
@click.option("--retries", type=click.IntRange(0, 10), default=3, show_default=True,
              help="Further attempts after a timeout, a dropped connection, HTTP 429 or 5xx.")
@click.option("--max-size", "max_mb", type=click.FloatRange(0.001), default=20.0, show_default=True,
              help="Largest page to download, in MB (attachments: 50 MB or this, whichever is larger).")
@click.option("--no-build", is_flag=True, help="Only add to the corpus; do not rebuild the knowledge base.")
@corpus_option
@db_option
@user_errors
def fetch(urls, crawl, max_pages, delay, refresh, attachments, source_name, sources_file, match, timeout, retries,
          max_mb, no_build, corpus_dir, db_path):
    """Fetch plans from government websites into the corpus, then build.

    Pages are saved byte for byte with a sidecar (URL, final URL, time, status,
    headers, encoding, sha256).  robots.txt is honoured, one request at a time
    per host, DELAY seconds apart.  Each URL gets one line in the report; the
    command exits 1 when any failed.

    Example: policykb fetch https://www.example.gov.cn/zwgk/zfwj/202303/t20230301_2861234.html

    Example: policykb fetch --crawl --max-pages 10 --match 教育 https://www.example.gov.cn/zwgk/zfwj/

    Example: policykb fetch --source jiashan --attachments
    """
    from .scrape.fetcher import Fetcher, FetchOptions
    from .scrape.http import FetchConfig, HttpClient
    from .scrape.sources import SOURCES_FILE, SourceError, get_source

    source = None
    if source_name:
        try:
            source = get_source(sources_file or Path(corpus_dir) / SOURCES_FILE, source_name)
        except SourceError as exc:
            raise UserError(str(exc)) from exc
    if not urls and source is None:
        raise UserError("give the URLs of pages to fetch, or --source NAME (see `policykb fetch --help`)")
    for url in urls:
        if not url.startswith(("http://", "https://")):
            raise UserError(f"{url} is not an http:// or https:// URL")
    options = FetchOptions(
        crawl=crawl or source is not None,
        max_pages=max_pages or (source.max_pages if source and source.max_pages else 20),
        refresh=refresh,
        attachments=attachments or bool(source and source.attachments),
        match=tuple(match) or (source.match if source else ()),
        source=source,
    )
    cap = int(max_mb * 1024 * 1024)
    config = FetchConfig(delay=delay, timeout=timeout, retries=retries, max_bytes=cap,
                         max_attachment_bytes=max(cap, 50 * 1024 * 1024))

    def show(outcome) -> None:
        if outcome.failed:
            click.echo(f"policykb: {outcome.url}: {outcome.message}", err=True)
        else:
            click.echo(f"{outcome.url}: {outcome.message}")

    corpus = Corpus(corpus_dir)
    with HttpClient(config) as client:
        report = Fetcher(corpus, client, options, on_outcome=show).run(list(source.listings if source else ()) + list(urls))
    counts = [(report.count(s), label) for s, label in (
        ("added", "added"), ("new_version", "new versions"), ("second_source", "second sources"),
        ("unchanged", "unchanged"), ("skipped", "already in the corpus"), ("attachment", "attachments kept"))]
    summary = ", ".join(f"{n} {label}" for n, label in counts if n) or "nothing fetched"
    click.echo(f"fetch: {summary}; {len(report.failures)} failed", err=True)
    status = 1 if report.failures else 0
    if report.changed and not no_build:
        status = _run_build(corpus_dir, db_path) or status
    sys.exit(status)


@main.command("page")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--url", help="The address the page was saved from, to resolve relative links (attachments).")
@json_option
def page_cmd(file: str, url: str | None, as_json: bool) -> None:
    """Show the article body, metadata and attachments of a saved page, without importing it.

    Exits 1 when no article body is found (the JSON is still printed).

    Example: policykb page saved/t20230301_2861234.html --json
    """
    from .decode import DecodeError
    from .scrape.pages import page_json, read_page

    try:
        data = Path(file).read_bytes()
    except OSError as exc:
        raise UserError(f"{file}: cannot read the file ({exc.strerror or exc})") from exc
    try:
        found, _ = read_page(data, url)
    except DecodeError as exc:
        raise UserError(f"{file}: {exc}") from exc
    out = page_json(found)
    if as_json:
        _echo_json(out)
    else:
        for key, label in (("title", "标题"), ("doc_number", "文号"), ("issuer", "发布机构"), ("signed_date", "成文日期"),
                           ("published_date", "发布日期"), ("index_no", "索引号"), ("template", "template")):
            click.echo(f"{label}: {out[key] or '—'}")
        for a in out["attachments"]:
            click.echo(f"附件: {a['name']}  {a['url']}")
        click.echo("")
        click.echo(out["body_text"])
    if not found.has_body:
        click.echo(f"policykb: {file}: no article body found on the page", err=True)
        sys.exit(1)


def _index_dir(db_path: str) -> str:
    """The search index of a knowledge base: beside it, named after it (kb.sqlite → kb.index)."""
    from .search.engines import index_dir_for

    return str(index_dir_for(db_path))
