"""Sources every generated record cites: the ontology's own (copied), and generated documents —
the administrative divisions, one government notice per park, registry extracts (one per
:data:`REGISTRY_BATCH` enterprises) and news reports whose dates grow with their number — all
titled 合成数据 so nobody mistakes them for real reports."""

from __future__ import annotations

import datetime as dt
import random

from chainkg.synthetic.ontology import Ontology, real_sources
from chainkg.synthetic.output import Output
from chainkg.synthetic.places import County

__all__ = ["REGISTRY_BATCH", "News", "write_sources"]

REGISTRY_BATCH = 500  # enterprises per generated registry extract
_NEWS_START = dt.date(2015, 1, 1)
_NEWS_DAYS = 11 * 365


class News:
    """The generated news reports: ``count`` of them, numbered; a later number is a later report."""

    def __init__(self, count: int) -> None:
        self.count = count

    @staticmethod
    def key(i: int) -> str:
        return f"syn-news-{i:06d}"

    def date(self, i: int) -> str:
        """News dates grow with the index, so a later index is a later report."""
        return (_NEWS_START + dt.timedelta(days=i * _NEWS_DAYS // self.count)).isoformat()

    def draw(self, rng: random.Random) -> str:
        """The key of a report drawn at random."""
        return self.key(rng.randrange(self.count))


def write_sources(output: Output, ontology: Ontology, counties: list[County], n_registry: int, news: News) -> None:
    """The ontology's own sources (copied), then generated documents: admin, parks, registry, news."""
    real = ontology.files[0].parent.parent / "sources.yaml"
    copied = real_sources(real, ontology.cited_sources)
    for record in copied:
        output.write("sources", record)
    output.write(
        "sources",
        {
            "key": "syn-admin",
            "title": "行政区划（合成数据）",
            "publisher": "chainkg synthetic",
            "date": "2024-01",
            "authority": 3,
        },
    )
    for i, (county, park) in enumerate((c, p) for c in counties for p in c.parks):
        output.write(
            "sources",
            {
                "key": f"syn-gov-{i:05d}",
                "title": f"{county.name}关于{park.name}建设的公告（合成数据）",
                "publisher": f"{county.name}人民政府（合成）",
                "date": f"{2010 + i % 14}-{1 + i % 12:02d}",
                "authority": 3,
            },
        )
    for i in range(n_registry):
        output.write(
            "sources",
            {
                "key": f"syn-reg-{i:05d}",
                "title": f"企业登记信息抽取 第{i + 1}批（合成数据）",
                "publisher": "chainkg synthetic registry",
                "date": f"2024-{1 + i % 12:02d}",
                "authority": 3,
            },
        )
    publishers = ("德州新闻网（合成）", "齐鲁网（合成）", "大众日报（合成）", "行业快讯（合成）")
    for i in range(news.count):
        output.write(
            "sources",
            {
                "key": news.key(i),
                "title": f"招商引资动态 第{i + 1}期（合成数据）",
                "publisher": publishers[i % len(publishers)],
                "date": news.date(i),
                "authority": 1 + (i % 3 == 0),
            },
        )
