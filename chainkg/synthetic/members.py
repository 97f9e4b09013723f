"""The enterprises the writers know of: the members of the group being generated, and bounded
reservoirs of those already written (per segment: the most recent ones and a few big "anchors"),
which customers and partners are drawn from — so memory stays constant however many are written."""

from __future__ import annotations

from collections import deque

from chainkg.synthetic.places import County, Park

__all__ = ["Member", "Reservoirs"]


class Member:
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


class Reservoirs:
    """Names of enterprises already written, per segment: the last 128 and up to 24 big ones."""

    def __init__(self, segments: list[str]) -> None:
        self.recent: dict[str, deque[str]] = {s: deque(maxlen=128) for s in segments}
        self.anchors: dict[str, list[str]] = {s: [] for s in segments}

    def remember(self, member: Member, big: bool) -> None:
        for seg in member.segments:
            self.recent[seg].append(member.name)
            if big and len(self.anchors[seg]) < 24:
                self.anchors[seg].append(member.name)
