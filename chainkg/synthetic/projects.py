"""Projects: each enterprise's investment projects (a group's head has several), with log-normal
amounts (median about 3亿元; some foreign ones in 美元), statuses 洽谈 → 投产 with dates in pipeline
order, investors (the builder, sometimes its group's head or a partner in the same segment), and now
and then a status two news sources disagree on — so conflict resolution has work to do."""

from __future__ import annotations

import math
import random
from itertools import accumulate
from typing import Any

from chainkg.synthetic.members import Member, Reservoirs
from chainkg.synthetic.names import format_amount
from chainkg.synthetic.output import Output
from chainkg.synthetic.places import Places
from chainkg.synthetic.segments import Segments
from chainkg.synthetic.sources import News

__all__ = ["PROJECT_KINDS", "STATUSES", "Projects", "month"]

STATUSES = ("洽谈", "签约", "开工", "在建", "投产")
_STATUS_WEIGHTS = list(accumulate((0.12, 0.22, 0.14, 0.27, 0.25)))
_DATE_FIELD = {"签约": "signed_date", "开工": "start_date", "在建": "construction_date", "投产": "production_date"}
PROJECT_KINDS = ("生产线建设", "扩建", "技术改造", "研发中心", "智能工厂", "产业园", "二期", "三期", "配套", "基地")


class Projects:
    """Writes projects; draws from the same seeded generator as everything else, in a fixed order."""

    def __init__(
        self,
        output: Output,
        rng: random.Random,
        segments: Segments,
        places: Places,
        written: Reservoirs,
        news: News,
    ) -> None:
        self.output = output
        self.rng = rng
        self.segments = segments
        self.places = places
        self.written = written
        self.news = news

    def write(self, member: Member, code: str, ordinal: int, head: Member | None, theme: str) -> None:
        rng = self.rng
        seg = member.segments[0] if member.segments else self.segments.draw(theme)
        located = member.located if member.county else self.places.place(self.places.county())[1]
        yuan = max(5_000_000, int(rng.lognormvariate(math.log(3e8), 1.2)))
        record: dict[str, Any] = {"name": f"{code}{seg}{PROJECT_KINDS[ordinal]}项目"}
        if member.kind in ("foreign", "joint_venture") and rng.random() < 0.4:
            record["total_investment"] = f"{max(1, round(yuan / 7 / 10_000))}万美元"
        else:
            record["total_investment"] = format_amount(yuan)
        status = rng.choices(STATUSES, cum_weights=_STATUS_WEIGHTS)[0]
        disputed = status != "洽谈" and rng.random() < 0.08
        if not disputed:
            record["status"] = status
        record.update(self.dates(status))
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
        partners = self.written.recent[seg]
        if partners and rng.random() < 0.15:
            partner = partners[rng.randrange(len(partners))]
            if partner not in (i["name"] for i in investors):
                investors.append({"name": partner, "role": "investor"})
        record["investors"] = investors
        if disputed:
            first, second = sorted(rng.sample(range(self.news.count), 2))
            earlier = STATUSES[rng.randrange(1, STATUSES.index(status))] if status != "签约" else "洽谈"
            sources: list[Any] = [
                {"source": self.news.key(first), "evidence": "项目进展报道", "claims": {"status": earlier}},
                {"source": self.news.key(second), "evidence": "项目进展报道", "claims": {"status": status}},
            ]
        else:
            sources = [{"source": self.news.draw(rng), "evidence": f"{member.name}{seg}项目{status}"}]
            if rng.random() < 0.3:
                sources.append(self.news.draw(rng))
        record["sources"] = self.output.cite(list({_key(s): s for s in sources}.values()))
        self.output.write("projects", record)
        self.output.edge("LOCATED_IN", len(located))
        self.output.edge("IN_SEGMENT")
        self.output.edge("INVESTS_IN", len(investors))

    def dates(self, status: str) -> dict[str, str]:
        """Dates of the statuses reached, in pipeline order, and a planned production date if not yet."""
        rng = self.rng
        reached = STATUSES.index(status)
        # months since year 1; a project further along the pipeline was signed earlier
        at = (2016 - 1) * 12 + rng.randrange(0, (10 - 2 * reached) * 12)
        out: dict[str, str] = {}
        if status == "洽谈":
            out["negotiation_date"] = month(at)
            return out
        for step in STATUSES[1 : reached + 1]:
            out[_DATE_FIELD[step]] = month(at)
            at += rng.randint(1, 8) if step != "在建" else rng.randint(6, 24)
        if status != "投产":
            out["planned_production_date"] = month(at + rng.randint(3, 24))
        return out


def month(months: int) -> str:
    year, month = divmod(months, 12)
    return f"{year + 1:04d}-{month + 1:02d}"


def _key(source: Any) -> str:
    key: str = source["source"] if isinstance(source, dict) else source
    return key
