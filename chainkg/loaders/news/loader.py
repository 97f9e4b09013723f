"""News and document articles → reviewable candidates (招商线索), one file at a time.

``extract_files`` is what ``chainkg extract`` runs: every file is read
(:mod:`chainkg.loaders.news.text`), its facts extracted (:mod:`chainkg.loaders.news.extract`) against the names the
graph already knows, and turned into :mod:`chainkg.loaders.news.candidates` with the article as their source.
A file that cannot be read (empty, binary, unknown encoding, no article text) gets a clear message
and the batch goes on; an article that names no project is reported as such, with whatever else it
states (enterprises, aggregates). Nothing here writes to the graph.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from chainkg.loaders.news.candidates import (
    AggregateCandidate,
    Candidate,
    CandidateKind,
    EnterpriseCandidate,
    ExtractReport,
    FileOutcome,
    FileResult,
    ParkCandidate,
    PartyRef,
    PlaceRef,
    ProjectCandidate,
    RelationCandidate,
    SourceRef,
    candidate_id,
)
from chainkg.loaders.news.extract import Extraction, PlaceFact, extract
from chainkg.loaders.news.mentions import Gazetteer
from chainkg.loaders.news.text import Article, ArticleError, read_article
from chainkg.schema.kinds import InvestRole, NodeKind
from chainkg.schema.models import Project
from chainkg.store.protocol import GraphStore

__all__ = ["ARTICLE_SUFFIXES", "article_files", "extract_article", "extract_file", "extract_files", "source_ref"]

#: What a directory given to ``chainkg extract`` is searched for.
ARTICLE_SUFFIXES = (".txt", ".html", ".htm", ".shtml", ".text")

_GOVERNMENT = re.compile(r"人民政府|政府网|管委会|投资促进局|发展和改革|商务局|统计局")
_OFFICIAL_MEDIA = re.compile(r"日报|晚报|新闻网|融媒体|电视台|广播|齐鲁网|大众网|新华|人民网|央视|闪电新闻")


def article_files(paths: Iterable[Path]) -> list[Path]:
    """Files to read: each file as given, each directory's article files (sorted)."""
    out: list[Path] = []
    for path in paths:
        found = (
            sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in ARTICLE_SUFFIXES)
            if path.is_dir()
            else []
        )
        out.extend(found or [path])  # an empty directory is reported, not skipped in silence
    return out


def extract_files(paths: Iterable[Path], store: GraphStore) -> ExtractReport:
    """Candidates from every file; one unreadable file never stops the others."""
    gazetteer = Gazetteer.from_store(store)
    return ExtractReport(files=[extract_file(path, gazetteer) for path in article_files(paths)])


def extract_file(path: Path, gazetteer: Gazetteer, learned: bool = True) -> FileResult:
    if not path.exists():
        return FileResult(file=str(path), outcome=FileOutcome.REJECTED, message="no such file")
    if path.is_dir():
        suffixes = ", ".join(ARTICLE_SUFFIXES)
        return FileResult(
            file=str(path), outcome=FileOutcome.REJECTED, message=f"a directory with no article files ({suffixes})"
        )
    try:
        article = read_article(path)
    except ArticleError as exc:
        return FileResult(file=str(path), outcome=FileOutcome.REJECTED, message=str(exc))
    return extract_article(article, gazetteer, str(path), learned)


def extract_article(
    article: Article, gazetteer: Gazetteer, file: str | None = None, learned: bool = True
) -> FileResult:
    """The candidates of one article; ``learned`` False keeps the rules' own projects (for comparison)."""
    source = source_ref(article)
    facts = extract(article, gazetteer, learned)
    candidates = _candidates(facts, source, gazetteer)
    projects = sum(1 for c in candidates if c.kind == CandidateKind.PROJECT.value)
    counts = {kind: sum(1 for c in candidates if c.kind == kind) for kind in CandidateKind}
    found = "、".join(f"{kind.zh}{n}" for kind, n in counts.items() if n)
    if projects:
        outcome, message = FileOutcome.EXTRACTED, f"{found}"
    else:
        outcome = FileOutcome.NO_PROJECTS
        message = "no investment project found in the article" + (f" (other facts: {found})" if found else "")
    regions = [PlaceRef(name=p.name, node_id=p.node_id) for p in facts.places if p.kind is NodeKind.REGION]
    return FileResult(
        file=file or article.file,
        outcome=outcome,
        message=message,
        encoding=article.encoding,
        layout="html" if article.layout == "html" else "text",
        source=source,
        regions=regions,
        notes=list(article.notes),
        candidates=candidates,
    )


