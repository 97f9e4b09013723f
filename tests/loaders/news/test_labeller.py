"""The learned labeller of project names: its parts, its shipped model and how it meets the rules."""

from __future__ import annotations

import hashlib
import json

import pytest
import yaml

from benchmarks.extraction import EVAL, seeds_dir
from chainkg.loaders.news.extract import extract
from chainkg.loaders.news.labeller import (
    MODEL,
    MODEL_INFO,
    RuleName,
    coordinated,
    features,
    label,
    listed_lines,
    mark,
    matches,
    same_project,
    sibling_items,
    spans,
    typed_items,
)
from chainkg.loaders.news.learned import LEARNED_CALIBRATION, learned_confidence, relabel
from chainkg.loaders.news.mentions import Gazetteer
from chainkg.loaders.news.text import parse_article
from chainkg.schema.money import parse_amount
from chainkg.store.memory import MemoryStore


def test_gold_names_become_labels_without_their_project_word() -> None:
    sentence = "总投资6亿元的甘肃武威创业孵化园项目,和武威创业孵化园二期开工。"
    tags = mark(sentence, [["甘肃武威创业孵化园项目", "武威创业孵化园"]])
    assert [sentence[a:b] for a, b in spans(tags)] == ["甘肃武威创业孵化园", "武威创业孵化园"]
    assert tags[sentence.index("项目")] == "O"  # 项目 is left outside the name


def test_a_name_matches_by_the_evaluation_rule() -> None:
    assert matches("武威宏伟物流中心建设项目", ["武威宏伟物流中心建设"])
    assert matches("宏伟物流中心", ["武威宏伟物流中心建设项目"])  # contained, four characters or more
    assert not matches("物流中心", ["武威物流"])


def test_the_rules_are_features_of_the_characters_they_name() -> None:
    sentence = "签约A公司光伏项目"
    xseq = features(sentence, mark(sentence, [["A公司光伏项目"]]), {2})
    assert "r=B" in xseq[2] and "r_priced" in xseq[2] and "r=O" in xseq[0]
    assert not any(f.startswith("r=") for f in features(sentence, None, set())[2])


def test_the_shipped_model_was_trained_on_the_development_material_as_it_is() -> None:
    """A gold edit after training would leave a model fitted to other labels: retrain
    (``benchmarks/extraction_crf.py train``) when a development passage or its gold changes."""
    info = json.loads(MODEL_INFO.read_text(encoding="utf-8"))
    for name, digest in info["data_sha256"].items():
        path = seeds_dir() / name.removeprefix("seeds/") if name.startswith("seeds/") else EVAL / name
        if path.exists():  # the seed articles are read from the workplace's shared/seeds
            assert hashlib.sha256(path.read_bytes()).hexdigest() == digest, name
    from benchmarks.extraction_crf import NEVER_TRAINED

    trained = {name.rsplit("/", 1)[0] for name in info["data_sha256"] if not name.startswith("seeds/")}
    assert not trained & set(NEVER_TRAINED)  # never trained on
    assert trained == {"dev", "real/dev", "real/test", *_read_halves(NEVER_TRAINED)}  # every gathering read so far
    assert MODEL.stat().st_size < 5_000_000


def _halves() -> list[str]:
    """``real/test2`` … ``real/testN``: every numbered half of the split, in N's order."""
    split = yaml.safe_load((EVAL / "real" / "split.yaml").read_text(encoding="utf-8"))
    numbered = sorted(int(k[4:]) for k in split if k.startswith("test") and k[4:].isdigit())
    return [f"real/test{n}" for n in numbered]


def _read_halves(never_trained: tuple[str, ...]) -> list[str]:
    return [half for half in _halves() if half not in never_trained]


def test_the_labeller_is_trained_and_left_out_only_on_the_development_gatherings() -> None:
    """Training and leave-one-round-out read the folders named in their table, never the written held-out set
    nor a fresh half (scored by the lead at merge, read from the next round on; its folder need not exist here: a
    half of the split that is neither read nor fresh fails the folders' equality)."""
    from benchmarks.extraction_crf import GROUPS, NEVER_TRAINED, ROUNDS, UNSEEN_RULES, load

    folders = {folder for folder, _ in GROUPS.values()}
    assert folders == {"dev", "real/dev", "real/test", *_read_halves(NEVER_TRAINED)}
    assert set(UNSEEN_RULES) == set(GROUPS)  # each gathering compared with the rules that had not seen it
    for folder in folders - {"dev"}:  # every passage of a read folder is in one of its gatherings
        prefixes = tuple(p for f, group in GROUPS.values() if f == folder for p in group)
        gold = yaml.safe_load((EVAL / folder / "gold.yaml").read_text(encoding="utf-8"))
        assert all(key.startswith(prefixes) for key in gold), folder
    read = len(_read_halves(NEVER_TRAINED))
    assert ("dev1", "dev2", "test1", *(f"test{n}" for n in range(2, read + 2))) == ROUNDS and read >= 27
    fresh = [folder for folder in NEVER_TRAINED if folder != "heldout"]
    assert "heldout" in NEVER_TRAINED and fresh and all(f.startswith("real/test") for f in fresh)
    for folder in NEVER_TRAINED:
        with pytest.raises(ValueError, match="never read as development material"):
            load({"fresh": (folder, ("",))})  # refused before anything is read (the folder need not exist)


