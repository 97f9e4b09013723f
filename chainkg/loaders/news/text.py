"""Article files as scrapers save them → the normalised body text, title, date and publisher.

News pages reach a promotion bureau as saved HTML or as text copied out of a browser: in UTF-8, GBK or
Big5, in simplified or traditional characters, sometimes run through a converter that glues pinyin
after each changed character (項(xiàng)目) and mangles a few bytes on the way (``?!拔覅^``), and always
wrapped in site navigation, related-news lists and copyright lines. Extraction should only ever see
the article itself, in one script and one width, so this module

- decodes (``chainkg.loaders.readers.encoding.decode``, then a plausibility check that tells Big5 from GBK, which
  strict decoding cannot: most Big5 byte pairs are also valid GBK);
- turns HTML into lines of text with :mod:`html.parser`, dropping scripts, navigation, headers,
  footers and blocks whose class or id says they are menus, related links or copyright notices;
- normalises each line: pinyin glosses and mojibake runs removed, traditional → simplified,
  full-width → half-width (NFKC), whitespace collapsed;
- keeps the body: from the first line that reads like prose to the first end-of-article marker
  (责任编辑, 相关阅读, 上一篇 …), dropping menu, breadcrumb and copyright lines in between;
- reads the title, the publication date and the publisher from the lines around the body.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from chainkg.loaders.news.pages import ArticleError, decode_page, html_lines, looks_like_html, refuse_binary
from chainkg.schema.normalize import strip_pinyin_glosses, to_simplified

__all__ = ["Article", "ArticleError", "list_line", "normalize_text", "parse_article", "read_article"]

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹ"
# A parenthesised syllable with at least one tone mark is a pinyin gloss wherever it stands, even after
# a mojibake run that is no longer a CJK character (the shared rule only trusts glosses after CJK).
_TONED_GLOSS = re.compile(rf"[(（]\s*[a-zü]*[{_TONED}][a-zü{_TONED}]*\s*[)）]")
# …and a gloss whose opening bracket the mangling ate: ``?qū)``.
_ORPHAN_GLOSS = re.compile(rf"(?<![A-Za-z])[a-zü]*[{_TONED}][a-zü{_TONED}]*[)）]")
_PRIVATE_USE = re.compile(r"[\ue000-\uf8ff]")
_WHITESPACE = re.compile(r"[ \t\u00a0\u3000]+")
_CJK = re.compile(r"[\u3400-\u9fff]")
_MOJIBAKE_MARK = set("?!^\\`~|#$@&*_=<>{}[]")

_JUNK = re.compile(
    r"copyright|all rights reserved|版权所有|icp备|icp证|备案号|网站标识码|技术支持|主办单位|承办单位|通讯地址|"
    r"联系电话|扫一扫|手机浏览|手机版|flash player|当前位置|您现在的位置|打印本页|关闭窗口|浏览次数|阅读次数|"
    r"点击数|字号[:：]|\[详细\]|登录\s*\|\s*注册|上一篇|下一篇|分享到|返回顶部|^分享$|^全部$",
    re.IGNORECASE,
)
_STOP = re.compile(
    r"^\s*[(（【\[]?\s*(责任编辑|编辑|责编|作者|审核|校对)\s*[:：]|^\s*(相关推荐|相关阅读|相关新闻|相关文章|热门文章|"
    r"推荐阅读|延伸阅读|网友评论|想爆料|版权声明|上一篇|下一篇)"
)
_BREADCRUMB = re.compile(r"(首页|主页)\s*[>›»/]|[>›»].*[>›»]")
_BULLET = re.compile(r"^\s*[·•▪◆■□●○]\s*")
_SENTENCE_MARK = re.compile(r"[。!?;,]")
_CLAUSE_MARK = re.compile(r"[。!?;,:、]")
_TERMINAL = ("。", "!", "?", ";", ":", "”", '"', ")", "」")
_DATE = re.compile(r"(?<!\d)(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_META_LINE = re.compile(
    r"来源[:：]|发布(时间|日期)?[:：]|日期[:：]|时间[:：]|作者[:：]|^\s*\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}"
)
_SOURCE = re.compile(r"来源[:：]\s*([^\s|,:：]{2,30}?)(?=\s|$|\d{4}[-/.年]|[|,])")
_PUBLISHER_WORD = re.compile(r"(网|报|台|中心|新闻|电视台|政府|管委会|促进局)$")


@dataclass(frozen=True)
class Article:
    """One article: its body paragraphs (normalised) and what is known of where it comes from."""

    file: str
    encoding: str
    layout: str  # "html" | "text"
    title: str
    paragraphs: tuple[str, ...]
    date: str | None = None  # YYYY-MM-DD as printed by the site
    publisher: str | None = None
    url: str | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def body(self) -> str:
        return "\n".join(self.paragraphs)

    @property
    def key(self) -> str:
        """Source key from the body alone, so the same article saved twice (other menus, other
        encoding) is one source."""
        return "news-" + hashlib.sha256(self.body.encode("utf-8")).hexdigest()[:16]

    @property
    def year(self) -> int | None:
        return int(self.date[:4]) if self.date else None


def read_article(path: Path) -> Article:
    """Read and normalise one article file; raises :class:`ArticleError` for unusable input."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ArticleError(f"cannot read the file: {exc.strerror or exc}") from exc
    return parse_article(data, path.name)


