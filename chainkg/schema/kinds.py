"""The vocabulary of the graph: every node label, edge type and categorical value.

These enums are the only place labels and relationship types are spelled. Cypher text, the networkx
store and the loaders all take them from here, so a label can never reach a query from user input.
Values are what is stored; the Chinese label (``.zh``) is what people read.
"""

from __future__ import annotations

from enum import StrEnum


class NodeKind(StrEnum):
    CHAIN = "Chain"
    SEGMENT = "Segment"
    ENTERPRISE = "Enterprise"
    PROJECT = "Project"
    PARK = "Park"
    REGION = "Region"
    CHAIN_OFFICE = "ChainOffice"
    SOURCE = "Source"
    POLICY = "Policy"
    PROJECT_EVENT = "ProjectEvent"

    @property
    def prefix(self) -> str:
        """Id prefix: short, readable in URLs and logs, distinct per kind."""
        return _NODE_PREFIX[self]

    @property
    def zh(self) -> str:
        return _NODE_ZH[self]


_NODE_PREFIX = {
    NodeKind.CHAIN: "chain",
    NodeKind.SEGMENT: "seg",
    NodeKind.ENTERPRISE: "ent",
    NodeKind.PROJECT: "proj",
    NodeKind.PARK: "park",
    NodeKind.REGION: "region",
    NodeKind.CHAIN_OFFICE: "office",
    NodeKind.SOURCE: "src",
    NodeKind.POLICY: "policy",
    NodeKind.PROJECT_EVENT: "event",
}
_NODE_ZH = {
    NodeKind.CHAIN: "产业链",
    NodeKind.SEGMENT: "环节",
    NodeKind.ENTERPRISE: "企业",
    NodeKind.PROJECT: "项目",
    NodeKind.PARK: "园区",
    NodeKind.REGION: "区域",
    NodeKind.CHAIN_OFFICE: "链长办公室",
    NodeKind.SOURCE: "来源",
    NodeKind.POLICY: "政策",
    NodeKind.PROJECT_EVENT: "项目动态",
}


class EdgeKind(StrEnum):
    SUBSIDIARY_OF = "SUBSIDIARY_OF"  # Enterprise → parent Enterprise (stake)
    INVESTS_IN = "INVESTS_IN"  # Enterprise → Project (role investor/builder, amount)
    LOCATED_IN = "LOCATED_IN"  # Enterprise/Project/Park → Park/Region
    IN_SEGMENT = "IN_SEGMENT"  # Enterprise/Project → Segment
    PART_OF = "PART_OF"  # Segment → Chain, Region → Region
    FEEDS = "FEEDS"  # Segment → downstream Segment
    LEADS = "LEADS"  # 链主 Enterprise → Chain
    OVERSEES = "OVERSEES"  # ChainOffice → Chain
    SUPPLIES = "SUPPLIES"  # supplier Enterprise → customer Enterprise (product)
    CITES = "CITES"  # any node → Source (evidence); edges carry their sources as a property
    EVENT_OF = "EVENT_OF"  # ProjectEvent → Project (a status change or an investment report)
    HANDLES = "HANDLES"  # ChainOffice → Project (the office following a lead up)
    COVERS = "COVERS"  # Policy → Chain/Segment (the industries its conditions name)
    APPLIES_IN = "APPLIES_IN"  # Policy → Region/Park (the places its conditions name)

    @property
    def zh(self) -> str:
        return _EDGE_ZH[self]


_EDGE_ZH = {
    EdgeKind.SUBSIDIARY_OF: "子公司",
    EdgeKind.INVESTS_IN: "投资",
    EdgeKind.LOCATED_IN: "位于",
    EdgeKind.IN_SEGMENT: "属于环节",
    EdgeKind.PART_OF: "隶属",
    EdgeKind.FEEDS: "供给",
    EdgeKind.LEADS: "链主",
    EdgeKind.OVERSEES: "主管",
    EdgeKind.SUPPLIES: "供货",
    EdgeKind.CITES: "来源",
    EdgeKind.EVENT_OF: "项目动态",
    EdgeKind.HANDLES: "跟进",
    EdgeKind.COVERS: "适用产业",
    EdgeKind.APPLIES_IN: "适用地区",
}

