"""The page builders (chainkg/app/viz): what each page draws, how it looks, its limits, and that it needs no network."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from chainkg.queries import chain_map, gaps
from chainkg.schema.kinds import EdgeKind, NodeKind, Stage
from chainkg.store.memory import MemoryStore
from chainkg.viz import (
    Limits,
    Page,
    TooLarge,
    build_chain_page,
    build_entity_page,
    build_explain_page,
    build_footprint_page,
    build_page,
    chain_page,
    error_html,
)
from chainkg.viz.chain import STAGE_X
from chainkg.viz.page import GraphBuilder
from chainkg.viz.style import EDGE_STYLES, NODE_STYLES, SegmentStatus

IC = "chain:集成电路"
TIANQU = "region:天衢新区"
GRINM = "ent:有研科技集团有限公司"


def _background(node: dict) -> str:
    return node["color"]["background"]


def _edges(page: Page, kind: EdgeKind) -> set[tuple[str, str]]:
    color = EDGE_STYLES[kind].color
    return {(e["from"], e["to"]) for e in page.edges if e["color"]["color"] == color}


# --- chain map --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ic_tianqu(dezhou: MemoryStore) -> tuple[Page, chain_map.Result, gaps.Result]:
    page = build_chain_page(dezhou, IC, TIANQU)
    mapped = dezhou.run(chain_map.QUERY, chain_map.Params(chain=IC, scope=TIANQU, max_members=6))
    analysed = dezhou.run(gaps.QUERY, gaps.Params(chain=IC, scope=TIANQU, limit=500))
    return page, mapped, analysed


def test_chain_map_colours_segments_by_the_gap_analysis(ic_tianqu: tuple[Page, chain_map.Result, gaps.Result]) -> None:
    page, mapped, analysed = ic_tianqu
    missing = {g.segment.id for g in analysed.fill}
    weak = {g.segment.id for g in analysed.strengthen}
    assert missing and weak, "the IC chain in 天衢新区 has both missing and weak segments"
    for state in mapped.segments:
        node = page.node(state.segment.id)
        expected = (
            SegmentStatus.MISSING
            if state.segment.id in missing
            else SegmentStatus.WEAK
            if state.segment.id in weak
            else SegmentStatus.COVERED
        )
        assert _background(node) == expected.style.color, state.segment.name
    # the three colours really differ, and 晶圆制造 (missing per DOMAIN.md) is red, 硅片 (2 enterprises) green
    assert len({s.style.color for s in SegmentStatus}) == len(SegmentStatus)
    assert _background(page.node("seg:晶圆制造")) == SegmentStatus.MISSING.style.color
    assert _background(page.node("seg:硅片")) == SegmentStatus.COVERED.style.color
    assert _background(page.node("seg:封装测试")) == SegmentStatus.WEAK.style.color


def test_chain_map_lays_out_stages_left_to_right_with_physics_off(
    ic_tianqu: tuple[Page, chain_map.Result, gaps.Result],
) -> None:
    page, mapped, _ = ic_tianqu
    for state in mapped.segments:
        assert page.node(state.segment.id)["x"] == STAGE_X[state.stage]
    assert STAGE_X[Stage.UPSTREAM] < STAGE_X[Stage.MIDSTREAM] < STAGE_X[Stage.DOWNSTREAM]
    assert '"physics": {"enabled": false}' in page.html


def test_chain_map_draws_feeds_and_attaches_local_enterprises_and_projects(
    ic_tianqu: tuple[Page, chain_map.Result, gaps.Result],
) -> None:
    page, mapped, _ = ic_tianqu
    assert _edges(page, EdgeKind.FEEDS) == {(f.source, f.target) for f in mapped.feeds}
    attached = _edges(page, EdgeKind.IN_SEGMENT)
    for state in mapped.segments:
        for member in (*state.enterprises, *state.projects):
            assert (member.id, state.segment.id) in attached
    wafer = page.node("ent:山东有研半导体材料有限公司")
    assert wafer["kind"] == NodeKind.ENTERPRISE.value and wafer["shape"] == NODE_STYLES[NodeKind.ENTERPRISE].shape


def test_chain_map_reads_in_chinese_with_amounts_in_yi_and_sourced_tooltips(
    ic_tianqu: tuple[Page, chain_map.Result, gaps.Result],
) -> None:
    page, _, _ = ic_tianqu
    assert page.title == "集成电路 产业链图谱 · 天衢新区"
    assert page.node("seg:硅片")["label"].startswith("硅片\n2家企业")
    assert "80亿元" in page.node("seg:硅片")["label"]
    project = page.node("proj:山东有研艾斯12英寸硅片项目")
    assert project["label"].endswith("62亿元")
    assert "总投资：62亿元" in project["title"]
    assert (
        "来源：\n· 闪电·深读|德州天衢新区:乘势而上谋发展聚焦项目创未来（齐鲁网·闪电新闻，2023-01）" in project["title"]
    )
    assert "补链得分 6" in page.node("seg:晶圆制造")["title"]
    assert "投资 86亿元" in page.html
    for words in ("环节：已覆盖", "环节：薄弱（强链）", "环节：缺失（补链）", "供给（FEEDS）"):
        assert words in page.html, words


def test_chain_map_draws_extension_segments_of_neighbouring_chains(
    ic_tianqu: tuple[Page, chain_map.Result, gaps.Result],
) -> None:
    page, _, analysed = ic_tianqu
    outside = [g for g in analysed.extend if not g.in_chain]
    assert outside
    for gap in outside:
        assert _background(page.node(gap.segment.id)) == SegmentStatus.EXTEND.style.color
        assert any(e["from"] == gap.segment.id and e.get("label") == "延链" for e in page.edges)


def test_chain_map_counts_what_it_does_not_draw(dezhou: MemoryStore) -> None:
    page = build_chain_page(dezhou, IC, TIANQU, members=0)
    assert not any(n["kind"] == NodeKind.ENTERPRISE.value and not n["id"].startswith("more:") for n in page.nodes)
    more = page.node("more:seg:硅片")
    assert more["label"] == "另有 4 个未显示"  # 2 enterprises + 2 active projects
    assert "调大 members" in page.html


def test_chain_page_is_built_from_result_models_alone(ic_tianqu: tuple[Page, chain_map.Result, gaps.Result]) -> None:
    """No store, no networkx: any backend that returns these models gets the same drawing."""
    _, mapped, analysed = ic_tianqu
    page = chain_page(mapped, analysed)
    assert {n["id"] for n in page.nodes} >= {s.segment.id for s in mapped.segments}
    with pytest.raises(ValueError, match="same chain and scope"):
        chain_page(mapped, analysed.model_copy(update={"scope": analysed.scope.model_copy(update={"id": "x"})}))


# --- neighbourhood ----------------------------------------------------------------------------------


def test_neighbourhood_grows_with_hops_and_marks_what_it_leaves_out(dezhou: MemoryStore) -> None:
    one = build_entity_page(dezhou, GRINM, hops=1)
    two = build_entity_page(dezhou, GRINM, hops=2)
    ids_one = {n["id"] for n in one.nodes}
    ids_two = {n["id"] for n in two.nodes}
    assert GRINM in ids_one and ids_one < ids_two
    assert "ent:有研新材料股份有限公司" in ids_one  # a direct subsidiary
    assert "ent:有研亿金新材料(山东)有限公司" in ids_two - ids_one  # a grandchild
    center = one.node(GRINM)
    assert center["x"] == 0 and center["y"] == 0 and center["borderWidth"] == 4
    capped = build_entity_page(dezhou, "region:德州市", hops=1, per_group=2)
    markers = [n for n in capped.nodes if n["id"].startswith("more:")]
    assert markers and all(n["label"].startswith("另有 ") for n in markers)
    assert len([n for n in capped.nodes if not n["id"].startswith("more:")]) <= 1 + 2 * 10


def test_neighbourhood_keeps_to_one_relation_when_asked(dezhou: MemoryStore) -> None:
    page = build_entity_page(dezhou, GRINM, hops=2, edge_kind=EdgeKind.SUBSIDIARY_OF)
    colours = {e["color"]["color"] for e in page.edges}
    assert colours == {EDGE_STYLES[EdgeKind.SUBSIDIARY_OF].color}
    assert "只看 子公司（SUBSIDIARY_OF）" in page.html


def test_too_large_neighbourhood_says_what_to_narrow(dezhou: MemoryStore) -> None:
    with pytest.raises(TooLarge) as info:
        build_entity_page(dezhou, "region:德州市", hops=3, per_group=100, limits=Limits(max_nodes=40))
    error = info.value
    assert error.code == "too_large"
    assert "more than 40 nodes" in error.message and "单页最多 40 个节点" in error.message
    assert any(h.startswith("hops") for h in error.narrow) and any(h.startswith("edge_kind") for h in error.narrow)
    with pytest.raises(TooLarge, match="edges"):
        build_entity_page(dezhou, "region:德州市", hops=2, per_group=100, limits=Limits(max_edges=10))


# --- footprint --------------------------------------------------------------------------------------


def test_footprint_draws_the_group_tree_its_projects_and_parks(dezhou: MemoryStore) -> None:
    page = build_footprint_page(dezhou, GRINM)
    subsidiaries = _edges(page, EdgeKind.SUBSIDIARY_OF)
    assert ("ent:有研新材料股份有限公司", GRINM) in subsidiaries  # child → parent
    assert ("ent:有研亿金新材料(山东)有限公司", "ent:有研新材料股份有限公司") in subsidiaries
    group_x = page.node(GRINM)["x"]
    assert page.node("ent:有研新材料股份有限公司")["x"] > group_x
    assert page.node("ent:有研亿金新材料(山东)有限公司")["x"] > page.node("ent:有研新材料股份有限公司")["x"]
    project = page.node("proj:有研亿金集成电路用高纯度靶材项目")
    assert "6亿元" in project["label"] and "在建" in project["label"]
    assert ("proj:有研亿金集成电路用高纯度靶材项目", "park:天衢新区集成电路关键材料基地") in _edges(
        page, EdgeKind.LOCATED_IN
    )
    assert "项目 3 个，合计投资 86亿元" in page.html
    invests = [e for e in page.edges if e["color"]["color"] == EDGE_STYLES[EdgeKind.INVESTS_IN].color]
    assert {e["label"] for e in invests} == {"出资", "建设"}
    assert page.node("ent:有研半导体材料有限公司").get("opacity") == 0.45  # in Beijing: outside the scope


def test_footprint_local_only_drops_subsidiaries_that_lead_nowhere_local(dezhou: MemoryStore) -> None:
    full = build_footprint_page(dezhou, "ent:中国中信集团有限公司", TIANQU)
    local = build_footprint_page(dezhou, "ent:中国中信集团有限公司", TIANQU, local_only=True)
    assert "ent:中信国安信息产业股份有限公司" in {n["id"] for n in full.nodes}
    assert {n["id"] for n in local.nodes} == {"ent:中国中信集团有限公司"}
    assert "另有 2 家未画出" in local.html
    # 有研: every non-local member is the parent of a local one, so it stays
    grinm = build_footprint_page(dezhou, GRINM, local_only=True)
    assert "ent:有研新材料股份有限公司" in {n["id"] for n in grinm.nodes}


# --- explain ----------------------------------------------------------------------------------------


def test_explain_page_draws_each_path_hop_by_hop(dezhou: MemoryStore) -> None:
    page = build_explain_page(dezhou, "ent:有研新材料股份有限公司", TIANQU)
    ids = [n["id"] for n in page.nodes]
    assert ids[0] == "ent:有研新材料股份有限公司" and TIANQU in ids
    middle = page.node("ent:有研亿金新材料(山东)有限公司")
    assert page.node("ent:有研新材料股份有限公司")["x"] < middle["x"] < page.node(TIANQU)["x"]
    assert {e["label"] for e in page.edges} == {"子公司", "位于"}
    assert "最短路径 2 跳" in page.html


def test_explain_page_without_a_path_says_so(dezhou: MemoryStore) -> None:
    page = build_explain_page(dezhou, "ent:有研新材料股份有限公司", "region:深圳市", max_length=1)
    assert page.edges == []
    assert "没有找到路径" in page.html


# --- any page ---------------------------------------------------------------------------------------


class _References(HTMLParser):
    """Every URL the browser would fetch on its own: src/href/srcset attributes of any tag."""

    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("src", "href", "srcset", "data", "action", "poster") and value:
                self.refs.append(value)


_EXTERNAL = re.compile(r"^\s*(https?:)?//", re.IGNORECASE)
_CSS_FETCH = re.compile(r"@import|url\(\s*['\"]?\s*(https?:)?//", re.IGNORECASE)


def assert_offline(html: str) -> None:
    """No tag references anything outside the file, no stylesheet imports or fetches a URL, and
    vis-network's code is in the page itself."""
    parser = _References()
    parser.feed(html)
    external = [ref for ref in parser.refs if _EXTERNAL.match(ref)]
    assert external == [], external
    assert "link" not in parser.tags, "a <link> would fetch a stylesheet"
    assert not re.search(r"<script[^>]*\bsrc\s*=", html, re.IGNORECASE)
    for css in re.findall(r"<style[^>]*>(.*?)</style>", html, re.DOTALL | re.IGNORECASE):
        assert not _CSS_FETCH.search(css)
    assert not re.search(r"cdn\.|cdnjs|jsdelivr|unpkg|bootstrap", html, re.IGNORECASE)


