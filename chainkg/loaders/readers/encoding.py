"""Which encoding a text export is in: UTF-8 (with or without BOM), GBK or GB18030 — or Big5.

Chinese registry exports come from Excel on Windows (GBK/GB18030), from web systems (UTF-8, often
with a BOM) and occasionally from Taiwan/Hong Kong tools (Big5). Detection is by strict decoding in
a fixed order, which is exact between UTF-8 and the GB family; GBK and Big5, however, accept most of
each other's byte pairs, so a GB reading is checked against a Big5 reading and the one whose
characters look like ordinary text wins. The chosen encoding is reported.
"""

from __future__ import annotations

import re

from chainkg.schema.normalize import to_simplified

__all__ = ["EncodingError", "decode"]


class EncodingError(ValueError):
    pass


def decode(data: bytes) -> tuple[str, str]:
    """Return (text, encoding name). Raises EncodingError naming what was tried.

    Order: a UTF-8 BOM decides at once; then strict UTF-8 (multi-byte UTF-8 is very unlikely to be
    valid by accident); then GBK, the common Windows export; then GB18030, its superset (four-byte
    sequences for rare characters); then Big5. A NUL byte means the file is not text at all.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise EncodingError(f"starts with a UTF-8 BOM but is not valid UTF-8 at byte {exc.start + 3}") from exc
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    if b"\x00" in data[:4096]:
        raise EncodingError("contains NUL bytes: this looks like a binary file, not a text export")
    for encoding in ("utf-8", "gbk", "gb18030", "big5"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding in ("gbk", "gb18030"):
            try:
                big5 = data.decode("big5")
            except UnicodeDecodeError:
                return text, encoding
            if implausibility(big5) < implausibility(text):
                return big5, "big5"
        return text, encoding
    raise EncodingError("is not UTF-8, GBK, GB18030 or Big5 text; re-export it as UTF-8 CSV")


_CJK = re.compile(r"[\u3400-\u9fff]")
_PRIVATE_USE = re.compile(r"[\ue000-\uf8ff]")


def implausibility(text: str) -> float:
    """Share of CJK characters outside everyday use (GB2312, once simplified); private-use code points
    count triple. Big5 bytes read as GBK — or GBK read as Big5 — are full of such characters."""
    cjk = rare = 0
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