#: Which node kinds each edge kind may join: (allowed sources, allowed targets).
EDGE_ENDPOINTS: dict[EdgeKind, tuple[frozenset[NodeKind], frozenset[NodeKind]]] = {
    EdgeKind.SUBSIDIARY_OF: (frozenset({NodeKind.ENTERPRISE}), frozenset({NodeKind.ENTERPRISE})),
    EdgeKind.INVESTS_IN: (frozenset({NodeKind.ENTERPRISE}), frozenset({NodeKind.PROJECT})),
    EdgeKind.LOCATED_IN: (
        frozenset({NodeKind.ENTERPRISE, NodeKind.PROJECT, NodeKind.PARK}),
        frozenset({NodeKind.PARK, NodeKind.REGION}),
    ),
    EdgeKind.IN_SEGMENT: (
        frozenset({NodeKind.ENTERPRISE, NodeKind.PROJECT}),
        frozenset({NodeKind.SEGMENT}),
    ),
    EdgeKind.PART_OF: (
        frozenset({NodeKind.SEGMENT, NodeKind.REGION}),
        frozenset({NodeKind.CHAIN, NodeKind.REGION}),
    ),
    EdgeKind.FEEDS: (frozenset({NodeKind.SEGMENT}), frozenset({NodeKind.SEGMENT})),
    EdgeKind.LEADS: (frozenset({NodeKind.ENTERPRISE}), frozenset({NodeKind.CHAIN})),
    EdgeKind.OVERSEES: (frozenset({NodeKind.CHAIN_OFFICE}), frozenset({NodeKind.CHAIN})),
    EdgeKind.SUPPLIES: (frozenset({NodeKind.ENTERPRISE}), frozenset({NodeKind.ENTERPRISE})),
    EdgeKind.CITES: (frozenset(set(NodeKind) - {NodeKind.SOURCE}), frozenset({NodeKind.SOURCE})),
    EdgeKind.EVENT_OF: (frozenset({NodeKind.PROJECT_EVENT}), frozenset({NodeKind.PROJECT})),
    EdgeKind.HANDLES: (frozenset({NodeKind.CHAIN_OFFICE}), frozenset({NodeKind.PROJECT})),
    EdgeKind.COVERS: (frozenset({NodeKind.POLICY}), frozenset({NodeKind.CHAIN, NodeKind.SEGMENT})),
    EdgeKind.APPLIES_IN: (frozenset({NodeKind.POLICY}), frozenset({NodeKind.REGION, NodeKind.PARK})),
}


class StoreLabel(StrEnum):
    """Labels the Neo4j store adds of its own; a node's kind is always its :class:`NodeKind` label.

    ``ENTITY`` sits on every graph node beside its kind label, so one uniqueness constraint and one
    index find any node by id without knowing its kind (entity detail, edge endpoints).
    ``META`` marks the store's single bookkeeping node (the manifest of loaded inputs); it carries
    no ``ENTITY`` label, so it never appears in a query, a count or a search.
    """

    ENTITY = "Entity"
    META = "ChainkgMeta"


class Stage(StrEnum):
    """Position of a segment in its chain."""

    UPSTREAM = "上游"
    MIDSTREAM = "中游"
    DOWNSTREAM = "下游"

    @property
    def order(self) -> int:
        return {Stage.UPSTREAM: 0, Stage.MIDSTREAM: 1, Stage.DOWNSTREAM: 2}[self]


class EnterpriseKind(StrEnum):
    CENTRAL_SOE_GROUP = "central_soe_group"  # 央企集团 (SASAC-owned group)
    SOE = "soe"  # 国有企业 (incl. subsidiaries of central SOE groups)
    LOCAL_SOE = "local_soe"  # 地方国企
    PRIVATE = "private"  # 民营企业
    FOREIGN = "foreign"  # 外资企业
    JOINT_VENTURE = "joint_venture"  # 合资企业
    LISTED = "listed"  # 上市公司 (when ownership is not known better)
    INSTITUTION = "institution"  # 事业单位、高校、科研院所
    OTHER = "other"

    @property
    def zh(self) -> str:
        return {
            "central_soe_group": "央企集团",
            "soe": "国有企业",
            "local_soe": "地方国企",
            "private": "民营企业",
            "foreign": "外资企业",
            "joint_venture": "合资企业",
            "listed": "上市公司",
            "institution": "事业单位/科研院所",
            "other": "其他",
        }[self.value]