@pytest.mark.parametrize(
    ("kind", "refs"),
    [
        ("chain", ["集成电路"]),
        ("entity", ["有研集团"]),
        ("footprint", ["有研集团"]),
        ("explain", ["有研新材料", "天衢新区"]),
    ],
)
def test_every_page_is_self_contained_with_vis_network_inlined(dezhou: MemoryStore, kind: str, refs: list[str]) -> None:
    page = build_page(dezhou, kind, refs)
    assert_offline(page.html)
    assert "@version 9.1.2" in page.html and "new vis.Network(" in page.html  # the library itself, inline
    assert "div.vis-network" in page.html  # and its stylesheet
    parser = _References()
    parser.feed(page.html)
    assert parser.tags.count("script") == 2  # vis-network, then the page's own
    assert '<html lang="zh-CN">' in page.html and "图例 Legend" in page.html


def test_the_offline_check_catches_cdn_references() -> None:
    """The scan above is not vacuous: pyvis' own template would fail it."""
    with pytest.raises(AssertionError):
        assert_offline('<link href="https://cdn.jsdelivr.net/npm/bootstrap.css" rel="stylesheet">')
    with pytest.raises(AssertionError):
        assert_offline('<script src="//cdnjs.cloudflare.com/vis.js"></script>')
    with pytest.raises(AssertionError):
        assert_offline("<style>@import 'https://fonts.example/x.css';</style>")


