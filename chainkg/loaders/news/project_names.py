"""Which project a name is (a part of the extractor): one the article named before — by the same
name, the same graph node, a name that is the other with words left out or added at its end, a
phase of it, its declared short name — or a new one; and the projects an enumeration lists."""

from __future__ import annotations

import re

from chainkg.loaders.news.aggregates import clause_end, most_advanced
from chainkg.loaders.news.enterprises import short_name
from chainkg.loaders.news.enumerations import Enumeration, Item
from chainkg.loaders.news.facts import EnterpriseFact, ProjectFact, Unit
from chainkg.loaders.news.mentions import AmountMention, Gazetteer, NameMention, StatusMention, subsequence
from chainkg.schema.kinds import NodeKind, ProjectStatus
from chainkg.schema.normalize import normalize_name

__all__ = ["ProjectNameParts"]

_BRACKETED = re.compile(r"\([^)]*\)")
_PART_PHASE = re.compile(r"^(?P<base>.{4,}?)[一二三四五六]期(?:工程)?(?:项目)?$")


class ProjectNameParts:
    """Mixed into the extractor: resolves project mentions and list items to projects."""

    gaz: Gazetteer
    projects: list[ProjectFact]
    entities: list[EnterpriseFact]
    entity_keys: dict[str, int]
    headline_status: ProjectStatus | None

    # provided by the extractor and its other parts
    def _entity(self, unit: Unit, mention: NameMention) -> int:
        raise NotImplementedError

    def _date_for(
        self, project: ProjectFact, unit: Unit, status: StatusMention, field_name: str, lead_date: bool = True
    ) -> None:
        raise NotImplementedError

    def _event_status(self, project: ProjectFact) -> None:
        raise NotImplementedError

    def _set_amount(self, project: ProjectFact, amount: AmountMention, text: str) -> None:
        raise NotImplementedError

    def _named_again(self, unit: Unit) -> list[NameMention]:
        """Projects of this article named again without 项目 (最大的签约项目是中国莲峰海岸旅游区,总投资…)."""
        taken = [(m.start, m.end) for m in unit.projects + unit.companies + unit.parks + unit.regions]
        taken += [(e.start, e.end) for e in unit.lists]
        out: list[NameMention] = []
        forms = {f.removesuffix("项目") for p in self.projects for f in (p.name, *p.aliases)}
        for form in sorted((f for f in forms if len(f) >= 4), key=len, reverse=True):
            start = unit.text.find(form)
            while start >= 0:
                end = start + len(form)
                if not any(s < end and start < e for s, e in taken):
                    out.append(NameMention(start, end, form, NodeKind.PROJECT))
                    taken.append((start, end))
                start = unit.text.find(form, end)
        return out

    def _project_for(self, unit: Unit, mention: NameMention) -> int | None:
        """The project a name mention is: one seen before in the article, or a new one."""
        name = mention.text
        found_by = "name"
        if mention.phase:
            found_by = "phase"
            park = next((p for p in unit.parks if p.end == mention.start), None)
            same = [i for i, p in enumerate(self.projects) if p.name.endswith(name)]
            if park is not None:
                name = park.text + name
            elif same:
                return same[-1]
            else:
                owner = next(
                    (i for m, i in zip(unit.companies, unit.company_ids, strict=True) if m.end <= mention.start), None
                )
                if owner is None:
                    return None
                name = short_name(self.entities[owner]) + name
        elif self.gaz.resolve(NodeKind.PARK, name.removesuffix("项目")):
            return None  # 集成电路关键材料基地项目: the base itself, a park
        part = _PART_PHASE.match(name)
        if part and self._find_part(part["base"]) is not None:
            return self._find_part(part["base"])  # 其中生产基地一期项目: a phase of the project just named
        index = self._find_project(name)
        if index is None:
            index = len(self.projects)
            node_id = self.gaz.resolve_fuzzy(NodeKind.PROJECT, name)
            self.projects.append(ProjectFact(name=name, node_id=node_id, found_by=found_by))
        project = self.projects[index]
        if name not in project.aliases and name != project.name:
            project.aliases.append(name)
        if project.node_id is None:
            project.node_id = self.gaz.resolve(NodeKind.PROJECT, name)
        return index

    def _find_part(self, base: str) -> int | None:
        key = normalize_name(base)
        for index in reversed(range(len(self.projects))):
            project = self.projects[index]
            if any(key in normalize_name(f) and key != normalize_name(f) for f in (project.name, *project.aliases)):
                return index
        return None

    def _investor_forms(self) -> set[str]:
        return {normalize_name(f) for e in self.entities for f in e.forms}

    def _find_project(self, name: str) -> int | None:
        """A project of this article with the same name, the same graph node, or a name that is the
        other with words left out (应急(医疗)救援示范区 / 国家北方应急(医疗)救援综合示范区)."""
        key = normalize_name(name).removesuffix("项目")
        node_id = self.gaz.resolve(NodeKind.PROJECT, name)
        for index, project in enumerate(self.projects):
            if node_id and project.node_id == node_id:
                return index
            for other in [project.name, *project.aliases]:
                other_key = normalize_name(other).removesuffix("项目")
                if other_key == key or (min(len(key), len(other_key)) >= 6 and subsequence(key, other_key)):
                    return index
                short, long = sorted((key, other_key), key=len)
                if long.startswith(short) and (len(short) >= 4 or short in self.entity_keys):
                    return index  # 红星美凯龙 (in a list) … 红星美凯龙家居商务综合体项目
                if long.endswith(short) and len(short) >= 4 and long[: -len(short)] in self._investor_forms():
                    return index  # 香港新华集团内江产业项目 … 内江产业项目 (the name without its investor)
                if _BRACKETED.sub("", key) == _BRACKETED.sub("", other_key) and len(_BRACKETED.sub("", key)) >= 2:
                    return index  # 联六线(芗城段)项目 … 联六线项目
        return None

    def _list_project(self, unit: Unit, listed: Item, enumeration: Enumeration) -> int:
        """A project named as an item of an enumeration: its own amount and place, the list's
        predicate (…等签约落户, …正在建设) or lead-in verb (签约A等14个项目) as its status."""
        item = listed.mention
        name = item.text if item.text.endswith(("项目", "工程")) or "项目" in item.text else item.text + "项目"
        index = self._find_project(name)
        if index is None:
            node_id = self.gaz.resolve_fuzzy(NodeKind.PROJECT, name) or self.gaz.resolve(NodeKind.PROJECT, item.text)
            index = len(self.projects)
            found_by = "name" if item.text.endswith(("项目", "工程")) else "list"
            self.projects.append(ProjectFact(name=name, node_id=node_id, found_by=found_by))
            if item.text != name:
                self.projects[index].aliases.append(item.text)
        project = self.projects[index]
        text = unit.text
        if listed.amount is not None:
            unit.used_amounts.add(listed.amount.start)
            if project.amount is None:
                self._set_amount(project, listed.amount, text)
        predicate_end = clause_end(text, enumeration.predicate)
        after = [s for s in unit.statuses if enumeration.end <= s.start < predicate_end and not s.future]
        before = [s for s in unit.statuses if enumeration.lead <= s.start < enumeration.start and not s.future]
        scope = text[enumeration.end : predicate_end]
        status = ProjectStatus.UNDER_CONSTRUCTION if "续建" in scope else most_advanced(after or before)
        if status is None and re.search(r"引进|引入", text[enumeration.lead : enumeration.start]):
            status = ProjectStatus.SIGNED  # 引进A、B等一批项目: brought in, i.e. signed
        if status is not None and project.status is None:
            project.status, project.status_from = status, "text"
            chosen = next((s for s in (after or before) if s.status is status), None)
            if chosen is not None:
                self._date_for(project, unit, chosen, status.date_field)
        if project.status is None and self.headline_status is not None:
            self._event_status(project)
        if listed.place is not None and project.park is None:
            place = next((p for p in unit.parks if listed.place[0] <= p.start and p.end <= listed.place[1]), None)
            if place is not None:
                project.park = unit.place_ids.get((place.start, place.end))
        lead = item.start if listed.lead_start is None else listed.lead_start
        for company, entity in zip(unit.companies, unit.company_ids, strict=True):
            inside = lead <= company.start and company.end < item.end
            if inside and all(e != entity for e, _ in project.investors):
                project.investors.append((entity, "investor"))
        investor = self.gaz.resolve(NodeKind.ENTERPRISE, item.text)
        if investor is None:
            known = self.gaz.find(NodeKind.ENTERPRISE, item.text)
            investor = known[0].node_id if known and known[0].start == 0 else None
        if investor is not None:
            known_entity = self.entity_keys.get(f"id:{investor}")
            if known_entity is None:
                mention = NameMention(item.start, item.end, item.text, NodeKind.ENTERPRISE, investor)
                known_entity = self._entity(unit, mention)
            if all(e != known_entity for e, _ in project.investors):
                project.investors.append((known_entity, "investor"))
        if text not in project.evidence:
            project.evidence.append(text)
        return index
