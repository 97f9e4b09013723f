"""What a list's trailer says its items are, when it says they are not projects of their own: a class's kinds
(…城市更新、老旧小区改造、古村落保护等民生项目; 清真食品、民族用品…等特色产业项目) or one project's sub-items
(建设包括北科生物细胞制备中心、细胞质量检测中心,…华夏文明博物馆等子项目在内的…). The labeller's names that are items of
such a list are not names (:func:`~chainkg.loaders.news.labeller.label`). Also what the words before a name say it
is: a place something lies in or by (位于…, 紧邻…, 周边包括…), not a project (:func:`a_place`).
"""

from __future__ import annotations

import re

from chainkg.loaders.news.lexicon import COUNT_DIGIT, COUNT_DIGITS

__all__ = ["a_place", "not_a_project"]

#: the rest of a list after one of its items, up to a trailer of a class (…等民生项目, …等特色产业项目, …等农业类项目)
#: with no count in it or after it: a list of kinds. A count makes the items representatives named by the article
#: (…北城中小学新校等4个民生项目; 香菇产业园等农业类项目19个), which stay names.
_CLASS = re.compile(
    rf"(?:项目|工程)?(?:[、和及与][^,;:。!?]*?)?等[^,;:。!?、个{COUNT_DIGITS}]{{0,4}}?(?:民生|特色产业|类)项目"
    rf"(?!{COUNT_DIGIT}+[个项])"
)
#: the rest of a list after one of its items, up to 等子项目 (commas allowed, 项目 not): a project's components
_SUB = re.compile(r"(?:[、,][^。;!?项]{0,60}?)?等子(?:项目|工程)")


def not_a_project(sentence: str, end: int) -> bool:
    """Whether the name that ends at ``end`` of ``sentence`` is an item of a list its trailer calls a class's kinds
    or a project's sub-items."""
    return _CLASS.match(sentence, end) is not None or _SUB.match(sentence, end) is not None


#: the words of a clause that place something (位于, 地处, 坐落于, 紧邻, 周边包括, 接已建成的 …) and what follows
#: them up to a name, with no 的 between (位于…的X项目 names the project placed; 位于X names the place)
_PLACING = re.compile(r"(?:位于|地处|坐落于|毗邻|紧邻|邻近|靠近|周边包括|接已建成的)[^的,;:]{0,12}$")
_PROJECT_AFTER = re.compile(r"项目|工程")


def a_place(before: str, sentence: str, end: int) -> bool:
    """Whether the name that ends at ``end`` of ``sentence`` is where something lies, not a project: its clause up to
    it (``before``, from the last ,;: on) places something right before it (…位于潮安县沙溪镇厦深铁路潮汕客运站区;
    周边包括联强国际大楼、台北流行音乐中心) and no 项目 or 工程 follows it
    (在位于海口美安科技新城华熙生物科技产业园项目现场: the project's own site)."""
    return _PLACING.search(before) is not None and _PROJECT_AFTER.match(sentence, end) is None
