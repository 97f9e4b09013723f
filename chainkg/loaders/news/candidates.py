"""Candidates: facts extracted from news, waiting for a person to accept or reject them.

A news extractor is right often, not always; a wrong project in the graph would mislead a chain
office. So extracted facts never go to the graph directly. They are candidates, kept in a JSON-lines
review queue under the state directory (``<home>/candidates.jsonl``), each with its source, the
sentences it came from and a confidence. ``chainkg review`` accepts or rejects them; accepted ones are
copied to ``<home>/accepted.jsonl``, which :mod:`chainkg.loaders.news.accept` loads into the graph through the
normal pipeline. Rejected ones stay in the queue as rejected, so extracting the same article again
does not bring them back.

These models are the documented contract of ``chainkg extract --json`` and of both files; the JSON
schema is written to ``docs/extract_schema.json`` (``python -m chainkg.loaders.news.candidates``).
"""

from __future__ import annotations

import hashlib
import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from chainkg.schema.kinds import Currency, EnterpriseKind, InvestRole, ProjectStatus
from chainkg.schema.models import PartialDate
from chainkg.schema.normalize import normalize_name
from chainkg.store.files import atomic_write

__all__ = [
    "AggregateCandidate",
    "Candidate",
    "CandidateKind",
    "EnterpriseCandidate",
    "ExtractReport",
    "FileOutcome",
    "FileResult",
    "ParkCandidate",
    "PartyRef",
    "PlaceRef",
    "ProjectCandidate",
    "QueueError",
    "RelationCandidate",
    "Review",
    "SourceRef",
    "accepted_path",
    "candidate_id",
    "load_queue",
    "merge_into_queue",
    "queue_path",
    "save_queue",
]

SCHEMA_VERSION: Final = 1


class CandidateKind(StrEnum):
    PROJECT = "project"
    ENTERPRISE = "enterprise"
    RELATION = "relation"
    PARK = "park"
    AGGREGATE = "aggregate"

    @property
    def zh(self) -> str:
        return {"project": "项目", "enterprise": "企业", "relation": "隶属", "park": "园区", "aggregate": "汇总"}[
            self.value
        ]


class Review(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SourceRef(_Model):
    """The article a candidate comes from; becomes a Source node when a candidate is accepted."""

    key: str = Field(pattern=r"^[A-Za-z0-9_.:\-]+$", description="stable source key: news-<hash of the body text>")
    title: str = Field(min_length=1, description="标题 (the file name when the page has none)")
    publisher: str | None = Field(default=None, description="来源, e.g. 德州新闻网")
    date: PartialDate | None = Field(default=None, description="publication date as printed by the site")
    url: str | None = None
    file: str = Field(description="the file it was read from (name only)")
    authority: int = Field(default=1, ge=0, le=3, description="0 unknown, 1 media, 2 official media, 3 government")


class PlaceRef(_Model):
    name: str = Field(min_length=1, description="as written in the article")
    node_id: str | None = Field(default=None, description="the graph node it resolves to, if any")


class PartyRef(_Model):
    name: str = Field(min_length=1, description="enterprise name as written in the article")
    node_id: str | None = Field(default=None, description="the graph enterprise it resolves to, if any")
    role: InvestRole = InvestRole.INVESTOR


class _CandidateBase(_Model):
    id: str = Field(pattern=r"^c[0-9a-f]{10}$", description="stable: the same fact of the same article keeps its id")
    source: SourceRef
    evidence: list[str] = Field(min_length=1, description="the sentences the fact was read from")
    confidence: float = Field(
        ge=0,
        le=1,
        description=(
            "projects: calibrated — the share of projects found the same way whose name and amount were right "
            "on the real-text development set (docs/news.md, Confidence); other kinds: a score for ranking"
        ),
    )
    review: Review = Review.PENDING
    reviewed_at: str | None = Field(default=None, description="ISO timestamp of the last accept/reject")
    review_note: str | None = None


class ProjectCandidate(_CandidateBase):
    kind: Literal["project"] = "project"
    name: str = Field(min_length=1, max_length=200)
    aliases: list[str] = Field(default_factory=list)
    node_id: str | None = Field(default=None, description="existing project this is (by name, alias or close name)")
    total_investment: int | None = Field(
        default=None, ge=0, description="总投资 in the currency's base unit (元 for CNY)"
    )
    currency: Currency | None = None
    amount_text: str | None = Field(default=None, description="the amount as written, e.g. 1.2亿美元")
    status: ProjectStatus | None = None
    status_basis: Literal["text", "plan", "headline"] | None = Field(
        default=None, description="text: stated; plan: 即将开工 → 签约; headline: only the headline's event"
    )
    dates: dict[
        Literal[
            "negotiation_date",
            "signed_date",
            "start_date",
            "construction_date",
            "production_date",
            "planned_production_date",
        ],
        PartialDate,
    ] = Field(default_factory=dict)
    investors: list[PartyRef] = Field(default_factory=list)
    park: PlaceRef | None = None
    region: PlaceRef | None = None


class EnterpriseCandidate(_CandidateBase):
    kind: Literal["enterprise"] = "enterprise"
    name: str = Field(min_length=1, max_length=200, description="the fullest form the article uses")
    aliases: list[str] = Field(default_factory=list, description="other forms the article uses (简称)")
    node_id: str | None = Field(default=None, description="existing enterprise it resolves to")
    node_name: str | None = Field(default=None, description="that enterprise's name in the graph")
    enterprise_kind: EnterpriseKind = EnterpriseKind.OTHER


class RelationCandidate(_CandidateBase):
    kind: Literal["relation"] = "relation"
    child: PartyRef = Field(description="the subsidiary")
    parent: PartyRef = Field(description="the group or parent company")
    stake_pct: float | None = Field(default=None, gt=0, le=100, description="100 for 全资")
    phrase: str = Field(description="the words that state the relation, e.g. 旗下的")


class ParkCandidate(_CandidateBase):
    kind: Literal["park"] = "park"
    name: str = Field(min_length=1, max_length=200)
    node_id: str | None = None
    node_name: str | None = None
    region: PlaceRef | None = None


class AggregateCandidate(_CandidateBase):
    """签约项目9个,总投资57.3亿元: a figure about several projects, never a project itself."""

    kind: Literal["aggregate"] = "aggregate"
    count: int | None = Field(default=None, ge=0, description="number of projects")
    total_investment: int | None = Field(default=None, ge=0, description="base unit of the currency")
    currency: Currency | None = None
    amount_text: str | None = None
    measure: str = Field(description="what the money figure is: 总投资, 合同投资额, 到位资金 …")
    status: ProjectStatus | None = Field(default=None, description="the stage the counted projects are at")


Candidate = Annotated[
    ProjectCandidate | EnterpriseCandidate | RelationCandidate | ParkCandidate | AggregateCandidate,
    Field(discriminator="kind"),
]
_CANDIDATE: TypeAdapter[Candidate] = TypeAdapter(Candidate)


class FileOutcome(StrEnum):
    EXTRACTED = "extracted"
    NO_PROJECTS = "no_projects"
    REJECTED = "rejected"


class FileResult(_Model):
    file: str = Field(description="the path as given")
    outcome: FileOutcome
    message: str = Field(description="one line for people: what was found, or why the file was not read")
    encoding: str | None = None
    layout: Literal["html", "text"] | None = None
    source: SourceRef | None = None
    regions: list[PlaceRef] = Field(default_factory=list, description="districts, counties and zones named")
    notes: list[str] = Field(default_factory=list, description="repairs made while reading")
    candidates: list[Candidate] = Field(default_factory=list)


class ExtractReport(_Model):
    """What ``chainkg extract --json`` prints."""

    schema_version: Literal[1] = SCHEMA_VERSION
    files: list[FileResult]
    queue: str | None = Field(default=None, description="review queue the candidates were added to")
    added: int = Field(default=0, description="candidates new to the queue")
    already_queued: int = Field(default=0, description="candidates the queue already held (their review kept)")


def candidate_id(source_key: str, kind: CandidateKind, *parts: str) -> str:
    """Same article, same fact → same id, so re-extracting never duplicates a candidate."""
    text = "|".join([source_key, kind.value, *(normalize_name(p) for p in parts)])
    return "c" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]


