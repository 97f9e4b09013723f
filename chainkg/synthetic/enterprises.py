"""Enterprises and groups: Pareto-sized groups (most enterprises stand alone; a few groups have
hundreds of subsidiaries, several levels deep, with stakes; the biggest are central SOE groups seated
in Beijing), each member placed in a county, park and town and in one or two segments, with its
registry facts, parent, chain leadership (链主) and customers downstream — then its projects."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from typing import Any

from chainkg.synthetic.members import Member, Reservoirs
from chainkg.synthetic.names import Scrambler, credit_code, format_amount, trade_code
from chainkg.synthetic.ontology import Ontology
from chainkg.synthetic.output import Output
from chainkg.synthetic.places import CAPITAL, CAPITAL_DIVISION, Places
from chainkg.synthetic.presets import Preset
from chainkg.synthetic.projects import PROJECT_KINDS, Projects
from chainkg.synthetic.segments import Segments
from chainkg.synthetic.sources import REGISTRY_BATCH, News

__all__ = ["Enterprises"]

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


class Enterprises:
    """Writes every enterprise of a preset, group by group, and their projects."""

    def __init__(
        self,
        output: Output,
        preset: Preset,
        seed: int,
        ontology: Ontology,
        rng: random.Random,
        segments: Segments,
        places: Places,
        news: News,
    ) -> None:
        self.output = output
        self.preset = preset
        self.ontology = ontology
        self.rng = rng
        self.segments = segments
        self.places = places
        self.news = news
        n = preset.enterprises
        self.code_length = 3 if n <= 128**3 else 4
        self.ent_code = Scrambler(128**self.code_length, seed, 1)
        self.serial = Scrambler(31**9, seed, 2)
        self.written = Reservoirs(ontology.segments)
        self.leaders: dict[tuple[str, str], int] = {}
        self.projects = Projects(output, rng, segments, places, self.written, news)

    def write_all(self) -> None:
        """Every enterprise of the preset, a group at a time (its members, then each one's projects)."""
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

    def _group(self, first: int, size: int) -> None:
        rng = self.rng
        home = self.places.county()
        home_park, _ = self.places.place(home)
        theme = home_park.theme if home_park else self.ontology.segment_chain[self.segments.draw(None)]
        central = size >= 20 and rng.random() < 0.5
        if central:
            head_kind, member_kind = "central_soe_group", "soe"
        elif size > 1:
            head_kind = rng.choices(("private", "local_soe", "listed", "foreign"), (0.65, 0.2, 0.1, 0.05))[0]
            member_kind = {"listed": "private", "foreign": "joint_venture"}.get(head_kind, head_kind)
        else:
            head_kind = member_kind = rng.choices(*_INDEPENDENT_KINDS)[0]
        members: list[Member] = []
        depth: list[int] = []
        for k in range(size):
            index = first + k
            is_head = k == 0
            at_capital = is_head and central
            county = None if at_capital else (home if rng.random() < 0.65 else self.places.county())
            park, located = (None, [CAPITAL]) if county is None else self.places.place(county)
            code = trade_code(self.ent_code(index), self.code_length)
            member = Member(index, "", head_kind if is_head else member_kind, county, park)
            member.located = located
            if not (is_head and size >= 3 and rng.random() < 0.5):
                member.segments.append(self.segments.draw(park.theme if park else theme))
                if rng.random() < 0.3:
                    extra = self.segments.draw(self.ontology.segment_chain[member.segments[0]])
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
            division = county.division if county else CAPITAL_DIVISION
            if rng.random() < 0.85:
                record["credit_code"] = credit_code(division, self.serial(index))
            if member.kind == "listed" or (is_head and size >= 10 and rng.random() < 0.3):
                record["stock_code"] = (
                    f"{rng.choice(('600', '601', '603', '000', '002', '300'))}{rng.randrange(1000):03d}"
                )
            record["home_region"] = county.name if county else CAPITAL
            record["located_in"] = located
            self.output.edge("LOCATED_IN", len(located))
            if member.segments:
                record["segments"] = member.segments
                self.output.edge("IN_SEGMENT", len(member.segments))
            if not is_head:
                parent_k = 0 if rng.random() < 0.55 else rng.randrange(k)
                if depth[parent_k] >= 3:
                    parent_k = 0
                depth[k] = depth[parent_k] + 1
                record["parent"] = self._parent(members[parent_k].name)
                self.output.edge("SUBSIDIARY_OF")
            leads = self._leads(member, big=size >= 8 or member.capital >= 500_000_000)
            if leads:
                record["leads"] = leads
                self.output.edge("LEADS", len(leads))
            supplies = self._supplies(member)
            if supplies:
                record["supplies"] = supplies
                self.output.edge("SUPPLIES", len(supplies))
            record["registered_capital"] = format_amount(member.capital)
            year = rng.randint(1980, 2010) if is_head and size > 1 else rng.randint(1990, 2024)
            record["established"] = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            sources: list[Any] = [f"syn-reg-{index // REGISTRY_BATCH:05d}"]
            if rng.random() < 0.35:
                where = park.name if park else located[0]
                sources.append({"source": self.news.draw(rng), "evidence": f"报道该企业在{where}投资经营"})
            record["sources"] = self.output.cite(sources)
            self.output.write("enterprises", record)
            self.written.remember(member, big=(is_head and size > 1) or bool(leads) or member.capital >= 1e9)
            for ordinal in range(self._project_count(is_head, size)):
                self.projects.write(member, code, ordinal, members[0] if not is_head else None, theme)

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

    def _leads(self, member: Member, big: bool) -> list[dict[str, str]]:
        """链主: a big enterprise leads its segment's chain within its county (at most one per pair)."""
        if not big or member.county is None or not member.segments or self.rng.random() < 0.5:
            return []
        chain = self.ontology.segment_chain[member.segments[0]]
        key = (chain, member.county.name)
        if self.leaders.get(key, 0) >= 1:
            return []
        self.leaders[key] = 1
        scope = member.park.name if member.park is not None and member.park.theme == chain else member.county.name
        return [{"chain": chain, "scope": scope}]

    def _supplies(self, member: Member) -> list[dict[str, str]]:
        """Customers downstream (per FEEDS) among enterprises already written: hubs or recent ones."""
        if not member.segments:
            return []
        seg = member.segments[0]
        targets = self.ontology.downstream.get(seg)
        if not targets:
            return []
        rng = self.rng
        k = min(20, int(rng.expovariate(1.0 / self.preset.supplies_mean) + 0.5))
        chosen: list[str] = []
        for _ in range(k):
            customer_seg = rng.choice(targets)
            pool: Sequence[str] = self.written.anchors[customer_seg]
            if not pool or rng.random() < 0.5:
                pool = self.written.recent[customer_seg]
            if not pool:
                continue
            customer = pool[rng.randrange(len(pool))]
            if customer != member.name and customer not in chosen:
                chosen.append(customer)
        return [{"customer": c, "product": seg} for c in chosen]

    def _project_count(self, is_head: bool, size: int) -> int:
        rng = self.rng
        rate = self.preset.projects_per_enterprise
        if is_head and size >= 5:
            return min(len(PROJECT_KINDS), 1 + int(rng.expovariate(0.5)))
        roll = rng.random()
        return 2 if roll < rate * 0.1 else 1 if roll < rate * 0.9 else 0
