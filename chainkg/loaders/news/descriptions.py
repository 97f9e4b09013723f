"""Names that are not another project, and amounts given respectively (a part of the extractor).

- A name that says what the project before it is — 打造成…的X项目, 这是一个…的X项目, a description in
  apposition (…最大的光伏电池项目沐邦高科…) — or restates it (该项目内容为X) is not a new project.
- A sentence about the project named before (该项目…将建设A,并续建B项目) names its components.
- 总投资分别为A、B的X和Y: the amounts go to the names after them, in order.
"""

from __future__ import annotations

import itertools
import re

from chainkg.loaders.news.facts import ProjectFact, Unit
from chainkg.loaders.news.mentions import AmountMention, NameMention

__all__ = ["DescriptionParts"]

#: Between a project and a later name in its sentence: the later name describes it (打造成…的X项目).
_DESCRIBES = re.compile(r"^[,]?(?:并|将|也|还)?(?:打造成|打造为|建设成为?|建成为|成为|定位为|是)[^。;!?]*的$")
#: A sentence about the project named before (该项目…) and what it will build: its components.
_COMPONENTS_OF = re.compile(r"^(?:该|此|本)项目")
_BUILDS = re.compile(r"(?:将|主要|拟|计划)(?:新)?建设|建设内容(?:包括|为)?|主要包括|包括|完成")
#: 这是…的X项目, 它是…: the sentence says what the project before it is.
_DEMONSTRATIVE = re.compile(r"^(?:这|它|此)(?:也|还|将)?(?:是|为)")
#: 该项目内容为X: X is the project named before.
_RESTATES = re.compile(r"^(?:该|此|本)项目(?:的)?(?:主要)?(?:建设)?(?:内容)?(?:为|是)")


class DescriptionParts:
    """Mixed into the extractor: drops descriptions and components, reads respectively-lists."""

    projects: list[ProjectFact]
    last_project: int | None

    def _set_amount(self, project: ProjectFact, amount: AmountMention, text: str) -> None:
        raise NotImplementedError

    def _drop_descriptions(self, unit: Unit) -> None:
        """A name that says what the project before it is, not another project: A项目,将打造成集…于一体的
        综合性旅游项目; 该项目内容为年产100MW…项目 (the project of the sentence before, named again)."""
        text = unit.text
        kept: list[NameMention] = []
        builds = _BUILDS.search(text) if _COMPONENTS_OF.match(text) and self.last_project is not None else None
        names = sorted([*unit.projects, *unit.companies], key=lambda m: m.start)
        for mention in unit.projects:
            before = [p for p in kept if p.end <= mention.start]
            if before and _DESCRIBES.search(text[before[-1].end : mention.start]):
                continue
            demonstrative = _DEMONSTRATIVE.match(text)
            if demonstrative and not before and re.fullmatch(r"[^,;。]*的", text[demonstrative.end() : mention.start]):
                continue  # 这是一个打造集…于一体的综合体项目: what the project named before is
            if builds is not None and builds.end() <= mention.start:
                continue  # 该项目…,将建设A、B,并续建C项目: what the project named before will build
            if mention.text.endswith("项目") and any(n.start == mention.end for n in names if n is not mention):
                continue  # 湖北规模最大的光伏电池项目沐邦高科…: a description in apposition to the name after it
            restated = _RESTATES.match(text)
            if (
                not kept
                and restated
                and restated.end() <= mention.start
                and not re.search(r"[,;。]", text[restated.end() : mention.start])
                and self.last_project is not None
            ):
                project = self.projects[self.last_project]
                whole = text[restated.end() : mention.end]  # …电池片、电池组件与…项目: the whole restated name
                if whole not in project.aliases and whole != project.name:
                    project.aliases.append(whole)
                continue
            kept.append(mention)
        unit.projects = kept

    def _respectively(self, unit: Unit, mentions: list[tuple[NameMention, int]]) -> None:
        """总投资分别为11亿元、6亿元的A和B: the amounts go to the names after them, in order."""
        text = unit.text
        amounts = unit.amounts  # (a list item may have taken the last one as written before it: it is not)
        for i, first in enumerate(amounts):
            if not re.search(r"分别(?:为|是|达)?约?$", text[max(0, first.start - 6) : first.start]):
                continue
            run = [first]
            for amount in amounts[i + 1 :]:
                if text[run[-1].end : amount.start] not in ("、", "和", "及", "与", ","):
                    break
                run.append(amount)
            after = [(m, k) for m, k in mentions if m.start >= run[-1].end]
            if len(run) < 2 or len(after) < len(run) or text[run[-1].end : after[0][0].start] != "的":
                continue
            named = after[: len(run)]
            if any(
                not re.fullmatch(r"[、和与及]|以及", text[a.end : b.start])
                for (a, _), (b, _) in itertools.pairwise(named)
            ):
                continue
            for amount, (_, index) in zip(run, named, strict=True):
                self._set_amount(self.projects[index], amount, text)
                unit.used_amounts.add(amount.start)
