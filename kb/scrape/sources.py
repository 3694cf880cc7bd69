"""Named sources: the government sites a corpus is grown from (``corpus/sources.toml``).

::

    [sources.jiashan]                       # policykb fetch --source jiashan
    site = "嘉善县人民政府"                   # the site's name, kept with each document
    region = "嘉善县"                        # region name or 6-digit code, for plans that do not name theirs
    listings = ["https://www.jiashan.gov.cn/col/col1229505/index.html"]
    match = ["教育", "学校"]                   # optional: only articles whose link text holds one of these
    max_pages = 20                          # optional: articles fetched per run
    attachments = true                      # optional: fetch .docx/.xlsx/.pdf attachments too
    official = true                         # optional: the issuer's own site (default: hosts under .gov.cn)
"""
from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

from .. import regions

SOURCES_FILE = "sources.toml"
_KEYS = {"site", "region", "listings", "match", "max_pages", "attachments", "official"}


class SourceError(ValueError):
    """A problem with the sources file or a source name (one sentence for the user)."""


@dataclass(frozen=True)
class Source:
    name: str
    listings: tuple[str, ...]
    site: str | None = None
    region: str | None = None  # the region's name
    region_code: str | None = None
    match: tuple[str, ...] = ()
    max_pages: int | None = None
    attachments: bool = False
    official: bool | None = None


def load_sources(path: Path | str) -> dict[str, Source]:
    path = Path(path)
    if not path.is_file():
        raise SourceError(f"no sources file at {path} (see README: Fetching plans from government sites)")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(f"cannot read {path}: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise SourceError(f"{path} is not valid TOML: {exc}") from exc
    table = data.get("sources", {})
    if not isinstance(table, dict):
        raise SourceError(f"{path}: [sources] must be a table of named sources")
    return {name: _source(path, name, spec) for name, spec in table.items()}


def get_source(path: Path | str, name: str) -> Source:
    sources = load_sources(path)
    if name not in sources:
        known = ", ".join(sorted(sources)) or "none"
        raise SourceError(f"no source named {name!r} in {path} (known: {known})")
    return sources[name]


def _source(path: Path, name: str, spec) -> Source:
    where = f"{path}: source {name!r}"
    if not isinstance(spec, dict):
        raise SourceError(f"{where} must be a table")
    unknown = set(spec) - _KEYS
    if unknown:
        raise SourceError(f"{where}: unknown key(s) {', '.join(sorted(unknown))} (known: {', '.join(sorted(_KEYS))})")
    listings = spec.get("listings", [])
    if isinstance(listings, str):
        listings = [listings]
    if not listings or not all(isinstance(u, str) and u.startswith(("http://", "https://")) for u in listings):
        raise SourceError(f"{where}: listings must be a list of http(s) URLs")
    match = spec.get("match", [])
    if isinstance(match, str):
        match = [match]
    max_pages = spec.get("max_pages")
    if max_pages is not None and (not isinstance(max_pages, int) or max_pages < 1):
        raise SourceError(f"{where}: max_pages must be a positive whole number")
    region_name, region_code = _region(where, spec.get("region"))
    return Source(
        name=name, listings=tuple(listings), site=spec.get("site"), region=region_name, region_code=region_code,
        match=tuple(str(m) for m in match), max_pages=max_pages, attachments=bool(spec.get("attachments", False)),
        official=spec.get("official"),
    )


def _region(where: str, given) -> tuple[str | None, str | None]:
    if given is None:
        return None, None
    given = str(given).strip()
    if given.isdigit() and len(given) == 6:
        r = regions.by_code(given)
        if r is None:
            raise SourceError(f"{where}: no region with the code {given}")
        return r.name, r.code
    found = regions.lookup(given)
    if not found:
        raise SourceError(f"{where}: no region called {given}")
    if len(found) > 1:
        codes = ", ".join(f"{r.code} ({r.province or ''}{r.prefecture or ''})" for r in found)
        raise SourceError(f"{where}: several regions are called {given}: {codes}; give the 6-digit code")
    return found[0].name, found[0].code
