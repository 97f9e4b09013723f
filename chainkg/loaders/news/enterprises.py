"""Enterprises and group → subsidiary relations of one article (a part of the extractor).

Enterprises are names with a legal form, names the graph knows, and the short forms of either that
the article goes on to use (宏琦精工 after 宏琦精工股份有限公司); forms of one enterprise are merged.
Relations: A旗下的B, 由A控股的B, A全资上市公司B, B是A的全资子公司, 其…子公司B.
"""

from __future__ import annotations

import re
from itertools import pairwise

from chainkg.loaders.news import lexicon as lex
from chainkg.loaders.news.facts import EnterpriseFact, RelationFact, Unit
from chainkg.loaders.news.mentions import Gazetteer, NameMention
from chainkg.loaders.news.names import is_generic
from chainkg.schema.kinds import EnterpriseKind, NodeKind
from chainkg.schema.normalize import normalize_name

__all__ = ["EnterpriseParts", "short_name"]

_REGION_PREFIX = ("日本", "韩国", "美国", "德国", "台湾", "香港", "新加坡", "英国", "法国", "意大利")
_ANAPHOR_CHILD = re.compile(r"(该公司|该企业|其)(是|为|系)(上市公司|央企|国企)?$")
_ANAPHOR_PARENT = re.compile(r"其[^,。;]{0,12}?(全资|控股)?子公司$")
_CHILD_IS = re.compile(r"^(是|为|系)(上市公司|央企|国企)?$")


class EnterpriseParts:
    """Mixed into the extractor: registers enterprises and reads relations between them."""

    gaz: Gazetteer
    entities: list[EnterpriseFact]
    entity_keys: dict[str, int]
    relations: list[RelationFact]
    last_entity: int | None

    def _register_companies(self, unit: Unit) -> None:
        unit.company_ids = [self._entity(unit, m) for m in unit.companies]

    def _entity(self, unit: Unit, mention: NameMention) -> int:
        key = normalize_name(mention.text)
        index = self.entity_keys.get(f"id:{mention.node_id}") if mention.node_id else None
        if index is None:
            index = self.entity_keys.get(key)
        if index is None:
            confidence = 0.9 if mention.node_id else (0.85 if mention.legal else 0.7)
            if mention.legal and mention.text.endswith(tuple(lex.BARE_SUFFIXES)) and mention.node_id is None:
                confidence = 0.75
            index = len(self.entities)
            self.entities.append(
                EnterpriseFact(
                    mention.text,
                    [mention.text],
                    mention.node_id,
                    _enterprise_kind(unit.text, mention),
                    [unit.text],
                    confidence,
                    mention.legal,
                )
            )
            for form in [mention.text, *_short_forms(mention.text)] if mention.legal else [mention.text]:
                self.entity_keys.setdefault(normalize_name(form), index)
        else:
            fact = self.entities[index]
            if mention.text not in fact.forms:
                fact.forms.append(mention.text)
                if mention.legal and (not fact.legal or len(mention.text) > len(fact.name)):
                    fact.name, fact.legal = mention.text, True
            if unit.text not in fact.evidence:
                fact.evidence.append(unit.text)
            if mention.node_id and fact.node_id is None:
                fact.node_id = mention.node_id
            fact.confidence = min(0.95, fact.confidence + 0.05)
        self.entity_keys.setdefault(key, index)
        if mention.node_id:
            self.entity_keys.setdefault(f"id:{mention.node_id}", index)
        return index

    def _short_forms(self, unit: Unit) -> None:
        """Find the short forms of this article's enterprises (宏琦精工 after 宏琦精工股份有限公司)."""
        forms = sorted(
            ((k, i) for k, i in self.entity_keys.items() if not k.startswith("id:") and len(k) >= 3),
            key=lambda item: -len(item[0]),
        )
        taken = [(m.start, m.end) for m in unit.companies]
        lowered = unit.text.lower()
        added: list[tuple[NameMention, int]] = []
        for form, index in forms:
            start = lowered.find(form)
            while start >= 0:
                end = start + len(form)
                if not any(s < end and start < e for s, e in taken):
                    mention = NameMention(start, end, unit.text[start:end], NodeKind.ENTERPRISE)
                    added.append((mention, index))
                    taken.append((start, end))
                start = lowered.find(form, end)
        for mention, index in added:
            fact = self.entities[index]
            if mention.text not in fact.forms:
                fact.forms.append(mention.text)
            if unit.text not in fact.evidence:
                fact.evidence.append(unit.text)
        if added:
            pairs = sorted(
                [*zip(unit.companies, unit.company_ids, strict=True), *added], key=lambda item: item[0].start
            )
            unit.companies = [m for m, _ in pairs]
            unit.company_ids = [i for _, i in pairs]

    def _relations(self, unit: Unit) -> None:
        text = unit.text
        pairs = list(zip(unit.companies, unit.company_ids, strict=True))
        for (a, ia), (b, ib) in pairwise(pairs):
            between = text[a.end : b.start]
            if ia == ib:
                continue
            if lex.RELATION_BETWEEN.match(between):
                self._relation(ib, ia, between, text, 0.85)
            elif _CHILD_IS.match(between) and lex.RELATION_AFTER.match(text[b.end :]):
                self._relation(ia, ib, between + b.text + text[b.end : b.end + 6], text, 0.85)
        for position, (mention, index) in enumerate(pairs):
            before = text[: mention.start]
            if _ANAPHOR_CHILD.search(before) and lex.RELATION_AFTER.match(text[mention.end :]):
                child = self._previous_entity(unit, position, exclude=index)
                if child is not None:
                    self._relation(
                        child, index, before[-6:] + mention.text + text[mention.end : mention.end + 6], text, 0.7
                    )
            elif anaphor := _ANAPHOR_PARENT.search(before):
                parent = self._previous_entity(unit, position, exclude=index)
                if parent is not None:
                    self._relation(index, parent, anaphor.group(0), text, 0.7)

    def _previous_entity(self, unit: Unit, position: int, exclude: int) -> int | None:
        for index in reversed(unit.company_ids[:position]):
            if index != exclude:
                return index
        return self.last_entity if self.last_entity not in (None, exclude) else None

    def _relation(self, child: int, parent: int, phrase: str, evidence: str, confidence: float) -> None:
        if any(r.child == child and r.parent == parent for r in self.relations):
            return
        stake = 100.0 if "全资" in phrase else None
        self.relations.append(RelationFact(child, parent, stake, phrase.strip(), evidence, confidence))


