"""Name normalisation and ids: every spelling of a name meets at one key."""

from __future__ import annotations

import pytest

from chainkg.schema.ids import credit_code_problem, enterprise_id, kind_of_id, node_id
from chainkg.schema.kinds import NodeKind
from chainkg.schema.normalize import clean_display, normalize_name, strip_pinyin_glosses


@pytest.mark.parametrize(
    ("variant", "canonical"),
    [
        ("有研亿金新材料（山东）有限公司", "有研亿金新材料(山东)有限公司"),  # full-width brackets
        ("有研億金新材料(山東)有限公司", "有研亿金新材料(山东)有限公司"),  # traditional
        (" 有研亿金 新材料(山东)\u3000有限公司 ", "有研亿金新材料(山东)有限公司"),  # spaces, ideographic space
        ("有研亿金\u200b新材料(山东)有限公司", "有研亿金新材料(山东)有限公司"),  # zero-width space
        ("日本ＲＳＴ株式会社", "日本rst株式会社"),  # full-width Latin, case-folded
        ("中國·德州", "中国·德州"),
        ("中国・德州", "中国·德州"),  # katakana middle dot
        ("運河經濟開發區", "运河经济开发区"),
    ],
)
def test_variants_share_one_key(variant: str, canonical: str) -> None:
    assert normalize_name(variant) == canonical


def test_display_keeps_brackets_but_simplifies() -> None:
    assert clean_display("有研億金新材料（山東）  有限公司") == "有研亿金新材料（山东） 有限公司"


def test_pinyin_glosses_removed() -> None:
    assert strip_pinyin_glosses("項(xiàng)目總投資(zī)12億元") == "項目總投資12億元"
    # ordinary parentheses after characters survive
    assert strip_pinyin_glosses("有研亿金新材料(山东)有限公司") == "有研亿金新材料(山东)有限公司"


def test_ids_stable_across_spellings() -> None:
    assert node_id(NodeKind.ENTERPRISE, "有研億金新材料（山東）有限公司") == node_id(
        NodeKind.ENTERPRISE, "有研亿金新材料(山东)有限公司"
    )
    assert node_id(NodeKind.SEGMENT, "硅片") == "seg:硅片"
    assert kind_of_id("seg:硅片") is NodeKind.SEGMENT


def test_blank_name_has_no_id() -> None:
    with pytest.raises(ValueError, match="non-empty"):
        node_id(NodeKind.PARK, " \u3000 ")


def test_malformed_id_is_explained() -> None:
    with pytest.raises(ValueError, match="<kind>:<name>"):
        kind_of_id("硅片")


def _with_check_digit(first17: str) -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    weights = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
    total = sum(alphabet.index(c) * w for c, w in zip(first17, weights, strict=True))
    return first17 + alphabet[(31 - total % 31) % 31]


def test_credit_code_check_digit() -> None:
    code = _with_check_digit("91371400MA3C12345")
    assert credit_code_problem(code) is None
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    assert "check digit" in (credit_code_problem(wrong) or "")
    assert "18 characters" in (credit_code_problem("12345") or "")
    assert "18 characters" in (credit_code_problem(code[:-1] + "I") or "")  # I is not in the alphabet


def test_enterprise_id_prefers_credit_code() -> None:
    code = _with_check_digit("91371400MA3C12345")
    assert enterprise_id("任意名称", code) == f"ent:{code}"
    assert enterprise_id("有研科技集团有限公司") == "ent:有研科技集团有限公司"
