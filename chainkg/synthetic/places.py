"""Regions and parks: Shandong's cities (Dezhou with its real divisions, the others generated),
their counties and towns, and parks that each specialise in one chain — and draws from them, skewed
the way investment is (a few counties and parks hold most enterprises)."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any

from chainkg.synthetic.names import Scrambler, format_amount, place_capacity, place_code
from chainkg.synthetic.output import Output
from chainkg.synthetic.presets import Preset

__all__ = ["CAPITAL", "CAPITAL_DIVISION", "PROVINCE", "County", "Park", "Places", "write_places", "zipf"]

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
PROVINCE = "山东省"
CAPITAL = "北京市"  # where central SOE groups have their seat
CAPITAL_DIVISION = "110108"


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


def zipf(n: int, exponent: float) -> list[float]:
    """Cumulative Zipf weights 1/(rank+1)^s for ``rng.choices(cum_weights=…)``."""
    return list(accumulate(1.0 / (rank + 1) ** exponent for rank in range(n)))


class Places:
    """The counties written (each with its towns and parks) and seeded draws from them."""

    def __init__(self, counties: list[County], county_weights: list[float], rng: random.Random) -> None:
        self.counties = counties
        self.county_weights = county_weights
        self.rng = rng

    def county(self) -> County:
        """A county, by its weight."""
        return self.rng.choices(self.counties, cum_weights=self.county_weights)[0]

    def place(self, county: County) -> tuple[Park | None, list[str]]:
        """Where an enterprise of ``county`` sits: a park (60 %, by the parks' weights) and a town, or a town."""
        rng = self.rng
        town = rng.choice(county.towns) if county.towns else county.name
        if county.parks and rng.random() < 0.6:
            park = rng.choices(county.parks, cum_weights=county.park_weights)[0]
            return park, [park.name, town]
        return None, [town]


def write_places(output: Output, preset: Preset, seed: int, chains: list[str], rng: random.Random) -> Places:
    """Write the province, the capital (where central SOE groups sit), the cities, counties, towns
    and parks of ``preset``."""
    written: list[County] = []
    p = preset
    output.write("regions", {"name": PROVINCE, "level": "province", "aliases": ["山东"], "sources": ["syn-admin"]})
    output.write("regions", {"name": CAPITAL, "level": "province", "aliases": ["北京"], "sources": ["syn-admin"]})
    output.edge("CITES", 2)
    reserved = {stem for *_, stem, _ in _DEZHOU} | {c[:2] for c, _ in _SHANDONG}
    stems = Scrambler(place_capacity(), seed, 3)
    towns = Scrambler(place_capacity(), seed, 4)
    next_stem = 0
    next_town = 0
    city_weights = zipf(p.cities, 0.8)
    weights: list[float] = []
    for c, (city, prefix) in enumerate(_SHANDONG[: p.cities]):
        region: dict[str, Any] = {"name": city, "level": "city", "parent": PROVINCE, "sources": ["syn-admin"]}
        if city == "德州市":
            region["home"] = True  # the city the graph serves: the default scope of every query
        output.write("regions", region)
        output.edge("CITES")
        output.edge("PART_OF")
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
                level, suffix = ("district", "区") if j < 3 else ("county", "县") if j % 5 else ("county_city", "市")
                counties.append(County(stem + suffix, level, city, f"{prefix}{j + 1:02d}", stem, None))
        ranks = list(range(len(counties)))
        rng.shuffle(ranks)
        county_zipf = zipf(len(counties), 1.1)
        for county, rank in zip(counties, ranks, strict=True):
            w = county_zipf[rank] - (county_zipf[rank - 1] if rank else 0.0)
            weights.append(city_weight * w)
            record: dict[str, Any] = {"name": county.name, "level": county.level, "parent": city}
            if county.alias:
                record["aliases"] = [county.alias]
            record["sources"] = ["syn-admin"]
            output.write("regions", record)
            output.edge("CITES")
            output.edge("PART_OF")
            for t in range(p.towns_per_county):
                town = place_code(towns(next_town)) + ("街道" if t < 2 else "镇")
                next_town += 1
                county.towns.append(town)
                output.write(
                    "regions", {"name": town, "level": "town", "parent": county.name, "sources": ["syn-admin"]}
                )
                output.edge("CITES")
                output.edge("PART_OF")
            written.append(county)
    county_weights = list(accumulate(weights))
    gov = 0
    for county in written:
        lo, hi = p.parks_per_county
        n_parks = rng.randint(lo, hi)
        themes = rng.sample(chains, min(n_parks, len(chains)))
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
            output.write("parks", record)
            output.edge("CITES")
            output.edge("LOCATED_IN", 1 + bool(park.within))
        county.park_weights = zipf(len(county.parks), 1.0)
    return Places(written, county_weights, rng)