def test_names_cannot_inject_markup_into_a_page() -> None:
    """A registry row named like a script stays text: escaped in HTML, \u003c-escaped in the data."""
    builder = GraphBuilder("entity", "<script>alert(1)</script>", what="x", narrow=[])
    builder.add_node("ent:x", "</script><script>alert(2)</script>", NodeKind.ENTERPRISE, "<b>t</b>", x=0, y=0)
    html = builder.page().html
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)" in html
    parser = _References()
    parser.feed(html)
    assert parser.tags.count("script") == 2


def test_error_page_names_what_to_narrow() -> None:
    html = error_html("无法生成页面", "too large", code="too_large", hints=["hops: fewer hops"])
    assert 'data-error="too_large"' in html and "<li>hops: fewer hops</li>" in html
    assert_offline(html)


def test_bar_chart_draws_one_labelled_bar_per_value() -> None:
    """The notebooks' plot: bars in proportion, values written the way the caller formats them."""
    from chainkg.schema.money import format_cny
    from chainkg.viz.charts import BarChart

    chart = BarChart("投资 <by project>", [("硅片", 6_200_000_000), ("靶材", 600_000_000)], fmt=format_cny)
    svg = chart._repr_svg_()
    widths = [float(w) for w in re.findall(r'<rect [^>]*width="([\d.]+)"', svg)]
    assert len(widths) == 2 and widths[0] == pytest.approx(widths[1] * 62 / 6, rel=1e-3)
    assert ">62亿元<" in svg and ">6亿元<" in svg and "&lt;by project&gt;" in svg
