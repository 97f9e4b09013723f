"""The chains overview is its component queries' answers, put together (and kept per graph version)."""

from __future__ import annotations

import pytest

from chainkg.queries import chain_map, gaps, ledger, overview
from chainkg.queries.listing import enterprises as listing_enterprises
from chainkg.schema.ids import source_id
from chainkg.schema.kinds import EdgeKind
from chainkg.schema.models import Enterprise, make_edge
from chainkg.schema.records import Batch, Provenance
from chainkg.store.memory import MemoryStore
from tests.conftest import load_dataset


@pytest.mark.parametrize("scope", [None, "region:天衢新区", "park:天衢新区集成电路关键材料基地", "region:临邑县"])
def test_the_overview_is_its_components(dezhou: MemoryStore, scope: str | None) -> None:
    result = dezhou.run(overview.QUERY, overview.Params(scope=scope, top_gaps=3))
    assert len(result.chains) == 12
    place = result.scope.id
    for summary in result.chains:
        chain = summary.chain.id
        gap = dezhou.run(gaps.QUERY, gaps.Params(chain=chain, scope=place))
        chart = dezhou.run(chain_map.QUERY, chain_map.Params(chain=chain, scope=place, max_members=0))
        projects = dezhou.run(ledger.QUERY, ledger.Params(chain=chain, scope=place, limit=0))
        assert summary.completeness == gap.completeness
        assert summary.fill == len(gap.fill) and summary.strengthen == len(gap.strengthen)
        assert summary.top_gaps == gap.fill[:3]
        assert (summary.enterprises, summary.active_projects) == (chart.totals.enterprises, chart.totals.projects)
        assert [r.id for r in summary.leaders] == sorted({leader.enterprise.id for leader in chart.leaders})
        assert (summary.projects, summary.investment_cny, summary.by_status) == (
            projects.total,
            projects.investment_cny,
            projects.by_status,
        )
    everything = dezhou.run(ledger.QUERY, ledger.Params(scope=place, limit=0))
    local = dezhou.run(listing_enterprises.QUERY, listing_enterprises.Params(scope=place, limit=1))
    assert (result.totals.projects, result.totals.enterprises) == (everything.total, local.total)


def test_a_write_refreshes_the_kept_overview() -> None:
    store = MemoryStore()
    load_dataset(store)
    params = overview.Params(scope="region:天衢新区")
    before = store.run(overview.QUERY, params)
    ic = next(c for c in before.chains if c.chain.id == "chain:集成电路")
    before.chains.clear()  # a caller changing its copy does not change the kept answer
    assert len(store.run(overview.QUERY, params).chains) == 12

    source = Provenance(source=source_id("dezhou-admin"), evidence="test")
    firm = Enterprise(name="测试光刻胶有限公司")
    store.write(
        Batch(
            nodes=[firm.to_record([source])],
            edges=[
                make_edge(EdgeKind.LOCATED_IN, firm.id, "region:天衢新区", provenance=[source]),
                make_edge(EdgeKind.IN_SEGMENT, firm.id, "seg:光刻胶", provenance=[source]),
            ],
        )
    )
    after = next(c for c in store.run(overview.QUERY, params).chains if c.chain.id == "chain:集成电路")
    assert after.enterprises == ic.enterprises + 1
    assert after.completeness.covered == ic.completeness.covered + 1
