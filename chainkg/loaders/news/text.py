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
from html.parser import HTMLParser
from pathlib import Path

from chainkg.loaders.readers.encoding import EncodingError, decode
from chainkg.schema.normalize import strip_pinyin_glosses, to_simplified

__all__ = ["Article", "ArticleError", "normalize_text", "parse_article", "read_article"]

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
_TERMINAL = ("。", "!", "?", ";", ":", "”", '"', ")", "」")
_DATE = re.compile(r"(?<!\d)(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_META_LINE = re.compile(
    r"来源[:：]|发布(时间|日期)?[:：]|日期[:：]|时间[:：]|作者[:：]|^\s*\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}"
)
_SOURCE = re.compile(r"来源[:：]\s*([^\s|,:：]{2,30}?)(?=\s|$|\d{4}[-/.年]|[|,])")
_PUBLISHER_WORD = re.compile(r"(网|报|台|中心|新闻|电视台|政府|管委会|促进局)$")
_CHARSET = re.compile(rb"""charset\s*=\s*["']?\s*([A-Za-z0-9_-]+)""", re.IGNORECASE)

_SKIP_TAGS = frozenset(
    {"script", "style", "noscript", "template", "svg", "select", "button", "iframe", "nav", "footer"}
)
_BLOCK_TAGS = frozenset(
    {
        "p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article", "ul", "ol", "table",
        "dd", "dt", "blockquote", "pre", "hr", "header", "aside", "main", "figure", "figcaption", "center", "form",
    }
)  # fmt: skip
_VOID_TAGS = frozenset({"br", "hr", "img", "meta", "link", "input", "source", "wbr", "area", "base", "col", "embed"})
_JUNK_CLASS = re.compile(
    r"(^|[-_\s])(nav|navbar|menu|footer|foot|breadcrumbs?|crumbs?|sidebar|side|related|relate|recommend|share|"
    r"copyright|comments?|toolbar|pager|pagination|advert|ads?|hot|topbar|top-nav|friendlink|links)($|[-_\s\d])",
    re.IGNORECASE,
)


class ArticleError(ValueError):
    """A file that holds no readable article; the message says why, in words a user can act on."""


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
    if not data.strip():
        raise ArticleError("the file is empty")
    _refuse_binary(data)
    text, encoding, notes = _decode(data)
    html = name.lower().endswith((".html", ".htm", ".shtml", ".xhtml")) or _looks_like_html(text)
    meta: dict[str, str] = {}
    if html:
        lines, meta = _html_lines(text)
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


# --- decoding -------------------------------------------------------------------------------


def _refuse_binary(data: bytes) -> None:
    head = data[:8]
    if head.startswith(b"%PDF"):
        raise ArticleError("this is a PDF document; save the article as text or HTML first")
    if head.startswith(b"PK\x03\x04"):
        raise ArticleError("this is a zip or Office document (.docx/.xlsx); save the article as text or HTML first")
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8")):
        raise ArticleError("this is an image, not an article")