def test_confidence_rises_with_the_labellers_probability() -> None:
    shares = [share for _, share in LEARNED_CALIBRATION]
    assert shares == sorted(shares)
    assert learned_confidence(0.99) == shares[-1] and learned_confidence(0.0) == shares[0]


def test_the_labeller_reads_names_of_an_amount_first_list_with_their_companies(dezhou: MemoryStore) -> None:
    text = "此次集中开工的项目分别是总投资6亿元的甲乙公司创业孵化园项目,总投资5亿元的丙丁公司商业综合体项目。"
    article = parse_article(f"开工\n{text}\n".encode(), "a.txt")
    projects = extract(article, Gazetteer.from_store(dezhou)).projects
    assert projects[0].aliases[-1] == "甲乙公司创业孵化园"  # the labeller's span, with the company
    assert projects[0].amount == parse_amount("6亿元")
    # the extractor's projects take the amounts aligned by position on the labeller's spans (the rules gave the
    # second none): with a model that names both
    facts = extract(article, Gazetteer.from_store(dezhou), learned=False)
    relabel(facts, article.paragraphs, Oracle("甲乙公司创业孵化园", "丙丁公司商业综合体"))
    assert [(p.amount, p.amount_text) for p in facts.projects] == [
        (parse_amount("6亿元"), "6亿元"),
        (parse_amount("5亿元"), "5亿元"),
    ]


def test_a_project_the_labeller_names_keeps_what_the_rules_found_with_it(dezhou: MemoryStore) -> None:
    article = parse_article(
        "德州签约\n5月8日,德州市与华鲁集团签约,总投资12亿元的华鲁集团年产10万吨新材料项目正式签约落户。\n".encode(),
        "a.txt",
    )
    gazetteer = Gazetteer.from_store(dezhou)
    rules = extract(article, gazetteer, learned=False).projects
    learned = extract(article, gazetteer).projects
    assert len(rules) == len(learned) == 1
    assert learned[0].amount == rules[0].amount == parse_amount("12亿元")
    assert learned[0].status == rules[0].status and learned[0].investors == rules[0].investors
    assert learned[0].name == rules[0].name


def test_rule_projects_the_labeller_does_not_name_are_dropped() -> None:
    class Silent:
        """A model that labels nothing: every character O."""

        def tag(self, xseq: list[list[str]]) -> list[str]:
            return ["O"] * len(xseq)

        def marginal(self, y: str, t: int) -> float:
            return 1.0

    assert label(["签约A公司光伏项目。"], [RuleName(("A公司光伏项目",))], Silent()) == []


class Oracle:
    """A model that labels the given names wherever they stand (the sentence read back from its features)."""

    def __init__(self, *names: str) -> None:
        self.names = [[n] for n in names]

    def tag(self, xseq: list[list[str]]) -> list[str]:
        sentence = "".join(next(f[2:] for f in x if f.startswith("c=")) for x in xseq)
        return mark(sentence, self.names)

    def marginal(self, y: str, t: int) -> float:
        return 1.0


