"""Aggregate figures of one article (a part of the extractor): a clause counting projects (签约项目9个,
19个项目) with a money figure in it or in the clauses after it, a project that 包括 several priced
projects (a base of three projects), and the amount of a whole enumeration. Never projects."""

from __future__ import annotations

import re

from chainkg.loaders.news import lexicon as lex
from chainkg.loaders.news.enumerations import Enumeration, count_value
from chainkg.loaders.news.facts import AggregateFact, Unit
from chainkg.loaders.news.mentions import AmountMention, StatusMention
from chainkg.schema.kinds import ProjectStatus

__all__ = ["AggregateParts", "clause_end", "most_advanced"]

_PRICES_A_NAME = re.compile(r"的(?!\d|[一二两三四五六七八九十]+个|项目)[\u4e00-\u9fff]")
_HEADER_END = re.compile(r"(分别是|分别为|分别有|主要有|包括|如下)[:]?$")
_COUNT = re.compile(r"(?<![\d.第])(\d+|[两三四五六七八九十][十百]?[一二三四五六七八九]?)[余多]?个")


class AggregateParts:
    """Mixed into the extractor: finds aggregate statements and keeps their amounts from projects."""

    aggregates: list[AggregateFact]

    def _aggregates(self, unit: Unit) -> None:
        text = unit.text
        self._container(unit)
        clauses = [(m.start(), m.end()) for m in re.finditer(r"[^,;。!?]+", text)]
        for ci, (start, end) in enumerate(clauses):
            clause = text[start:end]
            count = _COUNT.search(clause)
            if not count or "项目" not in clause:
                continue
            status = _clause_status(unit, start, end)
            amount = self._aggregate_amount(unit, clauses, ci)
            if amount is None:
                continue
            unit.used_amounts.add(amount.start)
            reach = end if amount.start < end else next(e for s, e in clauses if s <= amount.start < e)
            label = lex.AGGREGATE_LABELS.search(text[start : amount.start])
            self.aggregates.append(
                AggregateFact(
                    count_value(count.group(1)),
                    amount.money,
                    amount.text,
                    label.group(0) if label else "总投资",
                    status,
                    text[start:reach],
                    0.85 if amount.start < end else 0.75,
                )
            )

    def _container(self, unit: Unit) -> None:
        """X总投资86亿元, 包括投资18亿元的A、投资62亿元的B…: the sum of projects is an aggregate."""
        text = unit.text
        position = text.find("包括")
        if position < 0:
            return
        before = [a for a in unit.amounts if a.end <= position and a.label == "invest"]
        parts = [a for a in unit.amounts if a.start > position and a.label in ("invest", "none")]
        if before and len(parts) >= 2:
            total = before[-1]
            unit.used_amounts.add(total.start)
            evidence = text[: clause_end(text, total.end)]
            self.aggregates.append(AggregateFact(len(parts), total.money, total.text, "总投资", None, evidence, 0.7))

    def _aggregate_amount(self, unit: Unit, clauses: list[tuple[int, int]], ci: int) -> AmountMention | None:
        """The money figure of a counting clause: in it, or in one of the next two clauses — unless
        the clause introduces its items (这四个项目分别是,A项目,总投资…: that amount is A's)."""
        reach = ci + 1 if _HEADER_END.search(unit.text[clauses[ci][0] : clauses[ci][1]]) else ci + 3
        listed = {i.amount.start for e in unit.lists for i in e.items if i.amount is not None}
        for cj in range(ci, min(reach, len(clauses))):
            start, end = clauses[cj]
            if cj > ci and _COUNT.search(unit.text[start:end]):
                return None
            for amount in unit.amounts:
                if amount.start in listed or _PRICES_A_NAME.match(unit.text, amount.end):
                    continue  # 投资50亿元的A、…两个项目; …及由D总投资14.85亿元的W项目: names' own amounts
                if start <= amount.start < end and amount.label in ("invest", "aggregate", "period", "none"):
                    if amount.label == "none" and cj > ci:
                        continue
                    return amount
        return None

    def _group_amount(self, unit: Unit, enumeration: Enumeration) -> None:
        """The amount of a whole list (总投资36亿元的A、B和C三个项目; …E项目,总投资32亿元) is an
        aggregate of its items, never one item's amount."""
        amount = enumeration.group_amount
        if amount is None or amount.start in unit.used_amounts:
            return
        unit.used_amounts.add(amount.start)
        count = enumeration.count or len(enumeration.items)
        evidence = unit.text[enumeration.lead : clause_end(unit.text, amount.end)]
        self.aggregates.append(AggregateFact(count, amount.money, amount.text, "总投资", None, evidence, 0.75))


def most_advanced(statuses: list[StatusMention]) -> ProjectStatus | None:
    return max((s.status for s in statuses), key=lambda s: s.order, default=None)


def clause_end(text: str, position: int) -> int:
    match = re.compile(r"[,;。!?]").search(text, position)
    return match.start() if match else len(text)


def _clause_status(unit: Unit, start: int, end: int) -> ProjectStatus | None:
    return most_advanced([s for s in unit.statuses if start <= s.start < end and not s.future])
