"""The alias table: which column headers of a registry export mean which enterprise field.

Exports from 国家企业信用信息公示系统, 企查查/天眼查, internal spreadsheets and English tools name the
same column differently. A header matches a field when, after :func:`chainkg.schema.normalize.normalize_name`
and with a unit in brackets set aside, it equals one of the field's aliases below (so traditional
characters, full-width brackets and spaces do not matter). A unit in brackets is read, not thrown
away: ``注册资本(万元)`` means every value in the column is in 万元.

Columns that match no field are reported once (row 1) and ignored.

=================  ==============================================================================
field              aliases
=================  ==============================================================================
name (required)    企业名称, 公司名称, 名称, 单位名称, 企业全称, name, company, company_name, enterprise
credit_code        统一社会信用代码, 社会信用代码, 信用代码, 统一代码, credit_code, uscc, usci
aliases            简称, 企业简称, 公司简称, 别名, 曾用名, short_name, alias, aliases
registered_capital 注册资本, 注册资金, registered_capital, capital
segment            所属行业, 行业, 所属环节, 产业环节, 环节, 主营产品, 细分行业, segment, industry
chain              所属产业链, 产业链, chain
region             地址, 注册地址, 住所, 所在地, 所在地区, 所在区县, 区域, 地区, region, address
park               所在园区, 园区, 入驻园区, park
parent             母公司, 上级公司, 控股股东, 集团, 所属集团, parent, parent_company, group
stake_pct          持股比例, 控股比例, 股比, stake, stake_pct
kind               企业类型, 企业性质, 类型, 所有制, kind, type, ownership
established        成立日期, 成立时间, 注册日期, established, founded
stock_code         股票代码, 证券代码, stock_code, ticker
leader             链主, 是否链主, 链主企业, leader, chain_leader
=================  ==============================================================================
"""

from __future__ import annotations

import re

from chainkg.schema.normalize import normalize_name

__all__ = ["FIELDS", "HEADER_ALIASES", "match_header"]

HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("企业名称", "公司名称", "名称", "单位名称", "企业全称", "name", "company", "company_name", "enterprise"),
    "credit_code": ("统一社会信用代码", "社会信用代码", "信用代码", "统一代码", "credit_code", "uscc", "usci"),
    "aliases": ("简称", "企业简称", "公司简称", "别名", "曾用名", "short_name", "alias", "aliases"),
    "registered_capital": ("注册资本", "注册资金", "registered_capital", "capital"),
    "segment": ("所属行业", "行业", "所属环节", "产业环节", "环节", "主营产品", "细分行业", "segment", "industry"),
    "chain": ("所属产业链", "产业链", "chain"),
    "region": ("地址", "注册地址", "住所", "所在地", "所在地区", "所在区县", "区域", "地区", "region", "address"),
    "park": ("所在园区", "园区", "入驻园区", "park"),
    "parent": ("母公司", "上级公司", "控股股东", "集团", "所属集团", "parent", "parent_company", "group"),
    "stake_pct": ("持股比例", "控股比例", "股比", "stake", "stake_pct"),
    "kind": ("企业类型", "企业性质", "类型", "所有制", "kind", "type", "ownership"),
    "established": ("成立日期", "成立时间", "注册日期", "established", "founded"),
    "stock_code": ("股票代码", "证券代码", "stock_code", "ticker"),
    "leader": ("链主", "是否链主", "链主企业", "leader", "chain_leader"),
}
FIELDS = tuple(HEADER_ALIASES)

_SEPARATORS = re.compile(r"[_\-./]")


def _key(text: str) -> str:
    """Headers compare without case, width, script, spaces or separators: Company_Name = company name."""
    return _SEPARATORS.sub("", normalize_name(text))


_LOOKUP = {_key(alias): field for field, aliases in HEADER_ALIASES.items() for alias in aliases}
_UNIT = re.compile(r"\(([^()]*)\)$")


def match_header(header: str) -> tuple[str | None, str | None]:
    """(field, unit) for a column header; field is None for a column chainkg does not read.

    >>> match_header("注册资本（萬元）")
    ('registered_capital', '万元')
    """
    key = normalize_name(header)
    unit = None
    found = _UNIT.search(key)
    if found:
        unit = found.group(1)
        key = key[: found.start()]
    return _LOOKUP.get(_key(key)), unit