def _decode(data: bytes) -> tuple[str, str, list[str]]:
    notes: list[str] = []
    declared = _declared_charset(data)
    if declared:
        try:
            return data.decode(declared), declared, notes
        except (LookupError, UnicodeDecodeError):
            notes.append(f"the page declares charset {declared} but is not; detected instead")
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ArticleError("this looks like a binary file (it contains NUL bytes), not an article")
    try:
        text, encoding = decode(data)
    except EncodingError as exc:
        raise ArticleError(
            "cannot read the text: it is not in UTF-8, GBK, GB18030 or Big5; save the article as UTF-8 text or HTML"
        ) from exc
    if encoding in ("gbk", "gb18030"):
        # Strict decoding cannot tell Big5 from GBK; the script can: Big5 read as GBK is full of
        # characters outside everyday use.
        try:
            big5 = data.decode("big5")
        except UnicodeDecodeError:
            big5 = None
        if big5 is not None and _implausibility(big5) < _implausibility(text):
            text, encoding = big5, "big5"
    control = sum(1 for c in text if unicodedata.category(c) == "Cc" and c not in "\r\n\t\f")
    if control > max(3, len(text) // 100):
        raise ArticleError("this looks like a binary file, not an article (many control characters)")
    return text, encoding, notes


def _declared_charset(data: bytes) -> str | None:
    match = _CHARSET.search(data[:4096])
    if not match:
        return None
    name = match.group(1).decode("ascii").lower()
    return {"gb2312": "gbk", "x-gbk": "gbk", "big5-hkscs": "big5hkscs", "utf8": "utf-8"}.get(name, name)


def _implausibility(text: str) -> float:
    """Share of CJK characters outside GB2312 once simplified (plus private-use code points)."""
    cjk = 0
    rare = 0
    for char in to_simplified(text):
        if _PRIVATE_USE.match(char):
            rare += 3
        elif _CJK.match(char):
            cjk += 1
            try:
                char.encode("gb2312")
            except UnicodeEncodeError:
                rare += 1
    return rare / max(cjk, 1)


# --- HTML -----------------------------------------------------------------------------------


def _looks_like_html(text: str) -> bool:
    head = text[:2048].lower()
    return any(tag in head for tag in ("<html", "<body", "<!doctype html", "<div", "<p>", "<p ", "<head"))


class _HtmlText(HTMLParser):
    """Block-level text of a page, minus the parts sites use for navigation and boilerplate."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.meta: dict[str, str] = {}
        self._buffer: list[str] = []
        self._skip: list[str] = []  # tag names whose subtree is being skipped (nested same-name tags pushed)
        self._open: list[str] = []
        self._title: list[str] = []
        self._in_title = False
        self._heading: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "meta":
            self._meta(values)
            return
        if tag == "link" and values.get("rel", "").lower() == "canonical" and values.get("href"):
            self.meta.setdefault("url", values["href"])
            return
        if tag in _VOID_TAGS:
            if tag in ("br", "hr"):
                self._flush()
            return
        if self._skip:
            if tag == self._skip[-1]:
                self._skip.append(tag)
            return
        if tag == "title":
            self._in_title = True
            return
        marker = f"{values.get('class', '')} {values.get('id', '')}"
        inside_article = "article" in self._open
        if (
            tag in _SKIP_TAGS
            or (tag in ("header", "aside") and not inside_article)
            or (tag != "body" and _JUNK_CLASS.search(marker))
        ):
            self._flush()
            self._skip.append(tag)
            return
        if tag in _BLOCK_TAGS:
            self._flush()
        if tag in ("h1", "h2") and "h1" not in self.meta:
            self._heading = []
        self._open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._skip:
            if tag == self._skip[-1]:
                self._skip.pop()
            return
        if tag == "title":
            self._in_title = False
            self.meta.setdefault("title", "".join(self._title).strip())
            return
        if tag in ("h1", "h2") and self._heading is not None:
            heading = "".join(self._heading).strip()
            if heading:
                self.meta["h1"] = heading
            self._heading = None
        if tag in _BLOCK_TAGS:
            self._flush()
        if tag in self._open:
            while self._open and self._open.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self._title.append(data)
            return
        if self._skip:
            return
        self._buffer.append(data)
        if self._heading is not None:
            self._heading.append(data)

    def close(self) -> None:
        super().close()
        self._flush()

    def _flush(self) -> None:
        text = "".join(self._buffer).strip()
        self._buffer = []
        if text:
            self.lines.extend(part for part in (p.strip() for p in text.splitlines()) if part)

    def _meta(self, values: dict[str, str]) -> None:
        key = (values.get("name") or values.get("property") or "").lower()
        content = values.get("content", "").strip()
        if not content:
            return
        if key in ("publishdate", "pubdate", "article:published_time", "publish_date", "date"):
            self.meta.setdefault("date", content)
        elif key in ("og:url",):
            self.meta.setdefault("url", content)
        elif key in ("source", "contentsource", "og:site_name"):
            self.meta.setdefault("publisher", content)


def _html_lines(text: str) -> tuple[list[str], dict[str, str]]:
    parser = _HtmlText()
    parser.feed(text)
    parser.close()
    meta = dict(parser.meta)
    title = meta.get("h1") or _strip_site_suffix(meta.get("title", ""))
    if title:
        meta["title"] = title
    return parser.lines, meta


def _strip_site_suffix(title: str) -> str:
    for separator in (" - ", "_", " | ", "|", "——", " — "):
        if separator in title:
            head = title.split(separator)[0].strip()
            if len(head) >= 6:
                return head
    return title.strip()


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
    start = next((i for i, line in enumerate(lines) if _is_prose(line)), None)
    if start is None:
        return meta.get("title", ""), [], None, None
    body: list[str] = []
    end = len(lines)
    late_date: str | None = None
    for i in range(start, len(lines)):
        line = lines[i]
        if _STOP.search(line):
            end = i
            break
        if _is_junk(line) or _is_metadata(line):
            signed = _date(line) if len(line) <= 20 else None
            late_date = signed or late_date
            continue
        if body and len(body[-1]) > 15 and not body[-1].endswith(_TERMINAL):
            body[-1] += line  # a paragraph broken mid-sentence by the page layout
        else:
            body.append(line)
    head = lines[:start]
    tail = lines[end:]
    date = _date(meta.get("date", "")) or _first_date(head) or _last_date(tail) or late_date
    publisher = meta.get("publisher") or _publisher(head + body[:1])
    title = meta.get("title") or _title(head)
    return title, body, date, publisher


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