def test_an_amount_written_right_before_a_name_is_that_names_whatever_the_rules_gave() -> None:
    """总投资X亿元的<company><name>, item after item: the rules cut each name after its company and gave it the
    amount after it (off by one); the amount before the labelled span is aligned by position."""
    text = "分别是总投资6亿元的甲公司孵化园项目,总投资5亿元的乙公司综合体项目,总投资3亿元的丙公司生产线项目。"
    shifted = [
        RuleName(("孵化园项目",), parse_amount("6亿元")),
        RuleName(("综合体项目",), parse_amount("3亿元")),
        RuleName(("生产线项目",), None),
    ]
    found = label([text], shifted, Oracle("甲公司孵化园", "乙公司综合体", "丙公司生产线"))
    assert [f.amount for f in found] == [parse_amount(x) for x in ("6亿元", "5亿元", "3亿元")]
    listed = "引进总投资25亿元的甲公司孵化园、总投资22亿元的乙公司综合体等项目。"  # a list's items priced one by one
    found = label([listed], [], Oracle("甲公司孵化园", "乙公司综合体"))
    assert [f.amount for f in found] == [parse_amount("25亿元"), parse_amount("22亿元")]
    bare = "签约总投资45亿元的甲公司孵化园、22亿元的乙公司综合体等项目。"  # the list's later items, prices bare
    found = label([bare], [], Oracle("甲公司孵化园", "乙公司综合体"))
    assert [f.amount for f in found] == [parse_amount("45亿元"), parse_amount("22亿元")]
    after = "佛山联信5G科技城项目总投资4.06亿元,建设企业总部;成都五环快速路、总投资322亿元,年内开工。"
    unpriced = [RuleName(("佛山联信5G科技城项目",)), RuleName(("成都五环快速路",))]
    found = label([after], unpriced, Oracle("佛山联信5G科技城", "成都五环快速路"))
    assert [f.amount for f in found] == [parse_amount("4.06亿元"), parse_amount("322亿元")]  # only a label between


def test_a_project_named_twice_with_words_left_out_is_one() -> None:
    assert same_project("哈尔滨冷链物流中心", "哈尔滨大连港冷链物流中心")
    assert same_project("光科检测项目", "光科第三方检测项目")
    assert not same_project("武威一期项目", "武威二期项目") and not same_project("光伏项目", "风电项目")
    text = ["哈尔滨大连港冷链物流中心开工。", "哈尔滨冷链物流中心总投资23亿元。"]
    assert [f.name for f in label(text, [], Oracle("哈尔滨大连港冷链物流中心", "哈尔滨冷链物流中心"))] == [
        "哈尔滨大连港冷链物流中心"
    ]


def test_the_lines_of_a_list_with_one_project_per_line_are_names() -> None:
    lines = ["3月30日,重大项目集中开工。", "部分重大开工项目一览", "1.电科云国际大数据发展中心", "北流市新世纪教育城"]
    assert listed_lines(lines) == {2, 3}
    assert [f.name for f in label(lines, [], Oracle())] == ["电科云国际大数据发展中心", "北流市新世纪教育城"]
    assert listed_lines(["德兴市举行签约仪式", "电科云国际大数据发展中心", "北流市新世纪教育城"]) == set()  # no heading


def test_the_other_items_of_a_list_the_labeller_names_are_names() -> None:
    """Items of one enumeration are of one kind: a rule name standing as an item of a list another item of which the
    labeller names is a name too — unless it is a kind (sector words only, or under four characters)."""
    text = "经开区徐工矿山机械、泉山鑫科机器人等56个项目建成投产。"
    rules = [RuleName(("经开区徐工矿山机械项目",)), RuleName(("泉山鑫科机器人项目",))]
    assert [f.name for f in label([text], rules, Oracle("泉山鑫科机器人"))] == ["泉山鑫科机器人", "经开区徐工矿山机械"]
    assert [f.name for f in label([text], rules, Oracle())] == []  # no item labelled: nothing added
    kinds = "签约新材料、算力服务、泉山鑫科机器人等项目。"
    tags = mark(kinds, [["新材料"], ["算力服务"], ["泉山鑫科机器人"]])
    found = [(kinds.index("泉山"), kinds.index("等"))]
    assert sibling_items(kinds, tags, found) == []  # the other items are sectors: kinds, not names
    listed = "包括鼓楼极地海洋馆、云龙中川万达广场、泉山国际青年艺术街区、贾汪潘安湖奥特莱斯购物中心、徐州方特乐园等。"
    named = Oracle("云龙中川万达广场", "泉山国际青年艺术街区", "徐州方特乐园")  # most named: the others as written
    assert [f.name for f in label([listed], [], named)][-2:] == [
        "鼓楼极地海洋馆",
        "贾汪潘安湖奥特莱斯购物中心",
    ]  # 包括…
    amounts = "包括甲乙中心、丙丁广场、戊己工程总投资68亿元、庚辛乐园等。"  # an item holding an amount is no name
    assert "戊己工程总投资68亿元" not in [f.name for f in label([amounts], [], Oracle("丙丁广场", "庚辛乐园"))]
    prose = "实施甲公司孵化园,乙公司综合体等项目。"  # no 、: not an enumeration the clause parsing reads
    assert sibling_items(prose, mark(prose, [["甲公司孵化园"], ["乙公司综合体"]]), [(prose.index("乙"), 16)]) == []


