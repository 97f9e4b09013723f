"""One article → the facts it states: projects, enterprises, group → subsidiary relations, parks,
regions and aggregate figures, each with the sentences it came from and a confidence.

The article is cut into units (sentences; a numbered list item is one unit). Mentions come from
:mod:`chainkg.loaders.news.mentions`; this module decides what belongs together:

- **projects** are names ending in 项目 (or items of a list before 等…项目). A project's own span is
  the stretch of its sentence between the neighbouring projects; the amount, status, date,
  investors and park it gets come from that span, and from following sentences that refer back to
  it (该项目…, 项目总投资…). An amount before a project goes to it when only a filler word (的,
  建设) separates them, otherwise to the project before the amount.
- **status** is the most advanced status word in the project's span that is not a plan (预计明年投产
  is a planned date, not a status; 即将开工 means signed). With no wording at all, the headline's
  event (…签约仪式) is used, with lower confidence.
- **aggregates**: a clause counting projects (签约项目9个, 19个项目) with a money figure in it or in
  the clauses after it is an aggregate, never a project; so is a project that 包括 several priced
  projects (a base of three projects).
- **enterprises**: names with a legal form, names the graph knows, and short forms of either that
  the article goes on to use (宏琦精工 for 宏琦精工股份有限公司). Forms of one enterprise are merged.
- **relations**: A旗下的B, 由A控股的B, A全资上市公司B, B是A的全资子公司, 其…子公司B.

A project's confidence is calibrated (:mod:`chainkg.loaders.news.confidence`): the share of projects
found the same way that were right on the real-text development set. Other kinds carry a score that
ranks them for review.
"""

from __future__ import annotations

import re

from chainkg.loaders.news import lexicon as lex
from chainkg.loaders.news.aggregates import AggregateParts, most_advanced
from chainkg.loaders.news.confidence import project_confidence
from chainkg.loaders.news.descriptions import DescriptionParts
from chainkg.loaders.news.enterprises import EnterpriseParts
from chainkg.loaders.news.enumerations import find_enumerations
from chainkg.loaders.news.facilities import HEADS, find_facility_projects
from chainkg.loaders.news.facts import (
    AggregateFact,
    EnterpriseFact,
    Extraction,
    PlaceFact,
    ProjectFact,
    RelationFact,
    Unit,
    first_year,
    headline_status,
)
from chainkg.loaders.news.facts import (
    units as article_units,
)
from chainkg.loaders.news.learned import relabel
from chainkg.loaders.news.mentions import (
    AmountMention,
    Gazetteer,
    NameMention,
    StatusMention,
    find_amounts,
    find_dates,
    find_statuses,
)
from chainkg.loaders.news.names import (
    find_enterprises,
    find_parks,
    find_projects,
    is_sector_phrase,
    is_thin,
    stands_alone,
)
from chainkg.loaders.news.places import PlaceParts
from chainkg.loaders.news.project_names import ProjectNameParts
from chainkg.loaders.news.text import Article
from chainkg.schema.kinds import NodeKind, ProjectStatus

_FACILITY_HEAD = re.compile("|".join(HEADS))
_BRACKETED_PROJECT = re.compile(r"\([^()]{1,8}\)项目")
_SHORT_NAME = re.compile(r"\((?:以下)?简称[:]?[“\"]?(?P<name>[^”\")]{2,16})[”\"]?\)")
_PART_PHASE = re.compile(r"^(?P<base>.{4,}?)[一二三四五六]期(?:工程)?(?:项目)?$")

__all__ = [
    "AggregateFact",
    "EnterpriseFact",
    "Extraction",
    "PlaceFact",
    "ProjectFact",
    "RelationFact",
    "extract",
]

