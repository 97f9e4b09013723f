"""Names, codes and amounts for synthetic datasets: unique by construction, plausible to read.

The generator streams a million enterprises without remembering their names, so uniqueness cannot
come from a set of names already used. It comes from construction instead: every enterprise and
project name starts with a fixed-length trade-name code (字号) that is a bijection of its index,
scrambled by the seed so neighbouring indexes do not look alike. Credit codes are built the same
way and carry a correct GB 32100-2015 check digit, so they pass the loader's validation.
"""

from __future__ import annotations

import random

__all__ = [
    "TRADE_CHARS",
    "Scrambler",
    "credit_code",
    "format_amount",
    "place_capacity",
    "place_code",
    "trade_code",
]

#: Characters common in Chinese trade names (字号); all simplified, none that normalisation folds.
TRADE_CHARS = "".join(
    dict.fromkeys(
        "华泰瑞鑫恒宏信达丰源盛隆昌德润安康利通博远嘉祥和兴金永新宇晟伟力天海中科正明光诚欣荣豪凯捷骏汇鸿辉"
        "业峰腾航创智联众佳美立高元方东长广万亿福吉顺益成运宝龙凤翔鹏飞星辰阳晨云泽鼎铭圣奥威尔格雅迪"
        "赛思锐杰霖沃普朗斯特蓝青红绿紫银铂钧铄锦绣春秋冬夏山川江河湖林森松柏桥岳岭峻坤乾泓洋涛澜浩"
        "瀚沛溢旭昊晖曜煜炜灿烁钰琪瑾璟珑瑶琳"
    )
)[:128]

_PLACE_CHARS = "".join(
    dict.fromkeys(
        "东西南北前后王李张刘赵孙周吴郑冯陈杨黄马朱胡郭何高林罗梁宋唐许韩邓曹彭曾萧田董潘袁蔡蒋余杜叶程"
        "魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵"
    )
)


class Scrambler:
    """A seeded bijection of ``range(modulus)``: i → (i·a + b) mod modulus, with a coprime to it."""

    def __init__(self, modulus: int, seed: int, salt: int):
        self.modulus = modulus
        mixer = random.Random(f"chainkg-synthetic:{seed}:{salt}")  # str seeds are stable across runs
        a = mixer.randrange(modulus)
        while _gcd(a, modulus) != 1 or a < 2:
            a = (a + 1) % modulus
        self.a = a
        self.b = mixer.randrange(modulus)

    def __call__(self, index: int) -> int:
        if not 0 <= index < self.modulus:
            raise ValueError(f"index {index} outside 0..{self.modulus - 1}")
        return (index * self.a + self.b) % self.modulus


def _gcd(a: int, b: int) -> int:
    while b:
        a, b = b, a % b
    return a


def trade_code(value: int, length: int, alphabet: str = TRADE_CHARS) -> str:
    """``value`` written in ``length`` characters of ``alphabet`` (a fixed-length base-N numeral)."""
    base = len(alphabet)
    out = []
    for _ in range(length):
        value, digit = divmod(value, base)
        out.append(alphabet[digit])
    if value:
        raise ValueError(f"value does not fit in {length} characters")
    return "".join(out)


def place_code(value: int) -> str:
    """A two-character place-name stem (东王, 李庄 …) for synthetic counties and towns."""
    return trade_code(value, 2, _PLACE_CHARS)


def place_capacity() -> int:
    """How many distinct place stems :func:`place_code` can write."""
    return len(_PLACE_CHARS) ** 2


_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code(division: str, serial: int) -> str:
    """A unified social credit code: 91 (enterprise, SAMR) + 6-digit division + 9-char serial + check.

    ``serial`` must be unique per enterprise (the generator passes a scrambled index); the check
    digit is computed as GB 32100-2015 prescribes, so :func:`chainkg.schema.ids.credit_code_problem`
    accepts it.
    """
    body = "91" + division + trade_code(serial, 9, _CODE_ALPHABET)[::-1]
    total = sum(_CODE_ALPHABET.index(c) * w for c, w in zip(body, _CODE_WEIGHTS, strict=True))
    return body + _CODE_ALPHABET[(31 - total % 31) % 31]


def format_amount(yuan: int) -> str:
    """An amount as Chinese reports write it: 18.5亿元 from 1 亿 up, else 万元 (never below 1万)."""
    wan = max(1, round(yuan / 10_000))
    if wan >= 10_000:
        yi = wan / 10_000
        text = f"{yi:.4f}".rstrip("0").rstrip(".")
        return f"{text}亿元"
    return f"{wan}万元"