# --- the queue files --------------------------------------------------------------------------


class QueueError(ValueError):
    """A queue file that cannot be read; names the line."""


def queue_path(home: Path) -> Path:
    return home / "candidates.jsonl"


def accepted_path(home: Path) -> Path:
    return home / "accepted.jsonl"


def load_queue(path: Path) -> list[Candidate]:
    """Every candidate in a JSON-lines file (none if the file does not exist)."""
    if not path.exists():
        return []
    out: list[Candidate] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            out.append(_CANDIDATE.validate_python(json.loads(line)))
        except (json.JSONDecodeError, ValidationError) as exc:
            first = str(exc).splitlines()[0] if isinstance(exc, json.JSONDecodeError) else _first_error(exc)
            raise QueueError(f"{path}, line {number}: not a valid candidate ({first})") from exc
    return out


def parse_candidate(line: str) -> Candidate:
    return _CANDIDATE.validate_python(json.loads(line))


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    return f"{'.'.join(str(p) for p in error['loc'])}: {error['msg']}"


def save_queue(path: Path, candidates: list[Candidate]) -> None:
    """Write atomically: a crash mid-write leaves the previous file, never half a queue."""
    with atomic_write(path, "w", encoding="utf-8") as out:
        for candidate in candidates:
            out.write(candidate.model_dump_json(exclude_none=True) + "\n")


def merge_into_queue(queue: list[Candidate], new: list[Candidate]) -> tuple[list[Candidate], int, int]:
    """Append candidates the queue does not hold yet; a held one keeps its review. Returns the queue,
    the number added and the number already there."""
    known = {c.id for c in queue}
    merged = list(queue)
    added = 0
    for candidate in new:
        if candidate.id in known:
            continue
        known.add(candidate.id)
        merged.append(candidate)
        added += 1
    return merged, added, len(new) - added


def write_schema(path: Path) -> None:
    """The JSON schema of ``chainkg extract --json`` (and, per line, of the queue files)."""
    schema = ExtractReport.model_json_schema()
    path.write_text(json.dumps(schema, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":  # python -m chainkg.loaders.news.candidates [path]: regenerate the documented schema
    import sys

    write_schema(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/extract_schema.json"))