_INVEST_VERB = re.compile(r"^[^,。;]{0,14}?((?<!总)投资|出资|建设|签约|签订|签署|新建|打造|实施|落户|控股)")
_INVEST_AFTER = re.compile(r"^.{0,2}(投资|出资|建设|负责|作为|控股|承建|实施)")
_COREF = re.compile(
    r"(该|此|本|这一?个?)(?:投资|建设)?项目|^项目|项目(?:的)?(?:实施|运营|建设)主体|^(?:一|二|三)期"
    r"|[,;:]项目(?:预计|计划|估算)?(?:总投资|投资总额|投资共计|投资额|计划投资)|^本次(?:对外)?投资"
)  # 该项目…; …,项目总投资15亿元; 本次对外投资总金额…: the project named before
_FILLER_FORWARD = re.compile(
    r"^(?:元)?(?:的)?(?:,)?(?:用于|建设|新建|实施|打造|投资|兴建)?(?:的)?$|^、[^,;。、]{1,16}的$"
)  # …建设的 X; 投资7亿元、年产整车10万辆的 X: another attribute of the same name
_CONTINUES = re.compile(
    r"^(?:项目)?(?:总投资|计划总投资|计划投资|投资额|总占地|占地|主要建设|建设内容|目前|今年|去年|预计|计划|于\d|已|将于|"
    r"建设单位|项目单位|业主单位|实施主体|投资方|投资主体|建设地点|建设规模|建设期限|建设性质)"
)
#: "建设单位:X" in a project's record: X builds or invests in the project before it.
_PARTY_FIELD = re.compile(r"^(?:\d+[.、])?(?:项目)?(?:建设单位|项目单位|业主单位|实施主体|投资方|投资主体|承建单位)[:]")
#: "项目名称:X" in a record: X is a project whatever it ends in.
_NAME_FIELD = re.compile(r"(?:^|[;,])\s*(?:\d+[.、])?项目名称[:](?P<name>[^,;。:]{2,40})")
_COORDINATED = re.compile(r"^[、和与及]?(?:以及)?(?:(?:总|计划)?投资(?:约)?[\d.]+[亿万]?(?:元|美元)的)?$")
_BUILDER_AFTER = re.compile(r"^(?:负责)?建设(?!.{0,2}项目)|^将?作为(?:新)?项目的?(?:实施|运营|建设)主体")
_DATE_START = re.compile(r"^\s*(?:\d{4}年)?\d{1,2}月\d{1,2}日(?:上午|下午|晚)?[,]")


def extract(article: Article, gazetteer: Gazetteer, learned: bool = True) -> Extraction:
    """Every fact the article states, in the order it states them; with ``learned`` the projects are the
    ones the learned labeller names (:func:`chainkg.loaders.news.learned.relabel`), else the rules' own."""
    facts = _Extractor(article, gazetteer).run()
    if learned:
        relabel(facts, article.paragraphs)
    return facts