def parse_article(data: bytes, name: str) -> Article:
    """Read one saved page or text file (its bytes and file name) into an :class:`Article`."""
    if not data.strip():
        raise ArticleError("the file is empty")
    refuse_binary(data)
    text, encoding, notes = decode_page(data)
    html = name.lower().endswith((".html", ".htm", ".shtml", ".xhtml")) or looks_like_html(text)
    meta: dict[str, str] = {}
    if html:
        lines, meta = html_lines(text)
    else:
        lines = text.splitlines()
    glossed = sum(len(_TONED_GLOSS.findall(line)) for line in lines) >= 3
    if glossed:
        notes.append("pinyin glosses removed (项(xiàng)目 → 项目)")
    normalised = [normalize_text(line, glossed=glossed) for line in lines]
    meta = {k: (v if k == "url" else normalize_text(v, glossed=glossed)) for k, v in meta.items()}
    if any("\ufffd" in line or _PRIVATE_USE.search(line) for line in lines):
        notes.append("unreadable characters removed")
    title, paragraphs, date, publisher = _split(normalised, meta)
    if not paragraphs:
        raise ArticleError("no article text found: the file holds only menus, links or very short lines")
    return Article(
        file=name,
        encoding=encoding,
        layout="html" if html else "text",
        title=title or Path(name).stem,
        paragraphs=tuple(paragraphs),
        date=date,
        publisher=publisher,
        url=meta.get("url"),
        notes=tuple(notes),
    )


# --- normalising lines ----------------------------------------------------------------------


def normalize_text(text: str, *, glossed: bool = False) -> str:
    """One line of article text in the form extraction reads: simplified, half-width, de-garbled.

    ``glossed`` (the article shows the 項(xiàng)目 pattern) also removes toneless glosses after CJK
    characters; elsewhere a bracketed ASCII word after Chinese (集成电路(IC)) is kept.
    """
    text = _TONED_GLOSS.sub("", text)
    text = _ORPHAN_GLOSS.sub("", text)
    if glossed:
        text = strip_pinyin_glosses(text)
    text = unicodedata.normalize("NFKC", to_simplified(text))
    text = _repair_mojibake(text)
    text = _PRIVATE_USE.sub("", text).replace("\ufffd", "")
    return _WHITESPACE.sub(" ", text).strip()


def _repair_mojibake(text: str) -> str:
    """Drop runs like ``?!拔覅^`` that a lossy conversion leaves where punctuation stood.

    A run starts with ``?`` right after a CJK character and reaches to the last suspicious character
    (ASCII symbol, private-use code point, CJK outside GB2312) among the next five.
    """
    out: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "?" and i > 0 and _CJK.match(text[i - 1]):
            end = i
            for j in range(i + 1, min(i + 6, len(text))):
                if _suspicious(text[j]):
                    end = j
            if end > i:
                out.append(" ")
                i = end + 1
                continue
        out.append(char)
        i += 1
    return "".join(out)


def _suspicious(char: str) -> bool:
    if char in _MOJIBAKE_MARK or _PRIVATE_USE.match(char) or (char.isascii() and char.isalpha()):
        return True
    if _CJK.match(char):
        try:
            char.encode("gb2312")
        except UnicodeEncodeError:
            return True
    return False


# --- body, title, date ----------------------------------------------------------------------


