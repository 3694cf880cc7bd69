"""Fetching plans from government websites and reading their page templates.

* :mod:`kb.scrape.templates`   — the CMS templates (TRS, 大汉 Hanweb, gov.cn UCAP, 信息公开) as data
* :mod:`kb.scrape.pages`       — body, metadata and attachments of a saved page (no network)
* :mod:`kb.scrape.listing`     — article links and pagination of a listing page (no network)
* :mod:`kb.scrape.attachments` — text of .docx/.xlsx/.pdf attachments, tables kept as rows (no network)
* :mod:`kb.scrape.http`        — the polite HTTP client (the only module that imports requests)
* :mod:`kb.scrape.robots`      — robots.txt rules and crawl delays per host
* :mod:`kb.scrape.sources`     — named sources registered in ``corpus/sources.toml``
* :mod:`kb.scrape.dedup`       — the same plan at two URLs (mirrors) found by content
* :mod:`kb.scrape.archive`     — fetched bytes into the corpus: sidecars, versions, second sources, attachments
* :mod:`kb.scrape.fetcher`     — ``policykb fetch``: fetch, crawl, store with sidecars, report

Importing this package does not import requests; only :mod:`kb.scrape.http` does.
"""