class _Extractor(EnterpriseParts, AggregateParts, PlaceParts, ProjectNameParts, DescriptionParts):
    def __init__(self, article: Article, gazetteer: Gazetteer):
        self.article = article
        self.gaz = gazetteer
        self.year = article.year or first_year(article)
        self.entities: list[EnterpriseFact] = []
        self.entity_keys: dict[str, int] = {}
        self.places: list[PlaceFact] = []
        self.place_keys: dict[str, int] = {}
        self.projects: list[ProjectFact] = []
        self.relations: list[RelationFact] = []
        self.aggregates: list[AggregateFact] = []
        self.headline_status = headline_status(article.title, article.paragraphs[0] if article.paragraphs else "")
        self.foreign_yuan = False
        self.declared: set[str] = set()
        self.last_entity: int | None = None
        self.last_project: int | None = None

    def run(self) -> Extraction:
        texts = article_units(self.article)
        body = "".join(texts)
        # an article in 新台币 (and never 人民币) writes its bare 亿元 in 新台币: those are not 元 either
        self.foreign_yuan = bool(lex.OTHER_CURRENCY.search(body)) and "人民币" not in body
        self.declared = {m["name"] for m in _SHORT_NAME.finditer(body)}  # (以下简称“义欣项目”): a name
        units = [self._read(text) for text in texts]
        for unit in units:
            self._register_companies(unit)
        for unit in units:
            self._short_forms(unit)
        for unit in units:
            self._places(unit)
        previous: int | None = None
        for unit in units:
            self._relations(unit)
            self._aggregates(unit)
            previous = self._projects(unit, previous)
            if unit.company_ids:
                self.last_entity = unit.company_ids[-1]
        self._lede_park(units)
        for project in self.projects:
            project.confidence = project_confidence(project)
        return Extraction(self.projects, self.entities, self.relations, self.places, self.aggregates)

    # --- reading a unit ----------------------------------------------------------------------

    def _read(self, text: str) -> Unit:
        parks, regions = find_parks(text, self.gaz)
        zones = {p.end for p in parks} | {
            r.end for r in regions if r.node_id and self.gaz.region_levels.get(r.node_id) == "functional_zone"
        }
        companies = find_enterprises(text, self.gaz, frozenset(zones))
        regions = [r for r in regions if r.node_id and self.gaz.is_local_region(r.node_id)]
        regions = [r for r in regions if not any(c.start <= r.start and r.end <= c.end for c in companies)]
        amounts = find_amounts(text)
        if self.foreign_yuan:
            amounts = [a for a in amounts if a.money.currency.value != "CNY"]
        unit = Unit(text, amounts, find_dates(text, self.year), find_statuses(text), companies, parks, regions)
        boundaries = frozenset({a.end for a in amounts} | {c.end for c in companies if c.legal and c.node_id is None})
        boundaries |= frozenset(c.end for c in companies if c.legal and len(c.text) >= 8)
        # 福建省川田重工有限公司(挖掘机)项目: a company's name with its product in brackets names the project
        boundaries -= frozenset(c.end for c in companies if _BRACKETED_PROJECT.match(text, c.end))
        boundaries |= frozenset(p.end for p in parks)
        protected = tuple((c.start, c.end) for c in companies if not c.legal)
        unit.projects = [
            p
            for p in find_projects(text, boundaries=boundaries, protected=protected)
            if not any(c.start < p.end - 1 < c.end for c in companies)
        ]  # a head inside a company's name (恒申安科罗工程材料有限公司) ends no project
        priced = [(a.start, a.label) for a in amounts]
        unit.projects = [  # 食品加工项目, 文化旅游项目: a kind, unless its clause makes it one project
            p
            for p in unit.projects
            if p.phase or not is_sector_phrase(_core(p.text)) or stands_alone(text, p.start, p.end, companies, priced)
        ]
        unit.projects = [  # 合同项目, 攻慢项目, 平均单个项目投资额5亿元: a party or a price before it binds it
            p
            for p in unit.projects
            if p.phase
            or p.text in self.declared
            or not is_thin(_core(p.text))
            or stands_alone(text, p.start, p.end, companies, priced, False)
        ]
        for field in _NAME_FIELD.finditer(text):  # 项目名称:示例智慧物流园
            start, end = field.start("name"), field.end("name")
            if not any(p.start < end and start < p.end for p in unit.projects):
                unit.projects.append(NameMention(start, end, field["name"], NodeKind.PROJECT))
        unit.projects.sort(key=lambda m: m.start)
        for mention in unit.projects:  # 浙江义欣…基地项目(以下简称“义欣项目”): the short name is an alias
            short = _SHORT_NAME.match(text, mention.end)
            if short:
                unit.short_names[mention.start] = short["name"]
                unit.projects = [p for p in unit.projects if not (short.start() <= p.start < short.end())]
        unit.lists = find_enumerations(text, amounts, companies)
        spans = [(e.start, e.end) for e in unit.lists]
        unit.projects = [p for p in unit.projects if not any(s < p.end and p.start < e for s, e in spans)]
        items = [(i.mention.start, i.mention.end) for e in unit.lists for i in e.items]
        taken = [(p.start, p.end) for p in unit.projects] + [(c.start, c.end) for c in companies] + spans
        facilities = find_facility_projects(
            text, self.gaz, boundaries=boundaries, protected=protected, taken=taken
        )  # 齐河中华饮食文化小镇试运营: a facility its clause makes a project
        unit.projects = sorted([*unit.projects, *facilities], key=lambda m: m.start)
        items += [(f.start, f.end) for f in facilities]
        unit.parks = [p for p in unit.parks if not any(s <= p.start and p.end <= e for s, e in items)]
        return unit

    # --- projects ----------------------------------------------------------------------------

    def _projects(self, unit: Unit, previous: int | None) -> int | None:
        mentions: list[tuple[NameMention, int]] = []
        self._drop_descriptions(unit)
        for mention in sorted([*unit.projects, *self._named_again(unit)], key=lambda m: m.start):
            index = self._project_for(unit, mention)
            if index is not None:
                mentions.append((mention, index))
                short = unit.short_names.get(mention.start)
                if short and short not in self.projects[index].aliases:
                    self.projects[index].aliases.append(short)
        for enumeration in unit.lists:
            self._group_amount(unit, enumeration)
            for item in enumeration.items:
                mentions.append((item.mention, self._list_project(unit, item, enumeration)))
        mentions.sort(key=lambda pair: pair[0].start)
        self._respectively(unit, mentions)
        text = unit.text
        if not mentions:
            target = None
            coref = _COREF.search(text)
            if (
                coref
                and coref.group(0)[0] in ",;:"
                and (any(p.start < coref.start() for p in unit.parks) or _FACILITY_HEAD.search(text, 0, coref.start()))
            ):
                coref = None  # X产业园规划面积…,项目总投资20亿元: the park named first is what is priced
            if self.last_project is not None and coref:
                target = self.last_project
            elif previous is not None and _CONTINUES.match(text):
                target = previous  # "总投资18亿元,今年3月开工…" right after the sentence naming it
            if target is not None:
                self._attach(unit, target, 0, len(text), coref=True)
                if _PARTY_FIELD.match(text):
                    project = self.projects[target]
                    for entity in unit.company_ids:
                        if all(e != entity for e, _ in project.investors):
                            project.investors.append((entity, "investor"))
            return target
        listed = {(i.mention.start, i.mention.end) for e in unit.lists for i in e.items}
        for position, (mention, index) in enumerate(mentions):
            if (mention.start, mention.end) in listed:
                continue
            span_start = mentions[position - 1][0].end if position else 0
            span_end = mentions[position + 1][0].start if position + 1 < len(mentions) else len(text)
            # "A项目、投资5.1亿元的B项目即将开工": coordinated projects share the predicate after them
            status_end, k = span_end, position
            while k + 1 < len(mentions) and _COORDINATED.match(text[mentions[k][0].end : mentions[k + 1][0].start]):
                k += 1
                status_end = mentions[k + 1][0].start if k + 1 < len(mentions) else len(text)
            # "X基地…包括A、B和C项目": the listed projects are in the park named before 包括
            place_start = 0 if "包括" in text[: mention.start] else span_start
            self._attach(
                unit, index, span_start, span_end, mention=mention, status_end=status_end, place_start=place_start
            )
        self._assign_amounts(unit, [(m, i) for m, i in mentions if (m.start, m.end) not in listed])
        self.last_project = mentions[-1][1]
        return mentions[-1][1]

    def _attach(
        self,
        unit: Unit,
        index: int,
        start: int,
        end: int,
        *,
        mention: NameMention | None = None,
        coref: bool = False,
        status_end: int | None = None,
        place_start: int | None = None,
    ) -> None:
        """Give project ``index`` what its span of ``unit`` says: status, dates, investors, place."""
        project = self.projects[index]
        text = unit.text
        if text not in project.evidence:
            project.evidence.append(text)
        if coref:
            for amount in unit.amounts:
                if amount.label == "invest" and amount.start not in unit.used_amounts:
                    if project.amount is None or (
                        not project.labelled_total and "总投资" in text[max(0, amount.start - 6) : amount.start]
                    ):
                        self._set_amount(project, amount, text)
                        unit.used_amounts.add(amount.start)
                    break
        statuses = [s for s in unit.statuses if start <= s.start < (status_end or end)]
        self._set_status(project, unit, statuses)
        for entity, role in self._investors(unit, start, end, mention):
            if all(e != entity for e, _ in project.investors):
                project.investors.append((entity, role))
        places = sorted(
            (m for m in unit.parks + unit.regions if (start if place_start is None else place_start) <= m.start < end),
            key=lambda m: (m.kind != NodeKind.PARK, m.start),
        )
        for place in places:
            place_index = unit.place_ids.get((place.start, place.end))
            if place_index is None:
                continue
            if place.kind is NodeKind.PARK and project.park is None:
                project.park = place_index
            elif place.kind is NodeKind.REGION and project.region is None:
                project.region = place_index

    def _investors(self, unit: Unit, start: int, end: int, mention: NameMention | None) -> list[tuple[int, str]]:
        """Enterprises of the span that invest in or build the project: named in the project's name,
        or followed by an investing verb (由A、B出资 counts for both); a group whose subsidiary is in
        the span is the subsidiary's parent, not an investor."""
        text = unit.text
        in_span = [(m, i) for m, i in zip(unit.companies, unit.company_ids, strict=True) if start <= m.start < end]
        parents = {r.parent for r in self.relations if any(r.child == i for _, i in in_span)}
        chosen: list[tuple[int, str]] = []
        qualifies_next = False
        for company, entity in reversed(in_span):
            inside_name = mention is not None and (
                (mention.start <= company.start and company.end <= mention.end) or company.end == mention.start
            )
            after_name = mention is not None and company.start >= mention.end
            follows = text[company.end : end if not after_name else len(text)]
            verb = bool(_INVEST_AFTER.match(follows) if after_name else _INVEST_VERB.match(follows))
            listed = qualifies_next and bool(re.match(r"^(、|和|与|及)$", text[company.end : company.end + 1]))
            qualifies = inside_name or verb or listed or text[max(0, company.start - 3) : company.start].endswith("由")
            qualifies_next = qualifies
            if not qualifies or entity in parents:
                continue
            role = "builder" if _BUILDER_AFTER.match(text[company.end :]) else "investor"
            chosen.append((entity, role))
        return list(reversed(chosen))

    def _set_status(self, project: ProjectFact, unit: Unit, statuses: list[StatusMention]) -> None:
        facts = [s for s in statuses if not s.future]
        best = most_advanced(facts)
        if best is not None and (
            project.status is None or project.status_from != "text" or best.order > project.status.order
        ):
            project.status, project.status_from = best, "text"
        for status in facts:
            # every stated step keeps its date (签约 2018-08-31, then 投产 …); the date opening the
            # sentence only belongs to the step the sentence is about
            self._date_for(project, unit, status, status.status.date_field, lead_date=status.status is best)
        for status in statuses:
            if status.future and status.status is ProjectStatus.IN_PRODUCTION:
                self._date_for(project, unit, status, "planned_production_date")
            elif status.future and status.status is ProjectStatus.STARTED and project.status is None:
                project.status, project.status_from = ProjectStatus.SIGNED, "plan"
        if project.status is None and self.headline_status is not None:
            self._event_status(project)

    def _date_for(
        self, project: ProjectFact, unit: Unit, status: StatusMention, field_name: str, lead_date: bool = True
    ) -> None:
        if field_name in project.dates:
            return
        text = unit.text
        for date in reversed(unit.dates):
            gap = text[date.end : status.start]
            if date.end <= status.start and len(gap) <= 6 and not re.search(r"[,;。]", gap):
                project.dates[field_name] = date.value
                return
        first = unit.dates[0] if unit.dates else None
        already = "已" in text[max(0, status.start - 3) : status.start]
        if (
            lead_date
            and first is not None
            and first.start <= 1
            and _DATE_START.match(text)
            and not status.future
            and not already
        ):
            project.dates[field_name] = first.value

    def _assign_amounts(self, unit: Unit, mentions: list[tuple[NameMention, int]]) -> None:
        text = unit.text
        for amount in unit.amounts:
            if amount.start in unit.used_amounts or amount.label not in ("invest", "none"):
                continue
            before = [(m, i) for m, i in mentions if m.end <= amount.start]
            after = [(m, i) for m, i in mentions if m.start >= amount.end]
            target: int | None = None
            if after and _FILLER_FORWARD.match(text[amount.end : after[0][0].start]):
                target = after[0][1]
            elif amount.label == "invest" and before:
                target = before[-1][1]
            elif amount.label == "invest" and after:
                target = after[0][1]
            elif amount.label == "none" and before and not text[before[-1][0].end : amount.start].strip(",的"):
                target = before[-1][1]
            if target is None:
                continue
            project = self.projects[target]
            labelled_total = "总投资" in text[max(0, amount.start - 6) : amount.start]
            if project.amount is None or (labelled_total and not project.labelled_total):
                self._set_amount(project, amount, text)
                project.labelled_total = labelled_total
            unit.used_amounts.add(amount.start)

    def _event_status(self, project: ProjectFact) -> None:
        """The article's event (its headline's, else its lede's) as the project's status; its date is
        not taken: a lede's first date is as often the dateline (本报4月22日讯) as the event's."""
        assert self.headline_status is not None
        project.status, project.status_from = self.headline_status, "headline"

    def _set_amount(self, project: ProjectFact, amount: AmountMention, text: str) -> None:
        project.amount = amount.money
        project.amount_text = amount.text
        if "总投资" in text[max(0, amount.start - 6) : amount.start]:
            project.labelled_total = True


# --- helpers --------------------------------------------------------------------------------


def _core(name: str) -> str:
    return re.sub(r"(项目|工程)$", "", name)