def _short_forms(name: str) -> list[str]:
    """Forms an article may shorten a legal name to: without legal form, without the place, the brand.

    A name with a bracketed place (宏琦精工(苏州)有限公司) keeps it: its bare brand is the parent's.
    """
    suffix = next((s for s in lex.COMPANY_SUFFIXES if name.endswith(s)), "")
    core = name[: len(name) - len(suffix)] if suffix else name
    if "(" in core or "(" in name:
        return [core] if len(core) >= 2 else []
    bases = [core]
    for prefix in (*_REGION_PREFIX, *lex.PLACE_PREFIXES):
        if core.startswith(prefix) and len(core) - len(prefix) >= 2:
            bases.append(core[len(prefix) :])
            if suffix in ("集团", "集团有限公司", "集团股份有限公司"):
                bases.append(core[len(prefix) :] + "集团")
            break
    forms: list[str] = []
    for base in bases:
        forms.append(base)
        brand = base
        changed = True
        while changed:
            changed = False
            for word in lex.INDUSTRY_WORDS:
                if brand.endswith(word) and len(brand) - len(word) >= 2:
                    brand = brand[: -len(word)]
                    changed = True
                    break
        if brand != base:
            forms.append(brand)
    return [f for f in dict.fromkeys(forms) if len(f) >= 2 and not is_generic(f)]


def short_name(entity: EnterpriseFact) -> str:
    """The shortest form the article uses for an enterprise, for naming a phase (有研亿金二期项目)."""
    candidates = [f for f in entity.forms if len(f) >= 2] or [entity.name]
    return min(candidates, key=len)


def _enterprise_kind(text: str, mention: NameMention) -> EnterpriseKind:
    before = text[max(0, mention.start - 4) : mention.start]
    name = mention.text
    if "央企" in before:
        return EnterpriseKind.CENTRAL_SOE_GROUP if name.endswith(("集团", "集团有限公司")) else EnterpriseKind.SOE
    if name.endswith("株式会社") or name.startswith(_REGION_PREFIX):
        return EnterpriseKind.FOREIGN
    if "上市公司" in before:
        return EnterpriseKind.LISTED
    return EnterpriseKind.OTHER