class Unsure(Oracle):
    """A model that names nothing and gives every character the same probability of not being O."""

    def __init__(self, inside: float) -> None:
        super().__init__()
        self.inside = inside

    def marginal(self, y: str, t: int) -> float:
        return 1.0 - self.inside if y == "O" else self.inside


def test_the_items_of_a_list_its_trailer_says_are_projects_are_names() -> None:
    """等一批省重点项目 after a list says its items are projects, company short names among them; the model's
    probability decides whether they are kept (at least TYPED_FLOOR). Places, people, sectors and components are
    not projects."""
    text = "常州经开区签约超百亿元项目1个,坤泰、哈焊所、欣盛等一批省重点项目落地落户。"
    assert [text[a:b] for a, b in typed_items(text, mark(text, []), [])] == ["坤泰", "哈焊所", "欣盛"]
    assert [f.name for f in label([text], [], Unsure(0.3))] == ["坤泰", "哈焊所", "欣盛"]
    assert [f.name for f in label([text], [], Unsure(0.05))] == []  # below the floor
    led = "启动长四辽通、敦牡、四梅集扩能等铁路项目。"
    assert [led[a:b] for a, b in typed_items(led, mark(led, []), [])] == ["长四辽通", "敦牡", "四梅集扩能"]
    others = (
        "在四川、河北等地的光伏发电项目",  # places
        "签约新材料、算力服务等重点项目",  # sectors: kinds
        "张三、李四等领导出席",  # people
        "由烧结、炼铁等项目组成",  # a project's components
    )
    for other in others:
        assert typed_items(other, mark(other, []), []) == [], other


def test_an_amount_that_is_the_lists_is_not_an_items() -> None:
    """An amount after a list's trailer (A、B等总投资109.6亿元的15个项目) or before a count of projects is the
    list's."""
    counted = "投资136.6亿元的宏达新材、晶盛二期等21个产业项目集中投产。"  # a price before a counted list: the list's
    rules = [RuleName(("宏达新材项目",), parse_amount("136.6亿元"))]
    assert [f.amount for f in label([counted], rules, Oracle("宏达新材", "晶盛二期"))] == [None, None]
    text = "实施玉山路片区、油田中心医院片区等总投资109.6亿元的15个城市建设项目。"
    found = label([text], [], Oracle("玉山路片区", "油田中心医院片区"))
    assert [(f.name, f.amount) for f in found] == [("玉山路片区", None), ("油田中心医院片区", None)]
    own = "其中金霞微型显示产业园,总投资30亿元。"
    assert label([own], [], Oracle("金霞微型显示产业园"))[0].amount == parse_amount("30亿元")


def test_a_name_coordinated_with_a_labelled_one_is_a_name() -> None:
    text = "引进环保型电子节能灯项目和环保型氨纶项目。"
    rules = [RuleName(("环保型电子节能灯项目",)), RuleName(("环保型氨纶项目",))]
    assert [f.name for f in label([text], rules, Oracle("环保型电子节能灯"))] == ["环保型电子节能灯", "环保型氨纶"]
    assert coordinated(text, mark(text, [["新材料"]]), [(2, 10)]) == []  # a kind beside it: no name


def test_an_unpriced_name_alone_in_its_sentence_takes_the_investment_it_gives() -> None:
    """Its own sentence's one investment (…位于…,占地约366亩,耗资近20亿元), or the next sentence's when that opens on
    the project (该项目总投资…); not a count's figure, nor an item of a list's; a name only the labeller finds takes
    the investment right after it with only its label between (A、总投资27亿元)."""
    own = "开工的海棠湖文旅小镇项目位于站前大道东侧,占地约366亩,耗资近20亿元,是特色文旅小镇。"
    assert label([own], [], Oracle("海棠湖文旅小镇"))[0].amount == parse_amount("近20亿元")
    pair = ["荷坳至深圳机场段改扩建工程上周五展开,路段位于深圳市中心区域。", "该项目总投资412.9亿元,双向6车道。"]
    assert label(pair, [], Oracle("荷坳至深圳机场段改扩建工程"))[0].amount == parse_amount("412.9亿元")
    counted = "举行小河镇整治项目开工仪式,共签约、开工项目18个,总投资56.96亿元。"
    assert label([counted], [], Oracle("小河镇整治"))[0].amount is None
    listed = "分别为海天味业文化产业园、国际陶都,计划总投入64.2亿元。"
    assert label([listed], [], Oracle("海天味业文化产业园"))[0].amount is None
    pairs = "其中成都五环快速路、总投资322亿元,大桥水库灌区二期工程、总投资27亿元。"
    found = label([pairs], [], Oracle("成都五环快速路", "大桥水库灌区二期工程"))
    assert [f.amount for f in found] == [parse_amount("322亿元"), parse_amount("27亿元")]


