"""Synthetic datasets at park, city and province scale, built on the real 12-chain ontology.

Why: chainkg serves one park's office as well as a province's, and the curated Dezhou graph holds a
few dozen enterprises. Benchmarks and scale tests need graphs of the right size *and* shape — the
shape decides the cost of a load, a snapshot or a query. What this generator reproduces:

- **the real ontology**: the chain files (``data/dezhou/chains/*.yaml``) are copied unchanged;
  enterprises sit in their segments and SUPPLIES links follow the segments' FEEDS direction;
- **heavy tails**: enterprise groups have Pareto-distributed sizes (most enterprises stand alone,
  a few groups have hundreds of subsidiaries, several levels deep, with stakes); project amounts
  are log-normal (median about 3亿元); registered capital too;
- **skew**: a few counties, parks and segments hold most enterprises (Zipf weights over a seeded
  shuffle), and parks specialise in one chain, so segments cluster in parks as they do in reality;
- **the pipeline**: projects carry statuses 洽谈 → 投产 with dates in order; some have statuses
  claimed by two news sources of different dates, so conflict resolution has work to do;
- **provenance**: every record cites generated sources (registry extracts, news, government
  documents), all titled 合成数据 so nobody mistakes them for real reports.

Output is a dataset directory the normal pipeline loads (``chainkg load <dir>``): ``chains/`` copied
from the ontology, the rest as JSON Lines (``sources.jsonl`` … ``projects.jsonl``, same fields as
the YAML files, see ``data/README.md``), plus ``synthetic.json`` describing what was generated.

Generation streams: enterprises are produced one group at a time and written at once; links to
other enterprises (parents, customers, investors) point only at a group's own members or at small
bounded reservoirs of enterprises already written, so memory stays constant and a province (a
million enterprises) can be written on a laptop. The same seed gives byte-identical files.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import random
import shutil
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path
from typing import Any

import yaml

from chainkg.paths import CHAINS_DIR
from chainkg.synthetic.names import Scrambler, credit_code, format_amount, place_capacity, place_code, trade_code

__all__ = ["PRESETS", "GenerationSummary", "Ontology", "Preset", "generate", "preset_named"]

FILES = ("sources", "regions", "parks", "enterprises", "projects")


@dataclass(frozen=True)
class Preset:
    """The size and shape of one synthetic dataset."""

    name: str
    enterprises: int
    cities: int  # 1: Dezhou only; more: Shandong's cities, Dezhou among them
    counties_per_city: int  # Dezhou keeps its real divisions (at most 13)
    towns_per_county: int
    parks_per_county: tuple[int, int]
    max_group: int  # cap on a group's size (the Pareto tail is cut here)
    projects_per_enterprise: float
    supplies_mean: float  # customers per enterprise whose segment feeds another

    def resized(self, enterprises: int) -> Preset:
        """The same shape with another number of enterprises (for tests and custom runs)."""
        if enterprises < 1:
            raise ValueError("a dataset needs at least one enterprise")
        return dataclasses.replace(self, name=f"{self.name}-{enterprises}", enterprises=enterprises)


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset("park", 2_000, 1, 1, 8, (4, 4), 60, 0.25, 3.0),
        Preset("city", 50_000, 1, 13, 8, (2, 4), 400, 0.25, 4.3),
        Preset("province", 1_000_000, 16, 9, 10, (2, 4), 3_000, 0.3, 4.6),
    )
}


def preset_named(name: str) -> Preset:
    try:
        return PRESETS[name]
    except KeyError:
        raise KeyError(f"no preset {name!r}; choose one of {', '.join(PRESETS)}") from None


# --- the ontology ------------------------------------------------------------------------------


@dataclass
class Ontology:
    """What the generator needs from the chain files; read, never invented."""

    files: list[Path]
    chains: list[str]
    chain_segments: dict[str, list[str]]
    segments: list[str]  # unique, in order of first definition
    segment_chain: dict[str, str]  # the chain that defines a segment first
    downstream: dict[str, list[str]]  # segment → the segments it FEEDS
    cited_sources: list[str]
    edges: int  # edges the chain files produce (PART_OF, FEEDS, OVERSEES, CITES)

    @classmethod
    def read(cls, chains_dir: Path) -> Ontology:
        files = sorted(chains_dir.glob("*.yaml"))
        if not files:
            raise FileNotFoundError(f"no chain files (*.yaml) in {chains_dir}")
        chains: list[str] = []
        chain_segments: dict[str, list[str]] = {}
        segment_chain: dict[str, str] = {}
        downstream: dict[str, list[str]] = {}
        cited: dict[str, None] = {}
        feeds: dict[tuple[str, str], None] = {}
        part_of = 0
        for file in files:
            doc = yaml.safe_load(file.read_text(encoding="utf-8"))
            name = str(doc["name"])
            chains.append(name)
            for entry in doc.get("sources") or []:
                cited[str(entry["source"] if isinstance(entry, dict) else entry)] = None
            members = [str(s["name"]) for s in doc.get("segments") or []]
            chain_segments[name] = members
            part_of += len(members)
            for seg in members:
                segment_chain.setdefault(seg, name)
            for src, dst in doc.get("feeds") or []:
                feeds[(str(src), str(dst))] = None
        for src, dst in feeds:
            downstream.setdefault(src, []).append(dst)
        n_sources = len(cited)
        edges = (
            part_of
            + len(feeds)
            + len(chains) * (1 + 2 * n_sources)  # OVERSEES, CITES of chain and office
            + len(segment_chain) * n_sources  # CITES of each segment node
        )
        return cls(
            files,
            chains,
            chain_segments,
            list(segment_chain),
            segment_chain,
            downstream,
            list(cited),
            edges,
        )


# --- places -----------------------------------------------------------------------------------

#: Dezhou's real divisions: name, level, division code, stem for park names, short alias.
_DEZHOU = [
    ("天衢新区", "functional_zone", "371471", "天衢", "天衢"),
    ("德城区", "district", "371402", "德城", "德城"),
    ("陵城区", "district", "371403", "陵城", "陵城"),
    ("禹城市", "county_city", "371482", "禹城", "禹城"),
    ("乐陵市", "county_city", "371481", "乐陵", "乐陵"),
    ("临邑县", "county", "371424", "临邑", "临邑"),
    ("平原县", "county", "371426", "平原", "平原"),
    ("夏津县", "county", "371427", "夏津", "夏津"),
    ("武城县", "county", "371428", "武城", "武城"),
    ("庆云县", "county", "371423", "庆云", "庆云"),
    ("宁津县", "county", "371422", "宁津", "宁津"),
    ("齐河县", "county", "371425", "齐河", "齐河"),
    ("运河经济开发区", "functional_zone", "371472", "运河", "运河开发区"),
]
#: Shandong's cities (name, division prefix), Dezhou first so every preset contains it.
_SHANDONG = [
    ("德州市", "3714"),
    ("济南市", "3701"),
    ("青岛市", "3702"),
    ("淄博市", "3703"),
    ("枣庄市", "3704"),
    ("东营市", "3705"),
    ("烟台市", "3706"),
    ("潍坊市", "3707"),
    ("济宁市", "3708"),
    ("泰安市", "3709"),
    ("威海市", "3710"),
    ("日照市", "3711"),
    ("临沂市", "3713"),
    ("聊城市", "3715"),
    ("滨州市", "3716"),
    ("菏泽市", "3717"),
]
_PROVINCE = "山东省"
_CAPITAL = "北京市"  # where central SOE groups have their seat
_CAPITAL_DIVISION = "110108"


@dataclass
class Park:
    name: str
    level: str
    theme: str  # the chain the park specialises in
    within: str | None


@dataclass
class County:
    name: str
    level: str
    city: str
    division: str
    stem: str
    alias: str | None
    towns: list[str] = field(default_factory=list)
    parks: list[Park] = field(default_factory=list)
    park_weights: list[float] = field(default_factory=list)


def _zipf(n: int, exponent: float) -> list[float]:
    """Cumulative Zipf weights 1/(rank+1)^s for ``rng.choices(cum_weights=…)``."""
    return list(accumulate(1.0 / (rank + 1) ** exponent for rank in range(n)))


# --- records ----------------------------------------------------------------------------------

_STATUSES = ("洽谈", "签约", "开工", "在建", "投产")
_STATUS_WEIGHTS = list(accumulate((0.12, 0.22, 0.14, 0.27, 0.25)))
_DATE_FIELD = {"签约": "signed_date", "开工": "start_date", "在建": "construction_date", "投产": "production_date"}
_PROJECT_KINDS = ("生产线建设", "扩建", "技术改造", "研发中心", "智能工厂", "产业园", "二期", "三期", "配套", "基地")
_FORMS = ("有限公司", "有限公司", "有限公司", "科技有限公司", "股份有限公司", "实业有限公司")
_INDEPENDENT_KINDS = list(
    zip(
        *[
            ("private", 0.78),
            ("foreign", 0.05),
            ("joint_venture", 0.04),
            ("local_soe", 0.03),
            ("soe", 0.02),
            ("listed", 0.02),
            ("institution", 0.02),
            ("other", 0.04),
        ],
        strict=True,
    )
)
_REGISTRY_BATCH = 500  # enterprises per generated registry extract
_NEWS_START = dt.date(2015, 1, 1)
_NEWS_DAYS = 11 * 365


@dataclass
class GenerationSummary:
    """What was written: records per file and the edges the load will create (a prediction)."""

    preset: str
    seed: int
    out: Path
    records: dict[str, int]
    edges: dict[str, int]

    @property
    def total_records(self) -> int:
        return sum(self.records.values())

    @property
    def total_edges(self) -> int:
        return sum(self.edges.values())

    def to_dict(self) -> dict[str, Any]:
        return {
            "generator": "chainkg synthetic (chainkg/synthetic/generator.py)",
            "preset": self.preset,
            "seed": self.seed,
            "records": self.records,
            "total_records": self.total_records,
            "edges_expected": self.edges,
            "total_edges_expected": self.total_edges,
        }


class _Member:
    """One enterprise of the group being generated (dropped once the group is written)."""

    __slots__ = ("capital", "county", "index", "kind", "located", "name", "park", "segments")

    def __init__(self, index: int, name: str, kind: str, county: County | None, park: Park | None) -> None:
        self.index = index
        self.name = name
        self.kind = kind
        self.county = county
        self.park = park
        self.segments: list[str] = []
        self.located: list[str] = []
        self.capital = 0


class _Generator:
    def __init__(self, preset: Preset, seed: int, ontology: Ontology, out: Path) -> None:
        self.preset = preset
        self.seed = seed
        self.ont = ontology
        self.out = out
        self.rng = random.Random(seed)
        self.records = dict.fromkeys(FILES, 0)
        self.edges: dict[str, int] = {"ontology": ontology.edges}
        n = preset.enterprises
        self.code_length = 3 if n <= 128**3 else 4
        self.ent_code = Scrambler(128**self.code_length, seed, 1)
        self.serial = Scrambler(31**9, seed, 2)
        est_projects = int(n * preset.projects_per_enterprise * 1.3) + 10
        self.n_news = max(50, (n + est_projects) // 20)
        self.n_registry = -(-n // _REGISTRY_BATCH)
        # segment skew: a seeded shuffle, then Zipf weights by rank
        self.seg_order = list(ontology.segments)
        self.rng.shuffle(self.seg_order)
        self.seg_weights = _zipf(len(self.seg_order), 1.0)
        self.chain_seg_order = {c: self._shuffled(s) for c, s in ontology.chain_segments.items()}
        self.chain_seg_weights = {c: _zipf(len(s), 0.9) for c, s in ontology.chain_segments.items()}
        # reservoirs of enterprises already written, per segment: recent ones and big "anchors"
        self.recent: dict[str, deque[str]] = {s: deque(maxlen=128) for s in ontology.segments}
        self.anchors: dict[str, list[str]] = {s: [] for s in ontology.segments}
        self.leaders: dict[tuple[str, str], int] = {}
        self.counties: list[County] = []
        self.county_weights: list[float] = []

    def _shuffled(self, items: Sequence[str]) -> list[str]:
        out = list(items)
        self.rng.shuffle(out)
        return out

    # --- files ----------------------------------------------------------------------------

    def run(self) -> GenerationSummary:
        self.out.mkdir(parents=True, exist_ok=True)
        chains_out = self.out / "chains"
        chains_out.mkdir(exist_ok=True)
        for file in self.ont.files:
            shutil.copyfile(file, chains_out / file.name)
        handles = {name: (self.out / f"{name}.jsonl").open("w", encoding="utf-8", newline="\n") for name in FILES}
        try:
            self.handles = handles
            self._places()
            self._sources()
            self._enterprises()
        finally:
            for handle in handles.values():
                handle.close()
        summary = GenerationSummary(self.preset.name, self.seed, self.out, dict(self.records), dict(self.edges))
        (self.out / "synthetic.json").write_text(
            json.dumps(summary.to_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        return summary

    def _write(self, file: str, record: dict[str, Any]) -> None:
        self.handles[file].write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
        self.records[file] += 1

    def _edge(self, kind: str, n: int = 1) -> None:
        self.edges[kind] = self.edges.get(kind, 0) + n

    def _cite(self, sources: list[Any]) -> list[Any]:
        self._edge("CITES", len(sources))
        return sources

    # --- sources ----------------------------------------------------------------------------

    def _sources(self) -> None:
        """The ontology's own sources (copied), then generated documents: admin, parks, registry, news."""
        real = self.ont.files[0].parent.parent / "sources.yaml"
        copied = _real_sources(real, self.ont.cited_sources)
        for record in copied:
            self._write("sources", record)
        self._write(
            "sources",
            {
                "key": "syn-admin",
                "title": "行政区划（合成数据）",
                "publisher": "chainkg synthetic",
                "date": "2024-01",
                "authority": 3,
            },
        )
        for i, (county, park) in enumerate((c, p) for c in self.counties for p in c.parks):
            self._write(
                "sources",
                {
                    "key": f"syn-gov-{i:05d}",
                    "title": f"{county.name}关于{park.name}建设的公告（合成数据）",
                    "publisher": f"{county.name}人民政府（合成）",
                    "date": f"{2010 + i % 14}-{1 + i % 12:02d}",
                    "authority": 3,
                },
            )
        for i in range(self.n_registry):
            self._write(
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
        for i in range(self.n_news):
            self._write(
                "sources",
                {
                    "key": _news_key(i),
                    "title": f"招商引资动态 第{i + 1}期（合成数据）",
                    "publisher": publishers[i % len(publishers)],
                    "date": self._news_date(i),
                    "authority": 1 + (i % 3 == 0),
                },
            )

    def _news_date(self, i: int) -> str:
        """News dates grow with the index, so a later index is a later report."""
        return (_NEWS_START + dt.timedelta(days=i * _NEWS_DAYS // self.n_news)).isoformat()

    # --- regions and parks --------------------------------------------------------------------

    def _places(self) -> None:
        p = self.preset
        rng = self.rng
        self._write("regions", {"name": _PROVINCE, "level": "province", "aliases": ["山东"], "sources": ["syn-admin"]})
        self._write("regions", {"name": _CAPITAL, "level": "province", "aliases": ["北京"], "sources": ["syn-admin"]})
        self._edge("CITES", 2)
        reserved = {stem for *_, stem, _ in _DEZHOU} | {c[:2] for c, _ in _SHANDONG}
        stems = Scrambler(place_capacity(), self.seed, 3)
        towns = Scrambler(place_capacity(), self.seed, 4)
        next_stem = 0
        next_town = 0
        city_weights = _zipf(p.cities, 0.8)
        weights: list[float] = []
        for c, (city, prefix) in enumerate(_SHANDONG[: p.cities]):
            region: dict[str, Any] = {"name": city, "level": "city", "parent": _PROVINCE, "sources": ["syn-admin"]}
            if city == "德州市":
                region["home"] = True  # the city the graph serves: the default scope of every query
            self._write("regions", region)
            self._edge("CITES")
            self._edge("PART_OF")
            city_weight = city_weights[c] - (city_weights[c - 1] if c else 0.0)
            if city == "德州市":
                counties = [
                    County(n, lv, city, div, stem, alias) for n, lv, div, stem, alias in _DEZHOU[: p.counties_per_city]
                ]
            else:
                counties = []
                for j in range(p.counties_per_city):
                    while True:
                        stem = place_code(stems(next_stem))
                        next_stem += 1
                        if stem not in reserved:
                            break
                    level, suffix = (
                        ("district", "区") if j < 3 else ("county", "县") if j % 5 else ("county_city", "市")
                    )
                    counties.append(County(stem + suffix, level, city, f"{prefix}{j + 1:02d}", stem, None))
            ranks = list(range(len(counties)))
            rng.shuffle(ranks)
            county_zipf = _zipf(len(counties), 1.1)
            for county, rank in zip(counties, ranks, strict=True):
                w = county_zipf[rank] - (county_zipf[rank - 1] if rank else 0.0)
                weights.append(city_weight * w)
                record: dict[str, Any] = {"name": county.name, "level": county.level, "parent": city}
                if county.alias:
                    record["aliases"] = [county.alias]
                record["sources"] = ["syn-admin"]
                self._write("regions", record)
                self._edge("CITES")
                self._edge("PART_OF")
                for t in range(p.towns_per_county):
                    town = place_code(towns(next_town)) + ("街道" if t < 2 else "镇")
                    next_town += 1
                    county.towns.append(town)
                    self._write(
                        "regions", {"name": town, "level": "town", "parent": county.name, "sources": ["syn-admin"]}
                    )
                    self._edge("CITES")
                    self._edge("PART_OF")
                self.counties.append(county)
        self.county_weights = list(accumulate(weights))
        gov = 0
        for county in self.counties:
            lo, hi = p.parks_per_county
            n_parks = rng.randint(lo, hi)
            themes = rng.sample(self.ont.chains, min(n_parks, len(self.ont.chains)))
            # a functional zone already is a development zone: its main park is a high-tech zone
            zone = f"{county.stem}{'高新技术产业开发区' if county.level == 'functional_zone' else '经济开发区'}"
            for k, theme in enumerate(themes):
                if k == 0:
                    park = Park(zone, rng.choice(("provincial", "provincial", "national")), theme, None)
                else:
                    within = zone if rng.random() < 0.3 else None
                    park = Park(f"{county.stem}{theme}产业园", "base" if within else "county", theme, within)
                county.parks.append(park)
                record = {"name": park.name, "level": park.level, "region": county.name}
                if park.within:
                    record["within"] = park.within
                record["planned_investment"] = format_amount(int(rng.lognormvariate(math.log(5e9), 0.8)))
                record["area"] = f"规划面积{rng.randint(3, 60)}平方公里"
                record["established"] = str(rng.randint(1992, 2022))
                record["description"] = f"以{theme}为主导产业（合成数据）"
                record["sources"] = [f"syn-gov-{gov:05d}"]
                gov += 1
                self._write("parks", record)
                self._edge("CITES")
                self._edge("LOCATED_IN", 1 + bool(park.within))
            county.park_weights = _zipf(len(county.parks), 1.0)

    # --- enterprises, groups and projects -----------------------------------------------------

    def _enterprises(self) -> None:
        n = self.preset.enterprises
        index = 0
        while index < n:
            size = min(self._group_size(), n - index)
            self._group(index, size)
            index += size

    def _group_size(self) -> int:
        """Pareto tail: P(size ≥ s) = s^-1.5, capped at the preset's largest group."""
        u = 1.0 - self.rng.random()
        return min(self.preset.max_group, int(u ** (-1 / 1.5)))

    def _county(self) -> County:
        return self.rng.choices(self.counties, cum_weights=self.county_weights)[0]

    def _place(self, county: County) -> tuple[Park | None, list[str]]:
        rng = self.rng
        town = rng.choice(county.towns) if county.towns else county.name
        if county.parks and rng.random() < 0.6:
            park = rng.choices(county.parks, cum_weights=county.park_weights)[0]
            return park, [park.name, town]
        return None, [town]

    def _segment(self, theme: str | None) -> str:
        rng = self.rng
        if theme is not None and rng.random() < 0.7:
            return rng.choices(self.chain_seg_order[theme], cum_weights=self.chain_seg_weights[theme])[0]
        return rng.choices(self.seg_order, cum_weights=self.seg_weights)[0]

    def _group(self, first: int, size: int) -> None:
        rng = self.rng
        home = self._county()
        home_park, _ = self._place(home)
        theme = home_park.theme if home_park else self.ont.segment_chain[self._segment(None)]
        central = size >= 20 and rng.random() < 0.5
        if central:
            head_kind, member_kind = "central_soe_group", "soe"
        elif size > 1:
            head_kind = rng.choices(("private", "local_soe", "listed", "foreign"), (0.65, 0.2, 0.1, 0.05))[0]
            member_kind = {"listed": "private", "foreign": "joint_venture"}.get(head_kind, head_kind)
        else:
            head_kind = member_kind = rng.choices(*_INDEPENDENT_KINDS)[0]
        members: list[_Member] = []
        depth: list[int] = []
        for k in range(size):
            index = first + k
            is_head = k == 0
            at_capital = is_head and central
            county = None if at_capital else (home if rng.random() < 0.65 else self._county())
            park, located = (None, [_CAPITAL]) if county is None else self._place(county)
            code = trade_code(self.ent_code(index), self.code_length)
            member = _Member(index, "", head_kind if is_head else member_kind, county, park)
            member.located = located
            if not (is_head and size >= 3 and rng.random() < 0.5):
                member.segments.append(self._segment(park.theme if park else theme))
                if rng.random() < 0.3:
                    extra = self._segment(self.ont.segment_chain[member.segments[0]])
                    if extra not in member.segments:
                        member.segments.append(extra)
            if is_head and size >= 3:
                member.name = f"{code}{theme}集团有限公司"
                alias = f"{code}集团"
                median = 5e8 * math.log10(size + 1)
            else:
                word = member.segments[0]
                form = rng.choice(_FORMS)
                city = county.city[:2] if county else "北京"
                member.name = f"{code}{word}（{city}）{form}" if rng.random() < 0.3 else f"{code}{word}{form}"
                alias = f"{code}{word}"
                median = 5e7 if size > 1 else 5e6
            member.capital = int(rng.lognormvariate(math.log(median), 1.2))
            members.append(member)
            depth.append(0)
            record: dict[str, Any] = {"name": member.name}
            if rng.random() < 0.35:
                record["aliases"] = [alias]
            record["kind"] = member.kind
            division = county.division if county else _CAPITAL_DIVISION
            if rng.random() < 0.85:
                record["credit_code"] = credit_code(division, self.serial(index))
            if member.kind == "listed" or (is_head and size >= 10 and rng.random() < 0.3):
                record["stock_code"] = (
                    f"{rng.choice(('600', '601', '603', '000', '002', '300'))}{rng.randrange(1000):03d}"
                )
            record["home_region"] = county.name if county else _CAPITAL
            record["located_in"] = located
            self._edge("LOCATED_IN", len(located))
            if member.segments:
                record["segments"] = member.segments
                self._edge("IN_SEGMENT", len(member.segments))
            if not is_head:
                parent_k = 0 if rng.random() < 0.55 else rng.randrange(k)
                if depth[parent_k] >= 3:
                    parent_k = 0
                depth[k] = depth[parent_k] + 1
                record["parent"] = self._parent(members[parent_k].name)
                self._edge("SUBSIDIARY_OF")
            leads = self._leads(member, big=size >= 8 or member.capital >= 500_000_000)
            if leads:
                record["leads"] = leads
                self._edge("LEADS", len(leads))
            supplies = self._supplies(member)
            if supplies:
                record["supplies"] = supplies
                self._edge("SUPPLIES", len(supplies))
            record["registered_capital"] = format_amount(member.capital)
            year = rng.randint(1980, 2010) if is_head and size > 1 else rng.randint(1990, 2024)
            record["established"] = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            sources: list[Any] = [f"syn-reg-{index // _REGISTRY_BATCH:05d}"]
            if rng.random() < 0.35:
                where = park.name if park else located[0]
                sources.append({"source": self._news_key(), "evidence": f"报道该企业在{where}投资经营"})
            record["sources"] = self._cite(sources)
            self._write("enterprises", record)
            self._remember(member, big=(is_head and size > 1) or bool(leads) or member.capital >= 1e9)
            for ordinal in range(self._project_count(is_head, size)):
                self._project(member, code, ordinal, members[0] if not is_head else None, theme)

    def _parent(self, name: str) -> dict[str, Any] | str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.35:
            return {"name": name, "stake_pct": 100}
        if roll < 0.7:
            return {"name": name, "stake_pct": rng.randint(51, 99)}
        if roll < 0.9:
            return {"name": name, "stake_pct": round(rng.uniform(20, 50), 1)}
        return name

    def _leads(self, member: _Member, big: bool) -> list[dict[str, str]]:
        """链主: a big enterprise leads its segment's chain within its county (at most one per pair)."""
        if not big or member.county is None or not member.segments or self.rng.random() < 0.5:
            return []
        chain = self.ont.segment_chain[member.segments[0]]
        key = (chain, member.county.name)
        if self.leaders.get(key, 0) >= 1:
            return []
        self.leaders[key] = 1
        scope = member.park.name if member.park is not None and member.park.theme == chain else member.county.name
        return [{"chain": chain, "scope": scope}]

    def _supplies(self, member: _Member) -> list[dict[str, str]]:
        """Customers downstream (per FEEDS) among enterprises already written: hubs or recent ones."""
        if not member.segments:
            return []
        seg = member.segments[0]
        targets = self.ont.downstream.get(seg)
        if not targets:
            return []
        rng = self.rng
        k = min(20, int(rng.expovariate(1.0 / self.preset.supplies_mean) + 0.5))
        chosen: list[str] = []
        for _ in range(k):
            customer_seg = rng.choice(targets)
            pool: Sequence[str] = self.anchors[customer_seg]
            if not pool or rng.random() < 0.5:
                pool = self.recent[customer_seg]
            if not pool:
                continue
            customer = pool[rng.randrange(len(pool))]
            if customer != member.name and customer not in chosen:
                chosen.append(customer)
        return [{"customer": c, "product": seg} for c in chosen]

    def _remember(self, member: _Member, big: bool) -> None:
        for seg in member.segments:
            self.recent[seg].append(member.name)
            if big and len(self.anchors[seg]) < 24:
                self.anchors[seg].append(member.name)

    def _project_count(self, is_head: bool, size: int) -> int:
        rng = self.rng
        rate = self.preset.projects_per_enterprise
        if is_head and size >= 5:
            return min(len(_PROJECT_KINDS), 1 + int(rng.expovariate(0.5)))
        roll = rng.random()
        return 2 if roll < rate * 0.1 else 1 if roll < rate * 0.9 else 0

    def _news_key(self) -> str:
        return _news_key(self.rng.randrange(self.n_news))

    def _project(self, member: _Member, code: str, ordinal: int, head: _Member | None, theme: str) -> None:
        rng = self.rng
        seg = member.segments[0] if member.segments else self._segment(theme)
        located = member.located if member.county else self._place(self._county())[1]
        yuan = max(5_000_000, int(rng.lognormvariate(math.log(3e8), 1.2)))
        record: dict[str, Any] = {"name": f"{code}{seg}{_PROJECT_KINDS[ordinal]}项目"}
        if member.kind in ("foreign", "joint_venture") and rng.random() < 0.4:
            record["total_investment"] = f"{max(1, round(yuan / 7 / 10_000))}万美元"
        else:
            record["total_investment"] = format_amount(yuan)
        status = rng.choices(_STATUSES, cum_weights=_STATUS_WEIGHTS)[0]
        disputed = status != "洽谈" and rng.random() < 0.08
        if not disputed:
            record["status"] = status
        record.update(self._project_dates(status))
        if rng.random() < 0.4:
            record["capacity"] = f"达产后年产值{rng.randint(1, 80)}亿元"
        if rng.random() < 0.5:
            record["area"] = f"占地{rng.randint(20, 1500)}亩"
        record["located_in"] = located
        record["segments"] = [seg]
        investors: list[dict[str, Any]] = [{"name": member.name, "role": "builder"}]
        if head is not None and rng.random() < 0.4:
            share = format_amount(int(yuan * rng.uniform(0.2, 0.8)))
            investors.append({"name": head.name, "role": "investor", "amount": share})
        partners = self.recent[seg]
        if partners and rng.random() < 0.15:
            partner = partners[rng.randrange(len(partners))]
            if partner not in (i["name"] for i in investors):
                investors.append({"name": partner, "role": "investor"})
        record["investors"] = investors
        if disputed:
            first, second = sorted(rng.sample(range(self.n_news), 2))
            earlier = _STATUSES[rng.randrange(1, _STATUSES.index(status))] if status != "签约" else "洽谈"
            sources: list[Any] = [
                {"source": _news_key(first), "evidence": "项目进展报道", "claims": {"status": earlier}},
                {"source": _news_key(second), "evidence": "项目进展报道", "claims": {"status": status}},
            ]
        else:
            sources = [{"source": self._news_key(), "evidence": f"{member.name}{seg}项目{status}"}]
            if rng.random() < 0.3:
                sources.append(self._news_key())
        record["sources"] = self._cite(list({_key(s): s for s in sources}.values()))
        self._write("projects", record)
        self._edge("LOCATED_IN", len(located))
        self._edge("IN_SEGMENT")
        self._edge("INVESTS_IN", len(investors))

    def _project_dates(self, status: str) -> dict[str, str]:
        """Dates of the statuses reached, in pipeline order, and a planned production date if not yet."""
        rng = self.rng
        reached = _STATUSES.index(status)
        # months since year 1; a project further along the pipeline was signed earlier
        month = (2016 - 1) * 12 + rng.randrange(0, (10 - 2 * reached) * 12)
        out: dict[str, str] = {}
        if status == "洽谈":
            out["negotiation_date"] = _month(month)
            return out
        for step in _STATUSES[1 : reached + 1]:
            out[_DATE_FIELD[step]] = _month(month)
            month += rng.randint(1, 8) if step != "在建" else rng.randint(6, 24)
        if status != "投产":
            out["planned_production_date"] = _month(month + rng.randint(3, 24))
        return out


def _month(months: int) -> str:
    year, month = divmod(months, 12)
    return f"{year + 1:04d}-{month + 1:02d}"


def _news_key(i: int) -> str:
    return f"syn-news-{i:06d}"


def _key(source: Any) -> str:
    return source["source"] if isinstance(source, dict) else source


def _real_sources(path: Path, keys: list[str]) -> list[dict[str, Any]]:
    """The records of the real sources.yaml that the chain files cite, as JSON-ready mappings."""
    if not path.is_file():
        raise FileNotFoundError(f"{path}: the chain files cite sources defined there")
    items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    by_key = {str(item.get("key")): item for item in items if isinstance(item, dict)}
    missing = [k for k in keys if k not in by_key]
    if missing:
        raise KeyError(f"sources {missing} cited by the chain files are not in {path}")
    out = []
    for key in keys:
        record = {}
        for name, value in by_key[key].items():
            record[name] = value.isoformat() if isinstance(value, dt.date) else value
        out.append(record)
    return out


def generate(
    out: Path,
    preset: Preset | str = "park",
    *,
    seed: int = 0,
    chains_dir: Path | None = None,
) -> GenerationSummary:
    """Write a synthetic dataset directory at ``out`` and return what was written.

    ``chains_dir`` defaults to the bundled ontology (``data/dezhou/chains``); its ``sources.yaml``
    sibling supplies the sources the chain files cite. Existing JSONL files in ``out`` are
    overwritten.
    """
    if isinstance(preset, str):
        preset = preset_named(preset)
    if chains_dir is None:
        chains_dir = CHAINS_DIR
    ontology = Ontology.read(chains_dir)
    return _Generator(preset, seed, ontology, out).run()
