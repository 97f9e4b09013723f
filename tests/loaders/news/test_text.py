"""Reading articles: encodings, HTML and plain layouts, navigation junk, garbled conversions, bad files."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chainkg.loaders.news.text import ArticleError, normalize_text, parse_article, read_article
from tests.conftest import SEEDS

EVAL = Path(__file__).resolve().parents[3] / "benchmarks" / "extraction_eval"

PLAIN = """首页 > 新闻中心 > 县域经济
登录 | 注册 | 手机版

夏津县举行重点项目集中签约仪式

发布时间:2024-03-22 09:15  来源:夏津县融媒体中心

3月21日上午,夏津县重点项目集中签约仪式举行,现场签约项目6个,计划总投资28亿元。
其中,山东示例纺织有限公司投资5亿元建设高端面料项目,项目选址夏津经济开发区。

责任编辑:张三
相关阅读
· 夏津县召开全县大会,总投资100亿元
版权所有 夏津县融媒体中心  鲁ICP备12345678号
"""

HTML = """<html><head><meta charset="utf-8"><title>示例标题_某某新闻网</title>
<script>var x = "脚本里的总投资99亿元";</script><style>.a{}</style></head><body>
<nav><a>首页</a><a>新闻</a></nav>
<div class="breadcrumb">首页 &gt; 新闻</div>
<div class="content"><h1>庆云县新材料项目开工</h1>
<p>2023-05-06 来源:庆云县融媒体中心</p>
<p>5月5日,总投资3亿元的新材料项目在庆云经济开发区开工建设,项目由山东示例化工有限公司投资。</p>
</div>
<div class="related"><ul><li>另一条新闻:签约项目9个,总投资57.3亿元</li></ul></div>
<footer>Copyright &copy; 2023 某某新闻网</footer></body></html>"""


def test_plain_text_keeps_the_body_and_drops_menus_and_related_links() -> None:
    article = parse_article(PLAIN.encode("utf-8"), "a.txt")
    assert article.title == "夏津县举行重点项目集中签约仪式"
    assert (article.date, article.publisher) == ("2024-03-22", "夏津县融媒体中心")
    assert article.paragraphs[0].startswith("3月21日上午")
    assert len(article.paragraphs) == 2  # 责任编辑 ends the article; menus, related links, copyright are gone
    assert "100亿元" not in article.body and "登录" not in article.body


def test_html_drops_scripts_navigation_and_related_blocks() -> None:
    article = parse_article(HTML.encode("utf-8"), "page.html")
    assert article.layout == "html"
    assert article.title == "庆云县新材料项目开工"  # h1, not the <title> with the site name
    assert (article.date, article.publisher) == ("2023-05-06", "庆云县融媒体中心")
    assert article.paragraphs == (
        "5月5日,总投资3亿元的新材料项目在庆云经济开发区开工建设,项目由山东示例化工有限公司投资。",
    )


def test_html_is_recognised_without_the_suffix() -> None:
    assert parse_article(HTML.encode("utf-8"), "saved-page").layout == "html"


@pytest.mark.parametrize(
    ("encoding", "detected"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gbk", "gbk"), ("gb18030", "gbk"), ("big5", "big5")],
)  # GB18030 text without four-byte characters is GBK, byte for byte
def test_every_common_encoding_reads_to_the_same_simplified_body(encoding: str, detected: str) -> None:
    traditional = (
        "臺資企業加碼德州\n來源:魯台經貿網 2023-09-14\n"
        "齊河縣與宏琦精工股份有限公司簽署投資協議,投資1.2億美元建設數控機床項目。\n"
    )
    article = parse_article(traditional.encode(encoding), "a.txt")
    assert article.encoding == detected
    assert article.paragraphs == ("齐河县与宏琦精工股份有限公司签署投资协议,投资1.2亿美元建设数控机床项目。",)


def test_the_same_article_in_two_encodings_is_one_source() -> None:
    assert parse_article(PLAIN.encode("utf-8"), "a.txt").key == parse_article(PLAIN.encode("gbk"), "b.txt").key


def test_a_declared_charset_is_honoured() -> None:
    page = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=big5"></head><body>'
        "<h1>慶雲縣新材料項目開工</h1><p>5月5日,總投資3億元的新材料項目在慶雲經濟開發區開工建設。</p></body></html>"
    )
    article = parse_article(page.encode("big5"), "p.html")
    assert article.encoding == "big5" and article.title == "庆云县新材料项目开工"


def test_pinyin_glosses_are_removed() -> None:
    assert normalize_text("項(xiàng)目落戶(hù)開發(fā)區(qū)", glossed=True) == "项目落户开发区"
    # a toned gloss is removed even after a character that is no longer Chinese
    assert normalize_text("A(xiàng)B") == "AB"
    # an ASCII abbreviation after Chinese is not a gloss outside glossed articles
    assert normalize_text("集成电路(IC)产业") == "集成电路(IC)产业"


def test_mojibake_runs_become_a_break_not_garbage() -> None:
    text = normalize_text("注入了生機(jī)和活力?!拔覅^(qū)作為中心城區(qū)", glossed=True)
    assert text == "注入了生机和活力 作为中心城区"
    assert normalize_text("客商来得放心?我市提供服务") == "客商来得放心?我市提供服务"  # a real question mark stays


def test_full_width_forms_become_half_width() -> None:
    assert normalize_text("总投资１８亿元，（山东）") == "总投资18亿元,(山东)"


def test_a_line_broken_mid_sentence_is_joined() -> None:
    text = "标题行\n5月25日,全市招商引资项目集中签约暨开工活动在陵城区举行。现场集中\n签约项目9个,总投资57.3亿元。\n"
    article = parse_article(text.encode("utf-8"), "a.txt")
    assert article.paragraphs == (
        "5月25日,全市招商引资项目集中签约暨开工活动在陵城区举行。现场集中签约项目9个,总投资57.3亿元。",
    )


def test_a_list_with_one_item_per_line_keeps_its_lines() -> None:
    """Short lines without a clause mark, two or more together, are a list's items (and its heading), not a
    sentence the layout broke; the prose after the list starts a paragraph of its own."""
    text = (
        "标题行\n3月30日,我区举行重大项目集中开工活动,此次集中开工项目294个……\n部分重大开工项目一览\n"
        "电科云(桂林)国际大数据发展中心\n北流市新世纪教育城项目\n平果500万吨再生铝循环经济产业园\n"
        "这批项目涉及产业转型升级、基础设施多个领域。\n"
    )
    assert parse_article(text.encode("utf-8"), "a.txt").paragraphs == (
        "3月30日,我区举行重大项目集中开工活动,此次集中开工项目294个......",
        "部分重大开工项目一览",
        "电科云(桂林)国际大数据发展中心",
        "北流市新世纪教育城项目",
        "平果500万吨再生铝循环经济产业园",
        "这批项目涉及产业转型升级、基础设施多个领域。",
    )


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"   \n\t\n", "empty"),
        (b"\x00\x01\x02binary\x00data", "binary"),
        (b"%PDF-1.7\n%\xe2\xe3", "PDF"),
        (b"\x89PNG\r\n\x1a\n", "image"),
        (b"PK\x03\x04docx", "zip"),
        (b"\x80\x80\x80 abc", "not in UTF-8, GBK, GB18030 or Big5"),
        ("首页 | 新闻 | 联系我们\n版权所有\n".encode(), "no article text"),
    ],
)
def test_unreadable_files_say_why(data: bytes, reason: str) -> None:
    with pytest.raises(ArticleError, match=reason):
        parse_article(data, "bad.txt")


def test_a_missing_file_is_an_article_error(tmp_path: Path) -> None:
    with pytest.raises(ArticleError, match="cannot read the file"):
        read_article(tmp_path / "missing.txt")


@given(st.text(max_size=200))
def test_normalising_never_fails_and_leaves_no_private_use_characters(text: str) -> None:
    out = normalize_text(text)
    assert isinstance(out, str)
    assert not any("\ue000" <= c <= "\uf8ff" for c in out)


def test_evaluation_articles_in_big5_and_gbk_are_detected() -> None:
    assert read_article(EVAL / "heldout" / "h11_youyan_big5.txt").encoding == "big5"
    assert read_article(EVAL / "heldout" / "h14_laoling_gbk.txt").encoding == "gbk"


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed articles are not in this checkout")
def test_seed_002_garbled_conversion_reads_as_simplified_chinese() -> None:
    article = read_article(SEEDS / "002_85ff54eba2222c35.txt")
    assert article.title == "发挥优势 做强产业 强力推进招商引资新突破"
    assert "(xiàng)" not in article.body and "项目" in article.body
    assert "Flash Player" not in article.body and "当前位置" not in article.body
    assert "覅" not in article.body  # the mojibake run is gone
    assert any("pinyin" in note for note in article.notes)


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed articles are not in this checkout")
def test_seed_000_title_date_and_publisher() -> None:
    article = read_article(SEEDS / "000_69140ecd7f98e299.txt")
    assert (article.title, article.date, article.publisher) == (
        "德州:“抢”来3家央企 壮大新兴产业",
        "2019-05-15",
        "德州新闻网",
    )
    assert "城市要览" not in article.body and "编辑" not in article.body