def source_ref(article: Article) -> SourceRef:
    publisher = article.publisher
    if publisher and _GOVERNMENT.search(publisher):
        authority = 3
    elif publisher and _OFFICIAL_MEDIA.search(publisher):
        authority = 2
    else:
        authority = 1
    return SourceRef(
        key=article.key,
        title=article.title[:200],
        publisher=publisher,
        date=article.date,
        url=article.url,
        file=Path(article.file).name,
        authority=authority,
    )


# --- facts → candidates ---------------------------------------------------------------------


def _candidates(facts: Extraction, source: SourceRef, gazetteer: Gazetteer) -> list[Candidate]:
    out: list[Candidate] = []
    key = source.key
    for enterprise in facts.enterprises:
        aliases = [f for f in enterprise.forms if f != enterprise.name]
        out.append(
            EnterpriseCandidate(
                id=candidate_id(key, CandidateKind.ENTERPRISE, enterprise.node_id or enterprise.name),
                source=source,
                evidence=enterprise.evidence[:3],
                confidence=enterprise.confidence,
                name=enterprise.name,
                aliases=aliases,
                node_id=enterprise.node_id,
                node_name=gazetteer.display(enterprise.node_id) if enterprise.node_id else None,
                enterprise_kind=enterprise.kind,
            )
        )
    for relation in facts.relations:
        child, parent = facts.enterprises[relation.child], facts.enterprises[relation.parent]
        out.append(
            RelationCandidate(
                id=candidate_id(key, CandidateKind.RELATION, child.name, parent.name),
                source=source,
                evidence=[relation.evidence],
                confidence=relation.confidence,
                child=PartyRef(name=child.name, node_id=child.node_id),
                parent=PartyRef(name=parent.name, node_id=parent.node_id),
                stake_pct=relation.stake_pct,
                phrase=relation.phrase,
            )
        )
    for place in facts.places:
        if place.kind is not NodeKind.PARK:
            continue
        out.append(
            ParkCandidate(
                id=candidate_id(key, CandidateKind.PARK, place.node_id or place.name),
                source=source,
                evidence=place.evidence[:3],
                confidence=place.confidence,
                name=place.name,
                node_id=place.node_id,
                node_name=gazetteer.display(place.node_id) if place.node_id else None,
                region=PlaceRef(name=place.region, node_id=place.region_id) if place.region else None,
            )
        )
    for project in facts.projects:
        dates = _valid_dates(project.name, project.dates)
        amount = project.amount
        out.append(
            ProjectCandidate(
                id=candidate_id(key, CandidateKind.PROJECT, project.name),
                source=source,
                evidence=project.evidence[:4],
                confidence=project.confidence,
                name=project.name,
                aliases=[a for a in project.aliases if a != project.name],
                node_id=project.node_id,
                total_investment=amount.amount if amount else None,
                currency=amount.currency if amount else None,
                amount_text=project.amount_text,
                status=project.status,
                status_basis=project.status_from if project.status is not None else None,
                dates=dates,
                investors=[
                    PartyRef(
                        name=facts.enterprises[i].name,
                        node_id=facts.enterprises[i].node_id,
                        role=InvestRole(role),
                    )
                    for i, role in project.investors
                ],
                park=_place(facts.places, project.park),
                region=_place(facts.places, project.region),
            )
        )
    for aggregate in facts.aggregates:
        amount = aggregate.amount
        out.append(
            AggregateCandidate(
                id=candidate_id(
                    key,
                    CandidateKind.AGGREGATE,
                    str(aggregate.count),
                    str(amount.amount if amount else ""),
                    aggregate.measure,
                ),
                source=source,
                evidence=[aggregate.evidence],
                confidence=aggregate.confidence,
                count=aggregate.count,
                total_investment=amount.amount if amount else None,
                currency=amount.currency if amount else None,
                amount_text=aggregate.amount_text,
                measure=aggregate.measure,
                status=aggregate.status,
            )
        )
    return _unique(out)


def _place(places: list[PlaceFact], index: int | None) -> PlaceRef | None:
    if index is None:
        return None
    place = places[index]
    return PlaceRef(name=place.name, node_id=place.node_id)


def _valid_dates(name: str, dates: dict[str, str]) -> dict[str, str]:
    """Dates that the Project model accepts together; a set that runs backwards is dropped whole."""
    try:
        Project.model_validate({"name": name, **dates})
    except ValueError:
        return {k: v for k, v in dates.items() if k == "planned_production_date"}
    return dict(dates)


def _unique(candidates: list[Candidate]) -> list[Candidate]:
    seen: set[str] = set()
    out: list[Candidate] = []
    for candidate in candidates:
        if candidate.id not in seen:
            seen.add(candidate.id)
            out.append(candidate)
    return out