def test_an_unpriced_name_takes_the_investment_of_any_sentence_naming_it_or_of_the_next_before_its_names() -> None:
    """达 after an investment's own label is no sum (签约金额达20亿元); every sentence that names the project counts,
    in order (a ceremony's sentence, then the board's resolution, then 项目总投资…); a next sentence that names
    projects gives only what it says before the first of them."""
    reached = "甲集团与崇左市签订大亚林业全产业链基地项目,签约金额达20亿元;"
    unpriced = [RuleName(("大亚林业全产业链基地项目",))]  # the rules found it and priced it none
    assert label([reached], unpriced, Oracle("大亚林业全产业链基地"))[0].amount == parse_amount("20亿元")
    summed = "举行小河镇整治项目开工仪式,共签约、开工项目18个,合计投资达56.96亿元。"
    assert label([summed], [], Oracle("小河镇整治"))[0].amount is None
    again = [
        "公司拟在宜宾市投资建设大族激光生产基地项目。",
        "董事会审议通过了《关于投资建设大族激光生产基地项目的议案》。",
        "项目总投资15亿元,分两期建设。",
    ]
    assert label(again, [], Oracle("大族激光生产基地"))[0].amount == parse_amount("15亿元")
    before = ["与此同时,智能制造基地项目也正式开工。", "该项目计划总投资约2.1亿元,将建设总部,并续建渔光互补光伏项目。"]
    assert label(before, [], Oracle("智能制造基地", "渔光互补光伏"))[0].amount == parse_amount("约2.1亿元")
    another = ["与此同时,智能制造基地项目也正式开工。", "该区渔光互补光伏项目总投资约2.1亿元。"]
    assert label(another, [], Oracle("智能制造基地", "渔光互补光伏"))[0].amount is None  # the other name's


def test_the_labeller_reads_where_a_character_stands_in_its_list_and_works_named_by_their_kind() -> None:
    sentence = "赣深高铁、黄土坡隧道等项目开工"
    xseq = features(sentence, None, set())
    assert "work_end" in xseq[sentence.index("铁")] and "work_end" in xseq[sentence.index("道")]
    assert {"pd=^", "nd=、"} <= set(xseq[0]) and {"pd=、", "nd=等"} <= set(xseq[sentence.index("黄")])
    assert "sector" in xseq[sentence.index("开")]  # 开工: a generic word


def test_a_projects_components_and_a_clauses_fragments_are_no_names() -> None:
    """What a project's 主要建设 / 建设内容 / 配套建设 / 规划建设 lead in, up to the next comma, are its parts; a span
    holding a clause's own words (出席, 签署, 还有…) is a fragment of the sentence. A list after 包括 is not parts."""
    parts = "项目主要建设内容包括齿轮观光火车、特色酒店群、欢乐谷等,甲乙文旅小镇同日开工。"
    found = label([parts], [], Oracle("齿轮观光火车", "特色酒店群", "欢乐谷", "甲乙文旅小镇"))
    assert [f.name for f in found] == ["甲乙文旅小镇"]  # past the comma: a name again
    listed = "集中开工的项目包括齿轮观光火车、甲乙文旅小镇等。"
    assert [f.name for f in label([listed], [], Oracle("齿轮观光火车", "甲乙文旅小镇"))] == [
        "齿轮观光火车",
        "甲乙文旅小镇",
    ]
    clause = "副县长陈志伟出席仪式并见证甲乙文旅小镇签约,还有中煤集团。"
    found = label([clause], [], Oracle("副县长陈志伟出席仪式并见证", "甲乙文旅小镇", "还有中煤集团"))
    assert [f.name for f in found] == ["甲乙文旅小镇"]