def _is_prose(line: str) -> bool:
    return (
        len(line) >= 20
        and bool(_SENTENCE_MARK.search(line))
        and bool(_CJK.search(line))
        and not _is_metadata(line)
        and not _is_junk(line)
    )


def _is_junk(line: str) -> bool:
    if _JUNK.search(line) or _BREADCRUMB.search(line):
        return True
    if _BULLET.match(line) and "。" not in line:
        return True
    pipes = line.count("|")
    return pipes >= 2 and len(line) / (pipes + 1) < 12


def _split(lines: list[str], meta: dict[str, str]) -> tuple[str, list[str], str | None, str | None]:
    """Title, body paragraphs, date and publisher of an article's normalised lines."""
    lines = [line for i, line in enumerate(lines) if line and (i == 0 or line != lines[i - 1])]
    start = next((i for i, line in enumerate(lines) if _is_prose(line) and not _headline(lines, i)), None)
    if start is None:
        return meta.get("title", ""), [], None, None
    body: list[str] = []
    end = len(lines)
    late_date: str | None = None
    listed = False  # the line before was an item of a list or its heading
    for i in range(start, len(lines)):
        line = lines[i]
        if _STOP.search(line):
            end = i
            break
        if _is_junk(line) or _is_metadata(line):
            signed = _date(line) if len(line) <= 20 else None
            late_date = signed or late_date
            continue
        item = list_line(line) and (listed or (i + 1 < len(lines) and list_line(lines[i + 1])))
        if body and len(body[-1]) > 15 and not body[-1].endswith(_TERMINAL) and not (item or listed):
            body[-1] += line  # a paragraph broken mid-sentence by the page layout
        else:
            body.append(line)
        listed = item
    head = lines[:start]
    tail = lines[end:]
    date = _date(meta.get("date", "")) or _first_date(head) or _last_date(tail) or late_date
    publisher = meta.get("publisher") or _publisher(head + body[:1])
    title = meta.get("title") or _title(head)
    return title, body, date, publisher


def list_line(line: str) -> bool:
    """A short line without a clause mark: with another such line next to it, an item of a list with one
    item per line (or its heading), never a sentence the page layout broke."""
    return len(line) <= 40 and not _CLAUSE_MARK.search(line)


def _headline(lines: list[str], i: int) -> bool:
    """A line right above the 来源 line, without a full stop, is the headline (…开工动员!)."""
    return "。" not in lines[i] and i + 1 < len(lines) and lines[i + 1].startswith(("来源", "来源:"))


def _is_metadata(line: str) -> bool:
    if "。" in line or len(line) > 60:
        return False
    if _META_LINE.search(line):
        return True
    # "乐陵新闻网 2024-04-25": a dateline with little else on it
    return len(line) <= 40 and bool(_DATE.search(line)) and len(_DATE.sub("", line).strip()) <= 16


def _title(head: list[str]) -> str:
    """The last line before the body that is neither menu nor metadata and long enough to be a headline."""
    candidates = [
        line
        for line in head
        if not _is_junk(line) and not _is_metadata(line) and 6 <= len(line) <= 80 and _CJK.search(line)
    ]
    if len(head) >= 2 and head[-1].startswith("来源") and 4 <= len(head[-2]) < 6:
        return head[-2]  # a short headline right above its 来源 line (引商入桂)
    return candidates[-1] if candidates else ""


def _date(text: str) -> str | None:
    match = _DATE.search(text)
    if not match:
        return None
    year, month, day = (int(g) for g in match.groups())
    if not (1990 <= year <= 2100 and 1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def _first_date(lines: list[str], strict: bool = False) -> str | None:
    for line in lines:
        if strict and not _is_metadata(line[:40]):
            continue
        found = _date(line)
        if found:
            return found
    return None


def _last_date(lines: list[str]) -> str | None:
    for line in reversed(lines[-5:]):
        if len(line) <= 20:
            found = _date(line)
            if found:
                return found
    return None


def _publisher(lines: list[str]) -> str | None:
    for line in lines:
        match = _SOURCE.search(line)
        if match:
            return match.group(1)
    for line in lines:
        # "乐陵新闻网 2024-04-25": a site name beside the date
        if len(line) <= 40 and _DATE.search(line):
            for word in _DATE.sub(" ", line).split():
                if 2 <= len(word) <= 20 and _PUBLISHER_WORD.search(word):
                    return word
    return None
