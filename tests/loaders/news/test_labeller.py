"""The learned labeller of project names: its parts, its shipped model and how it meets the rules."""

from __future__ import annotations

import hashlib
import json

from benchmarks.extraction import EVAL, seeds_dir
from chainkg.loaders.news.extract import extract
from chainkg.loaders.news.labeller import MODEL, MODEL_INFO, RuleName, features, label, mark, matches, spans
from chainkg.loaders.news.learned import LEARNED_CALIBRATION, learned_confidence
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
    trained = info["data_sha256"]
    assert not any(name.startswith(("real/test7/", "heldout/")) for name in trained)  # never trained on
    assert MODEL.stat().st_size < 5_000_000


def test_confidence_rises_with_the_labellers_probability() -> None:
    shares = [share for _, share in LEARNED_CALIBRATION]
    assert shares == sorted(shares)
    assert learned_confidence(0.99) == shares[-1] and learned_confidence(0.0) == shares[0]


def test_the_labeller_reads_names_of_an_amount_first_list_with_their_companies(dezhou: MemoryStore) -> None:
    text = "此次集中开工的项目分别是总投资6亿元的甲乙公司创业孵化园项目,总投资5亿元的丙丁公司商业综合体项目。"
    projects = extract(parse_article(f"开工\n{text}\n".encode(), "a.txt"), Gazetteer.from_store(dezhou)).projects
    assert [p.aliases[-1] for p in projects] == ["甲乙公司创业孵化园", "丙丁公司商业综合体"]  # the labeller's spans
    assert projects[0].amount == parse_amount("6亿元")  # the rules' amount (they gave the second none)


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