def test_the_rules_amount_is_no_names_where_its_sentence_writes_it_as_a_bound_or_a_batchs_figure() -> None:
    """The rules' amount of a name is dropped where every mention of it in the sentence is a band's bound
    (10亿元以下), or a batch's figure a count of projects follows (…的石嘴山秋季29个重点项目), which a lone name
    does not take either; kept where the sentence writes it as an investment of its own, or does not write it (the
    rules read it elsewhere)."""
    band = "投资10亿元以下5亿元以上的项目有凤庆滇红国际项目。"
    rules = [RuleName(("凤庆滇红国际项目",), parse_amount("10亿元"))]
    assert label([band], rules, Oracle("凤庆滇红国际"))[0].amount is None
    batch = "从甲乙商贸中心到丙丁商住城,计划总投资78.25亿元的石嘴山秋季29个重点项目集中开工。"
    rules = [RuleName(("甲乙商贸中心",), parse_amount("78.25亿元"))]
    assert label([batch], rules, Oracle("甲乙商贸中心"))[0].amount is None
    assert label([batch], [], Oracle("甲乙商贸中心"))[0].amount is None  # nor a lone name's, as the only one after it
    own = "凤庆滇红国际项目开工,总投资10亿元。"
    rules = [RuleName(("凤庆滇红国际项目",), parse_amount("10亿元"))]
    assert label([own], rules, Oracle("凤庆滇红国际"))[0].amount == parse_amount("10亿元")
    elsewhere = "凤庆滇红国际项目开工。"
    assert label([elsewhere], rules, Oracle("凤庆滇红国际"))[0].amount == parse_amount("10亿元")


def test_one_figure_the_rules_gave_two_names_joined_by_a_conjunction_is_the_groups() -> None:
    """The rules give two works joined by 和 the one figure their group invests (东宝集团投入10亿元,实施了A和B): it is
    neither's. Two names the rules priced alike keep it where the sentence writes it for each."""
    group = "东宝集团投入10亿元,实施了人胰岛素三期工程和东宝科技园项目。"
    ten = parse_amount("10亿元")
    both = [RuleName(("人胰岛素三期工程",), ten), RuleName(("东宝科技园项目",), ten)]
    assert [f.amount for f in label([group], both, Oracle("人胰岛素三期工程", "东宝科技园"))] == [None, None]
    each = "实施了总投资10亿元的人胰岛素三期工程,东宝科技园项目总投资10亿元。"
    found = label([each], both, Oracle("人胰岛素三期工程", "东宝科技园"))
    assert [f.amount for f in found] == [ten, ten]


def test_an_investment_before_a_name_with_an_attribute_between_is_that_names() -> None:
    """总投资X亿元、占地Y亩的<name>: an attribute between the investment and the name (after a 、, ending in 的)
    keeps the investment the name's, item after item; not when another amount or a count stands between."""
    text = "总投资1.58亿元、占地52.3亩的饮之健航空食品项目和总投资1.7亿元、占地58.5亩的高老庄肉制品项目举行奠基仪式。"
    shifted = [
        RuleName(("饮之健航空食品项目",), parse_amount("1.7亿元")),
        RuleName(("高老庄肉制品项目",), None),
    ]
    found = label([text], shifted, Oracle("饮之健航空食品", "高老庄肉制品"))
    assert [f.amount for f in found] == [parse_amount("1.58亿元"), parse_amount("1.7亿元")]
    two = "总投资45亿元、22亿元的甲乙产业园项目开工。"  # another amount between: not the first one
    assert label([two], [], Oracle("甲乙产业园"))[0].amount != parse_amount("45亿元")


def test_what_a_copula_says_the_sentences_opening_name_is_is_no_name() -> None:
    """A是…的B, (or …,也是…B。): B, ending the copula's clause, describes the name the sentence opens on, and is
    no name; its investment then stays the opening name's. Not a name that does not end the clause (A是B项目市区段…),
    nor a sentence that does not open on a name."""
    text = "弋江桥改建工程是芜申运河项目市区段六座改建桥梁之一,也是我市重要的南北畅通工程,总投资15000万元。"
    found = label([text], [], Oracle("弋江桥改建工程", "芜申运河", "南北畅通工程"))
    fifteen = parse_amount("15000万元")  # the opening name is the topic (round 26, positions.a_topic; gold: test16 a06)
    assert [(f.name, f.amount) for f in found] == [("弋江桥改建工程", fifteen), ("芜申运河", None)]
    alone = "弋江桥改建工程是我市重要的南北畅通工程,总投资15000万元。"
    found = label([alone], [], Oracle("弋江桥改建工程", "南北畅通工程"))
    assert [(f.name, f.amount) for f in found] == [("弋江桥改建工程", parse_amount("15000万元"))]
    opened = "会上介绍,甲乙产业园是我市重要的南北畅通工程。"  # not the sentence's opening name
    assert [f.name for f in label([opened], [], Oracle("甲乙产业园", "南北畅通工程"))] == ["甲乙产业园", "南北畅通工程"]