class Exchange(StrEnum):
    """Where an enterprise's shares are listed (its ``stock_code`` is that exchange's code)."""

    SSE = "SSE"  # 上海证券交易所
    SZSE = "SZSE"  # 深圳证券交易所
    BSE = "BSE"  # 北京证券交易所
    HKEX = "HKEX"  # 香港交易所
    NYSE = "NYSE"
    NASDAQ = "NASDAQ"
    OTHER = "other"

    @property
    def a_share(self) -> bool:
        """A mainland exchange, whose six-digit codes the A-share export lists."""
        return self in (Exchange.SSE, Exchange.SZSE, Exchange.BSE)


class SegmentBasis(StrEnum):
    """How an enterprise was placed in a segment (an IN_SEGMENT edge's ``basis``), sharpest first."""

    CURATED = "curated"  # a curated dataset names it in the segment (data/national, data/dezhou)
    NAME = "name"  # its name contains a product or segment keyword (data/mappings/product_segments.yaml)
    INDUSTRY = "industry"  # its Shenwan industry maps to the segment (data/mappings/shenwan_segments.yaml)


class ProjectStatus(StrEnum):
    """The investment-promotion pipeline, in order: 线索 → 洽谈 → 签约 → 开工 → 在建 → 投产, or 终止.

    终止 (terminated, with a reason) ends a project at whatever stage it had reached; it sorts last so
    that "the furthest stage reached" of a terminated project is 终止.
    """

    LEAD = "线索"
    NEGOTIATING = "洽谈"
    SIGNED = "签约"
    STARTED = "开工"
    UNDER_CONSTRUCTION = "在建"
    IN_PRODUCTION = "投产"
    TERMINATED = "终止"

    @property
    def order(self) -> int:
        return list(ProjectStatus).index(self)

    @property
    def active(self) -> bool:
        """Signed or later and not terminated: the project is committed to the place (a lead or a
        negotiation is not yet, a terminated project no longer)."""
        return self not in (ProjectStatus.LEAD, ProjectStatus.NEGOTIATING, ProjectStatus.TERMINATED)

    @property
    def date_field(self) -> str:
        """The Project property holding the date this status was reached."""
        return {
            "线索": "lead_date",
            "洽谈": "negotiation_date",
            "签约": "signed_date",
            "开工": "start_date",
            "在建": "construction_date",
            "投产": "production_date",
            "终止": "terminated_date",
        }[self.value]


class EventKind(StrEnum):
    """What a :class:`ProjectEvent` records."""

    STATUS = "status"  # the project reached a status (线索 … 投产, 终止)
    INVESTMENT = "investment"  # actual (到位资金) and planned investment of one period

    @property
    def zh(self) -> str:
        return {"status": "状态变化", "investment": "投资进度"}[self.value]


class InvestRole(StrEnum):
    INVESTOR = "investor"  # 出资方
    BUILDER = "builder"  # 建设/实施主体


class Currency(StrEnum):
    CNY = "CNY"
    USD = "USD"
    EUR = "EUR"
    JPY = "JPY"
    HKD = "HKD"


class RegionLevel(StrEnum):
    COUNTRY = "country"
    PROVINCE = "province"
    CITY = "city"  # 地级市 / 直辖市
    DISTRICT = "district"  # 市辖区
    COUNTY = "county"  # 县
    COUNTY_CITY = "county_city"  # 县级市
    FUNCTIONAL_ZONE = "functional_zone"  # 功能区 (新区、开发区 run as a district)
    TOWN = "town"  # 乡镇/街道

    @property
    def rank(self) -> int:
        """Coarser levels first; a region may only be PART_OF a region of lower rank."""
        return {
            "country": 0,
            "province": 1,
            "city": 2,
            "district": 3,
            "county": 3,
            "county_city": 3,
            "functional_zone": 3,
            "town": 4,
        }[self.value]


class ParkLevel(StrEnum):
    NATIONAL = "national"  # 国家级
    PROVINCIAL = "provincial"  # 省级
    MUNICIPAL = "municipal"  # 市级
    COUNTY = "county"  # 县级
    BASE = "base"  # 产业基地/专业园 inside a larger zone
    UNRATED = "unrated"


class Certainty(StrEnum):
    """How directly the cited sources support a fact."""

    STATED = "stated"  # the source says it
    INFERRED = "inferred"  # follows from what the source says plus common knowledge (explained in evidence)
