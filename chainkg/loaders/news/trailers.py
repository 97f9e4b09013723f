"""What a list's trailer says its items are, when it says they are not projects of their own: a class's kinds
(…城市更新、老旧小区改造、古村落保护等民生项目; 清真食品、民族用品…等特色产业项目) or one project's sub-items
(建设包括北科生物细胞制备中心、细胞质量检测中心,…华夏文明博物馆等子项目在内的…). The labeller's names that are items of
such a list are not names (:func:`~chainkg.loaders.news.labeller.label`).
"""

from __future__ import annotations

import re

from chainkg.loaders.news.lexicon import COUNT_DIGIT, COUNT_DIGITS

__all__ = ["not_a_project"]

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
