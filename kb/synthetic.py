"""A scaled corpus for benchmarks, made by recombining the seed plans' paragraphs.

Every generated document is labelled ``synthetic`` in the manifest.  Regions
are drawn from the vendored division table, so region-dependent code sees
many regions; a share of the documents is written in traditional script, as
GB18030 bytes, or with site chrome and a repeated body, so every normaliser
stage does real work.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass
from pathlib import Path

from .corpus import Corpus, Entry
from .normalise import normalise, to_traditional
from .regions import all_regions

_LEVELS = (
    ("l1", re.compile(r"^([一二三四五六七八九十]+)、")),
    ("l2", re.compile(r"^\(([一二三四五六七八九十]+)\)")),
    ("l3", re.compile(r"^(\d{1,2})[.、](?!\d)")),
    ("l4", re.compile(r"^\((\d{1,2})\)")),
)
_CN = "一二三四五六七八九十"
_SEED_PLACES = re.compile(r"普宁市|晋江市|恩平市|温岭市|青海省|揭阳市|泉州市|江门市|台州市|普宁|晋江|恩平|温岭|青海")


def _cn(n: int) -> str:
    if n <= 10:
        return _CN[n - 1]
    return ("" if n < 20 else _CN[n // 10 - 1]) + "十" + (_CN[n % 10 - 1] if n % 10 else "")


@dataclass
class Pools:
    l1: list[str]
    l2: list[str]
    l3: list[str]
    l4: list[str]
    body: list[str]


def seed_pools(corpus_dir: Path | str) -> Pools:
    """Paragraphs of the seed plans by heading level, numbers stripped."""
    corpus = Corpus(corpus_dir)
    pools = Pools([], [], [], [], [])
    for e in corpus.entries():
        if e.label != "seed":
            continue
        text = normalise(corpus.read(e).decode("utf-8")).text
        for para in text.split("\n"):
            para = para.strip()
            if len(para) < 6:
                continue
            for name, rx in _LEVELS:
                m = rx.match(para)
                if m:
                    getattr(pools, name).append(para[m.end():].strip())
                    break
            else:
                if len(para) > 40:
                    pools.body.append(para)
    return pools


def _page(rnd: random.Random, pools: Pools, region: str, prefix: str, year: int, n: int) -> str:
    title = f"{region}{rnd.choice(['推动义务教育优质均衡发展行动方案', '学前教育普及普惠发展实施方案', '基础教育高质量发展三年行动方案(2023—2025年)', '创建全国义务教育优质均衡发展县实施方案'])}"
    month, day = rnd.randint(1, 12), rnd.randint(1, 28)
    lines = [
        f"{region}人民政府门户网站",
        "首页 > 政务公开 > 政策文件",
        f"{region}人民政府办公室关于印发{title}的通知",
        f"来源:{region}人民政府办公室 发布时间:{year}-{month:02d}-{day:02d} 10:{rnd.randint(10, 59)} 浏览次数:{rnd.randint(1, 999)}",
        "",
        f"{prefix}府办〔{year}〕{n}号",
        "",
        "各乡镇人民政府,各街道办事处,县直各单位:",
        f"现将《{title}》印发给你们,请认真组织实施。",
        "",
        f"{region}人民政府办公室",
        f"{year}年{month}月{day}日",
        "",
        title,
        "",
        rnd.choice(pools.body),
    ]
    for i in range(1, rnd.randint(4, 7) + 1):
        lines += ["", f"{_cn(i)}、{rnd.choice(pools.l1)}"]
        for j in range(1, rnd.randint(2, 5) + 1):
            lines += ["", f"({_cn(j)}){rnd.choice(pools.l2)}"]
            for k in range(1, rnd.randint(1, 5) + 1):
                lines += ["", f"{k}.{rnd.choice(pools.l3 or pools.body)}"]
                if pools.l4 and rnd.random() < 0.15:
                    for m in range(1, rnd.randint(2, 4) + 1):
                        lines += [f"({m}){rnd.choice(pools.l4)}"]
    lines += ["", "扫一扫在手机打开当前页", "【打印】【关闭】", f"版权所有:{region}人民政府 网站标识码:{rnd.randint(10**9, 10**10 - 1)}",
              f"ICP备案号:ICP备{rnd.randint(10**7, 10**8 - 1)}号"]
    text = "\n".join(lines)
    return _SEED_PLACES.sub(region, text)


def generate(corpus_dir: Path | str, out_dir: Path | str, count: int, seed: int = 20261125) -> Corpus:
    """Write a corpus of ``count`` synthetic plans to ``out_dir``; returns it."""
    rnd = random.Random(seed)
    pools = seed_pools(corpus_dir)
    counties = [r for r in all_regions() if r.level == "county"]
    out = Corpus(out_dir)
    (out.root / "raw").mkdir(parents=True, exist_ok=True)
    entries = []
    import hashlib

    for i in range(count):
        region = rnd.choice(counties)
        prefix = region.name[:1]
        text = _page(rnd, pools, region.name, prefix, rnd.choice([2020, 2021, 2022, 2023, 2024]), rnd.randint(1, 99))
        roll = rnd.random()
        if roll < 0.1:
            text = to_traditional(text)
        if 0.1 <= roll < 0.15:
            text = text + "\n" + text  # a page that repeats its body
        encoding = "gb18030" if 0.15 <= roll < 0.3 else "utf-8"
        data = text.encode(encoding, errors="replace")
        digest = hashlib.sha256(data).hexdigest()
        doc_id = f"{i:05d}_{digest[:16]}"
        rel = f"raw/{doc_id}.txt"
        (out.root / rel).write_bytes(data)
        entries.append(Entry(id=doc_id, file=rel, sha256=digest, bytes=len(data), origin="synthetic",
                             media_type="text/plain", encoding=encoding, region=region.name,
                             region_code=region.code, label="synthetic"))
    out.save(entries)
    return out
