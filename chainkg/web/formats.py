"""How values read on the pages: amounts in 亿元/万元, shares in %, Chinese labels for the schema's values."""

from __future__ import annotations

from chainkg.schema.kinds import EnterpriseKind, NodeKind, ParkLevel, RegionLevel
from chainkg.schema.money import format_cny

__all__ = [
    "LABELS",
    "STATUS_CSS",
    "certainty_zh",
    "cny",
    "enterprise_kind_zh",
    "kind_zh",
    "level_zh",
    "pct",
    "wan",
]

_LEVELS = {
    ParkLevel.NATIONAL.value: "国家级",
    ParkLevel.PROVINCIAL.value: "省级",
    ParkLevel.MUNICIPAL.value: "市级",
    ParkLevel.COUNTY.value: "县级",
    ParkLevel.BASE.value: "产业基地",
    ParkLevel.UNRATED.value: "未定级",
    RegionLevel.COUNTRY.value: "国家",
    RegionLevel.PROVINCE.value: "省",
    RegionLevel.CITY.value: "地级市",
    RegionLevel.DISTRICT.value: "市辖区",
    RegionLevel.COUNTY_CITY.value: "县级市",
    RegionLevel.FUNCTIONAL_ZONE.value: "功能区",
    RegionLevel.TOWN.value: "乡镇/街道",
}
_CERTAINTY = {"stated": "明确", "inferred": "推断"}
#: CSS class of each project status (the colours of the status chips and bars).
STATUS_CSS = {
    "线索": "s-lead",
    "洽谈": "s-talk",
    "签约": "s-signed",
    "开工": "s-started",
    "在建": "s-building",
    "投产": "s-producing",
    "终止": "s-ended",
}


def cny(amount: int | None) -> str:
    """An amount in 元 as reports write it (62亿元, 5000万元); — when unknown."""
    return format_cny(amount)


def wan(amount: int | None) -> float | None:
    """An amount in 元 as a number of 万元 (what a spreadsheet column holds)."""
    return None if amount is None else round(amount / 10_000, 2)


def pct(value: float | None, digits: int = 0) -> str:
    return "—" if value is None else f"{value * 100:.{digits}f}%"


def level_zh(value: str | None) -> str:
    if value is None:
        return "—"
    if value == ParkLevel.COUNTY.value:
        return "县级"
    return _LEVELS.get(value, value)


def enterprise_kind_zh(value: str | None) -> str:
    if value is None:
        return "—"
    try:
        return EnterpriseKind(value).zh
    except ValueError:
        return value


def kind_zh(value: str | NodeKind) -> str:
    try:
        return NodeKind(value).zh
    except ValueError:
        return str(value)


def certainty_zh(value: str | None) -> str:
    return _CERTAINTY.get(value or "stated", value or "")


#: Properties shown on a card, in this order, with their labels (others are listed after, by key).
LABELS = {
    "enterprise_kind": "企业类型",
    "credit_code": "统一社会信用代码",
    "stock_code": "股票代码",
    "registered_capital": "注册资本",
    "established": "成立/设立",
    "home_region": "总部所在地",
    "status": "当前状态",
    "status_as_of": "状态来源日期",
    "total_investment": "总投资",
    "currency": "币种",
    "lead_date": "线索日期",
    "negotiation_date": "洽谈日期",
    "signed_date": "签约日期",
    "start_date": "开工日期",
    "construction_date": "在建日期",
    "production_date": "投产日期",
    "terminated_date": "终止日期",
    "termination_reason": "终止原因",
    "next_action": "下一步跟进",
    "next_action_due": "跟进截止",
    "planned_production_date": "计划投产",
    "capacity": "产能/规模",
    "area": "面积",
    "planned_investment": "规划投资",
    "level": "级别",
    "stage": "阶段",
    "english": "英文名",
    "cluster": "所属集群",
    "basis": "依据",
    "publisher": "发布方",
    "date": "日期",
    "url": "网址",
    "file": "文件",
    "authority": "来源权威度",
    "description": "简介",
    "issuer": "发文机关",
    "document_number": "文号",
    "effective_from": "施行日期",
    "effective_to": "有效期至",
    "subject": "适用对象",
    "computable": "条款可计算",
    "summary": "条款摘要",
    "project": "项目",
    "event": "记录类型",
    "known_from": "首次见于",
    "reason": "原因",
    "period": "期间",
    "actual_investment": "实际投资（到位资金）",
}