def test_what_a_routes_words_lead_in_their_clause_is_no_name() -> None:
    """A route's description (东起, 起自, 止于, 衔接, 贯穿, 可到达 …) names the points and lines a work runs by: a span
    after such a word in its clause, or holding one, is no name; past the clause's comma a name is one again."""
    route = "甲乙铁路线路规划东起丙丁铁路凤凰站,衔接沪昆客运专线等路线,戊己产业园同日开工。"
    found = label([route], [], Oracle("甲乙铁路线路规划东起丙丁铁路凤凰站", "沪昆客运专线", "戊己产业园"))
    assert [f.name for f in found] == ["戊己产业园"]
    reach = "1小时左右可到达贵州铜仁凤凰机场、湖南怀化芷江机场。"
    assert label([reach], [], Oracle("贵州铜仁凤凰机场", "湖南怀化芷江机场")) == []


def test_an_unpriced_name_takes_the_investment_a_later_sentence_of_its_paragraph_gives_the_project() -> None:
    """When neither a lone name's sentence nor the next gives it an investment and the next names no project, the
    later sentences of its paragraph are read up to the next that names a project: the first that opens on the
    project (该项目…) gives it, when it gives one alone. Not across a paragraph, nor past another project's name."""
    name = "晋城市人民医院易址扩建"
    text = (
        "晋城市人民医院易址扩建项目,位于主城区东南新区白水街中段南侧。"
        "医院总建筑面积19.26万平方米,共设1200张床位。"
        "该项目总投资17.55亿元,计划三年建成。"
    )
    assert label([text], [], Oracle(name))[0].amount == parse_amount("17.55亿元")
    apart = [text.split("。")[0] + "。医院总建筑面积19.26万平方米,共设1200张床位。", "该项目总投资17.55亿元。"]
    assert label(apart, [], Oracle(name))[0].amount is None  # another paragraph
    between = text.replace("医院总建筑面积", "同日甲乙光伏项目开工,医院总建筑面积")
    assert label([between], [], Oracle(name, "甲乙光伏"))[0].amount is None  # another project named between


def test_the_items_of_a_list_its_trailer_calls_a_class_or_a_projects_sub_items_are_no_names() -> None:
    """A list closed by a class's trailer with no count (…等民生项目, …等特色产业项目) lists kinds; one closed by
    …等子项目 lists a project's components (commas inside it, as written); neither's items are names. A count in or
    after the trailer (…等4个民生项目; …等农业类项目19个) makes them representatives the article names: names."""
    kinds = "也包括了一些城市更新、老旧小区改造、古村落保护、文化旅游等民生项目,甲乙产业园同日开工。"
    found = label([kinds], [], Oracle("城市更新", "老旧小区改造", "古村落保护", "文化旅游", "甲乙产业园"))
    assert [f.name for f in found] == ["甲乙产业园"]
    sectors = "从投资行业看,清真食品、民族用品、现代服务等特色产业项目受青睐。"
    assert label([sectors], [], Oracle("清真食品", "民族用品")) == []
    counted = "开工了市妇女儿童活动中心二期、红十字会备灾救灾中心等4个民生项目。"
    assert len(label([counted], [], Oracle("市妇女儿童活动中心二期", "红十字会备灾救灾中心"))) == 2
    after = "香菇产业园等农业类项目19个总投资32.3亿元。"
    assert [f.name for f in label([after], [], Oracle("香菇产业园"))] == ["香菇产业园"]
    sub = (
        "中日国际康养城项目总投资约100亿元,建设包括北科生物细胞制备中心、数据中心,国际品牌酒店、会议中心,"
        "华夏文明博物馆等子项目在内的产业项目。"
    )
    found = label([sub], [], Oracle("中日国际康养城", "北科生物细胞制备中心", "数据中心", "会议中心", "华夏文明博物馆"))
    assert [f.name for f in found] == ["中日国际康养城"]


def test_an_unpriced_name_takes_the_investment_of_the_next_sentence_opening_on_its_own_head() -> None:
    """A next sentence that opens on a determiner and the head the lone name ends on (…交易中心项目…。该中心…) opens on
    the project: its one investment is the name's. Another head (该园区) is another thing's."""
    first = "随着片区的挂牌,绥芬河中俄木材加工交易中心项目建设也同时启动。"
    own = label([first, "该中心总占地面积38万平方米,总投资6亿元人民币。"], [], Oracle("绥芬河中俄木材加工交易中心"))
    assert own[0].amount == parse_amount("6亿元")
    other = label([first, "该园区总占地面积38万平方米,总投资6亿元人民币。"], [], Oracle("绥芬河中俄木材加工交易中心"))
    assert other[0].amount is None


