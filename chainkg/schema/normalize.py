"""Name normalisation: the one rule that decides when two spellings name the same thing.

Registry exports, news articles and hand-typed queries spell the same enterprise in many ways:
full-width or half-width brackets and digits, stray spaces, traditional characters (繁體) or
simplified. Ids and every name lookup go through :func:`normalize_name`, so all of these meet at the
same key; people keep seeing the name as it was written (:func:`clean_display`).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc

__all__ = ["clean_display", "fold_equivalents", "normalize_name", "strip_pinyin_glosses", "to_simplified"]

# Characters NFKC leaves alone but that people use interchangeably.
_EQUIVALENTS = str.maketrans(
    {
        "\u201c": '"',
        "\u201d": '"',
        "\u2018": "'",
        "\u2019": "'",
        "\u300c": '"',
        "\u300d": '"',
        "\u2014": "-",
        "\u2013": "-",
        "\u2012": "-",
        "\u2212": "-",
        "\u30fb": "·",
        "\u2022": "·",
        "\u2027": "·",
        "\u00b7": "·",
        "\u3001": ",",  # 、 in names behaves like a comma
    }
)
_INVISIBLE = re.compile(r"[\u200b-\u200f\u2060\ufeff\u00ad]")
_WHITESPACE = re.compile(r"\s+")
# A CJK character followed by a parenthesised pinyin syllable with tone marks, as produced by some
# traditional-Chinese conversion sites: 項(xiàng)目 → 項目.
_PINYIN_GLOSS = re.compile(r"(?<=[\u3400-\u9fff])[(（]\s*[a-zA-Züāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹ]{1,7}\s*[)）]")


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional → simplified Chinese (OpenCC ``t2s``); other characters pass through unchanged."""
    return _t2s().convert(text) if text else text


def strip_pinyin_glosses(text: str) -> str:
    """Remove pinyin glosses like ``項(xiàng)目`` that garbled conversions insert after characters."""
    return _PINYIN_GLOSS.sub("", text)


def clean_display(text: str) -> str:
    """The form a name is stored and shown in: simplified, trimmed, inner whitespace collapsed.

    Brackets and width are left as written (registries print （山东） with full-width brackets and
    people expect to see it so); only :func:`normalize_name` folds them.
    """
    text = _INVISIBLE.sub("", unicodedata.normalize("NFC", text))
    return _WHITESPACE.sub(" ", to_simplified(text)).strip()


def fold_equivalents(text: str) -> str:
    """Unify quotes, dashes, middle dots and 、 as :func:`normalize_name` does, keeping every position.

    For finding normalised names inside running text: the text keeps its length, so a match's
    offsets are offsets into the original.
    """
    return text.translate(_EQUIVALENTS)


def normalize_name(text: str) -> str:
    """The matching key of a name. Two names are the same name exactly when their keys are equal.

    Steps, in order:

    1. Unicode NFKC: full-width letters, digits and punctuation become half-width (``（`` → ``(``,
       ``ＡＢＣ１２`` → ``ABC12``, ideographic space → space).
    2. Invisible characters (zero-width spaces, BOM, soft hyphen) are removed; curly quotes, dashes
       and middle dots are unified; ``、`` becomes ``,``.
    3. Traditional characters become simplified (OpenCC ``t2s``).
    4. All whitespace is removed (Chinese names do not rely on spaces; Latin names lose nothing
       that distinguishes real entities).
    5. Latin letters are case-folded.

    >>> normalize_name("有研億金新材料（山東） 有限公司")
    '有研亿金新材料(山东)有限公司'
    """
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text).translate(_EQUIVALENTS)
    text = to_simplified(text)
    text = _WHITESPACE.sub("", text)
    return text.casefold()
