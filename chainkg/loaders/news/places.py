"""Parks and regions of one article (a part of the extractor): each mention becomes one place,
known ones by their graph node, new parks with the region inside their name; the one park a lede
names is where the article's projects without a place of their own are."""

from __future__ import annotations

from chainkg.loaders.news.facts import PlaceFact, ProjectFact, Unit
from chainkg.loaders.news.mentions import Gazetteer, NameMention
from chainkg.schema.kinds import NodeKind
from chainkg.schema.normalize import normalize_name

__all__ = ["PlaceParts"]


class PlaceParts:
    """Mixed into the extractor: registers parks and regions."""

    gaz: Gazetteer
    places: list[PlaceFact]
    place_keys: dict[str, int]
    projects: list[ProjectFact]

    def _places(self, unit: Unit) -> None:
        for mention in unit.regions:
            unit.place_ids[(mention.start, mention.end)] = self._place(unit, mention, NodeKind.REGION)
        for mention in unit.parks:
            unit.place_ids[(mention.start, mention.end)] = self._place(unit, mention, NodeKind.PARK)

    def _place(self, unit: Unit, mention: NameMention, kind: NodeKind) -> int:
        key = mention.node_id or f"{kind.value}:{normalize_name(mention.text)}"
        index = self.place_keys.get(key)
        if index is not None:
            if unit.text not in self.places[index].evidence:
                self.places[index].evidence.append(unit.text)
            return index
        region = region_id = None
        if kind is NodeKind.PARK and mention.node_id is None:
            inside = [r for r in unit.regions if mention.start <= r.start and r.end <= mention.end]
            if inside and inside[0].node_id:
                region_id = inside[0].node_id
                region = self.gaz.display(region_id)
        confidence = 0.95 if mention.node_id else 0.75
        name = self.gaz.display(mention.node_id) if mention.node_id and kind is NodeKind.REGION else mention.text
        self.places.append(PlaceFact(name, kind, mention.node_id, region, region_id, [unit.text], confidence))
        self.place_keys[key] = len(self.places) - 1
        return len(self.places) - 1

    def _lede_park(self, units: list[Unit]) -> None:
        """The one park the lede names is where the article's projects without a park (or a region
        of their own) are: reports from a zone name it once, up front."""
        if not units or len(units[0].parks) != 1:
            return
        lede = units[0].parks[0]
        place = units[0].place_ids.get((lede.start, lede.end))
        for project in self.projects:
            if project.park is None and project.region is None and place is not None:
                project.park = place