def test_the_items_of_a_list_the_labeller_names_one_of_that_end_on_a_works_or_a_facilitys_head_are_names() -> None:
    """渝万高铁、渝西高铁重庆段、成达万高铁、万达直线高速、开万梁高速等: the model names one item; the others,
    written whole between the list's marks and ending on a work's or a facility's head, are names of one kind. Not an
    item ending on 中心 (a project's parts as often), one inside brackets, one of a list its trailer says is one
    project's (集…为一体), nor the items of a list the model names none of."""
    works = "建设基础设施网络行动21个项目,包括渝万高铁、渝西高铁重庆段、成达万高铁、万达直线高速、开万梁高速等。"
    found = label([works], [], Oracle("渝西高铁重庆段"))
    assert {f.name for f in found} == {"渝万高铁", "渝西高铁重庆段", "成达万高铁", "万达直线高速", "开万梁高速"}
    assert label([works], [], Oracle()) == []
    centre = "签约项目包括甲乙新材料产业园、丙丁运营结算中心等。"
    assert [f.name for f in label([centre], [], Oracle("甲乙新材料产业园"))] == ["甲乙新材料产业园"]
    bracket = "甲公司PVC项目(一期建设戊己铁路专用线、庚辛物流园、壬癸码头)总投资45.5亿元。"
    assert [f.name for f in label([bracket], [], Oracle("甲公司PVC"))] == ["甲公司PVC"]
    one = "将建成集甲乙生产基地、丙丁物流园、戊己科技园为一体的世界级茶产业园。"
    assert [f.name for f in label([one], [], Oracle("甲乙生产基地"))] == ["甲乙生产基地"]


def test_works_named_by_their_kind_that_open_a_clause_with_their_own_progress_are_names() -> None:
    """计划年内甲乙铁路扩能改造竣工、丙丁高铁云南段建成通车; 戊己机场施工进入…: works named by their kind (a work's
    head, a section or 扩建 after it) that open a clause or a list's item with their progress right after are names,
    and so are the items of a list written whole as such works before the item that carries the predicate. Not a
    facility's head (a project's part or an anaphor opens its clause as often), not a work with its progress before it,
    nor one with 的 or an amount inside."""
    plan = "在建8个铁路项目正加快推进,计划年内甲乙铁路扩能改造竣工、丙丁高铁云南段建成通车。"
    assert {f.name for f in label([plan], [], Oracle())} == {"甲乙铁路扩能改造", "丙丁高铁云南段"}
    airport = "戊己通用机场施工进入收尾阶段,庚辛机场启动实施。"
    assert [f.name for f in label([airport], [], Oracle())] == ["戊己通用机场"]
    tunnels = "目前,甲乙公路顺利建成,斜甲拉山隧道、珠乙角拉山隧道顺利贯通。"
    assert {f.name for f in label([tunnels], [], Oracle())} == {"甲乙公路", "斜甲拉山隧道", "珠乙角拉山隧道"}
    dated = "全长77.46公里的甲乙到丙丁高速公路已于2015年年底开工,预计2017年年底通车。"
    assert [f.name for f in label([dated], [], Oracle())] == ["甲乙到丙丁高速公路"]
    assert label(["甲乙种植基地建成后将带动就业,即将完工的丙丁高速公路连接两地。"], [], Oracle()) == []
    assert label(["投资5亿元的甲乙高速建成通车。"], [], Oracle()) == []


def test_where_a_clause_places_something_is_no_name() -> None:
    """位于X, 地处X, 紧邻X, 周边包括X、Y, 接已建成的X: a span right after a placing word of its clause, no 的 between,
    is where something lies, no name; not when 项目 or 工程 follows it (在位于…产业园项目现场: the project's own site),
    nor a name after 位于…的 (the project placed), nor past the clause's comma."""
    site = "甲乙商贸物流中心,位于潮安县沙溪镇丙丁铁路潮汕客运站区,概算总投资150亿元。"
    assert [f.name for f in label([site], [], Oracle("甲乙商贸物流中心", "潮安县沙溪镇丙丁铁路潮汕客运站区"))] == [
        "甲乙商贸物流中心"
    ]
    around = "项目坐落于核心轴带上,周边包括联强甲乙大楼、台北丙丁中心等重要设施。"
    assert label([around], [], Oracle("联强甲乙大楼", "台北丙丁中心")) == []
    own = "在位于海口戊己新城甲乙生物科技产业园项目现场的主会场,位于开发区的丙丁装备项目同日开工。"
    assert [f.name for f in label([own], [], Oracle("甲乙生物科技产业园", "丙丁装备"))] == [
        "甲乙生物科技产业园",
        "丙丁装备",
    ]
    past = "该项目位于城东,甲乙产业园同日开工。"
    assert [f.name for f in label([past], [], Oracle("甲乙产业园"))] == ["甲乙产业园"]
