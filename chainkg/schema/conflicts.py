"""Which value a node shows when its sources disagree.

Sources are kept, never overwritten: every source's claims stay on its CITES link. The node's
property holds the winner, chosen by this rule, in order:

1. a value the curator wrote on the record itself (an editor's decision, ``preferred``);
2. otherwise the claim from the most recently dated source (newer reports revise amounts and
   statuses move forward: a project 在建 in 2019 is 投产 in 2020); undated sources count as oldest;
3. on equal dates, the source with higher authority (government > official media > media);
4. on a full tie, the source whose id sorts first, so the choice never depends on load order.

Fields whose claims differ are listed in the node's ``disputed`` property.

Some fields only make sense together with another: ``status_as_of`` is the date of the status
that won, so it is taken from the same source as the winning ``status`` (its explicit claim, or
else that source's date) and is never disputed on its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["COMPANIONS", "Claim", "resolve_claims"]

#: companion field → the field whose winning source it follows
COMPANIONS = {"status_as_of": "status"}


@dataclass(frozen=True, slots=True)
class Claim:
    field: str
    value: Any
    source: str
    source_date: str | None = None
    authority: int = 0
    preferred: bool = False

    def rank(self) -> tuple[int, str, int, str]:
        # Higher sorts later; the winner is the maximum. Source id is negated by sorting on a
        # complement so that the smallest id wins ties.
        return (int(self.preferred), self.source_date or "", self.authority, _desc(self.source))


def _desc(text: str) -> str:
    return "".join(chr(0x10FFFF - ord(c)) for c in text)


def resolve_claims(claims: list[Claim]) -> tuple[dict[str, Any], list[str]]:
    """Winning value per field, and the sorted list of fields whose claims disagree."""
    by_field: dict[str, list[Claim]] = {}
    for claim in claims:
        by_field.setdefault(claim.field, []).append(claim)
    winners: dict[str, Any] = {}
    winning: dict[str, Claim] = {}
    disputed: list[str] = []
    for field_name, field_claims in sorted(by_field.items()):
        if field_name in COMPANIONS:
            continue
        winning[field_name] = max(field_claims, key=Claim.rank)
        winners[field_name] = winning[field_name].value
        if len({repr(c.value) for c in field_claims}) > 1:
            disputed.append(field_name)
    for companion, primary in COMPANIONS.items():
        if primary not in winning:
            continue
        source = winning[primary].source
        explicit = [c.value for c in by_field.get(companion, []) if c.source == source]
        value = explicit[0] if explicit else winning[primary].source_date
        if value is not None:
            winners[companion] = value
    return winners, disputed
