"""Which encoding a text export is in: UTF-8 (with or without BOM), GBK or GB18030 — or Big5.

Chinese registry exports come from Excel on Windows (GBK/GB18030), from web systems (UTF-8, often
with a BOM) and occasionally from Taiwan/Hong Kong tools (Big5). Detection is by strict decoding
in a fixed order, which is exact for these encodings, and says which one it chose.
"""

from __future__ import annotations

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
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise EncodingError("is not UTF-8, GBK, GB18030 or Big5 text; re-export it as UTF-8 CSV")
