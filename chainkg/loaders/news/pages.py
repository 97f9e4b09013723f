"""A saved page's bytes → lines of text: refusing what is not an article (PDF, images, binaries),
decoding (UTF-8, GBK, GB18030, Big5 — told apart by plausibility, which strict decoding cannot), and
turning HTML into block-level lines without navigation, menus, related links and footers.
:mod:`chainkg.loaders.news.text` normalises the lines and finds the article in them."""

from __future__ import annotations

import re
import unicodedata
from html.parser import HTMLParser

from chainkg.loaders.readers.encoding import EncodingError, decode
from chainkg.schema.normalize import to_simplified

__all__ = ["ArticleError", "decode_page", "html_lines", "looks_like_html", "refuse_binary"]

_PRIVATE_USE = re.compile(r"[\ue000-\uf8ff]")
_CJK = re.compile(r"[\u3400-\u9fff]")
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


# --- decoding -------------------------------------------------------------------------------


def refuse_binary(data: bytes) -> None:
    head = data[:8]
    if head.startswith(b"%PDF"):
        raise ArticleError("this is a PDF document; save the article as text or HTML first")
    if head.startswith(b"PK\x03\x04"):
        raise ArticleError("this is a zip or Office document (.docx/.xlsx); save the article as text or HTML first")
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8")):
        raise ArticleError("this is an image, not an article")


def decode_page(data: bytes) -> tuple[str, str, list[str]]:
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


def looks_like_html(text: str) -> bool:
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


def html_lines(text: str) -> tuple[list[str], dict[str, str]]:
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
