"""The hostile and broken inputs, and what each must get: a table the tests run (``test_hostile.py``).

Each :class:`FileCase` is a file uploaded to ``POST /api/v1/loads`` by an editor; each
:class:`DatasetCase` a dataset directory named by ``path=`` inside the load directory; each
:class:`RequestCase` a raw HTTP request. The expected outcome is the status, the error ``code`` (or
for a 200, how many records load) and a phrase the answer must contain; every answer, whatever it
is, must be a 4xx or a 2xx (never a 5xx), carry the security headers, and come quickly.

``python -m tests.hostile.corpus <dir>`` writes the files and datasets out, to try them by hand
(``chainkg load <dir>/<name>``).
"""

from __future__ import annotations

import io
import json
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.schema.test_normalize import _with_check_digit

CODE_A = _with_check_digit("91371400MA3H00001")
HEADER = "企业名称,统一社会信用代码,注册资本(万元),地址"


def rows(*lines: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode("utf-8")


def good(n: int, prefix: str = "德州恶意测试") -> list[str]:
    return [f"{prefix}{i}有限公司,,100,山东省德州市德城区" for i in range(n)]


def xlsx(table: list[list[Any]]) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for row in table:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rezip(data: bytes, change: Callable[[str, bytes], bytes], extra: dict[str, bytes] | None = None) -> bytes:
    """The workbook ``data`` with each member passed through ``change`` (and ``extra`` members added)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, change(item.filename, source.read(item.filename)))
        for name, content in (extra or {}).items():
            target.writestr(name, content)
    return out.getvalue()


def claims_range(ref: str) -> bytes:
    """A small, valid workbook whose sheet claims to span ``ref`` (the issue's 4.9 KB A1:XFD10000 file)."""
    table = [["企业名称", "注册资本"], ["德州声明范围有限公司", 100]]

    def change(name: str, content: bytes) -> bytes:
        if name == "xl/worksheets/sheet1.xml":
            return content.replace(b'<dimension ref="A1:B2" />', f'<dimension ref="{ref}" />'.encode())
        return content

    return rezip(xlsx(table), change)


def zip_bomb() -> bytes:
    """A workbook whose shared-strings part inflates ~1000-fold (64 MB of one byte)."""
    table = [["企业名称"], ["德州炸弹有限公司"]]
    return rezip(xlsx(table), lambda _n, c: c, {"xl/padding.xml": b"A" * (64 << 20)})


def formula_cells() -> bytes:
    """Cells a spreadsheet would run as formulas, in fields the reject report repeats."""
    return rows(
        "德州公式一有限公司,,=1+1,德州",
        "德州公式二有限公司,,@SUM(A1),德州",
        "德州公式三有限公司,,-2+3,德州",
        '=HYPERLINK("http://evil.example"),,100,德州',
    )


@dataclass(frozen=True)
class FileCase:
    name: str
    content: Callable[[], bytes]
    status: int
    code: str | None = None  # the error code of a 4xx
    loaded: int | None = None  # records_loaded of a 200
    says: str = ""  # a phrase the answer (message or a reject reason) contains
    why: str = ""


@dataclass(frozen=True)
class DatasetCase:
    name: str
    files: dict[str, bytes]
    status: int
    code: str | None = None
    loaded: int | None = None
    says: str = ""
    why: str = ""


@dataclass(frozen=True)
class RequestCase:
    name: str
    method: str
    url: str
    status: int
    code: str | None = None
    kwargs: dict[str, Any] = field(default_factory=dict)
    says: str = ""
    why: str = ""


SOURCES = b"- key: hostile\n  title: hostile\n  publisher: test\n"

FILES: list[FileCase] = [
    FileCase(
        "unclosed_quote.csv",
        lambda: rows('德州引号有限公司,,"100,德州', *good(3)),
        200,
        loaded=3,
        says="is not closed on that line",
        why="an unclosed quote must not silently merge rows: its row is reported, the rest load",
    ),
    FileCase(
        "quote_swallows_rows.csv",  # the closing quote's row loads (its capital 300" is reported)
        lambda: rows(
            '德州吞行有限公司,,"100,德州', "德州被吞一有限公司,,200,德州", '德州被吞二有限公司,,300",德州', *good(2)
        ),
        200,
        loaded=4,
        says="taking in what look like other rows",
        why="a stray quote closed two lines later: reported, the swallowed rows read on their own",
    ),
    FileCase(
        "malformed_quoting.csv",
        lambda: rows('"德州"怪引号有限公司,,100,德州', *good(2)),
        200,
        loaded=2,
        says="malformed quoting",
    ),
    FileCase(
        "field_over_128KiB.csv",
        lambda: rows("德州长字段有限公司,,100," + "德" * 140_000, *good(2)),
        200,
        loaded=2,
        says="characters (the most that is read)",
        why="was 500 (csv field limit); now the row is rejected alone",
    ),
    FileCase(
        "quoted_field_over_128KiB.csv",
        lambda: rows('德州长引号有限公司,,100,"' + "x" * 200_000 + '"', *good(1)),
        200,
        loaded=1,
        says="characters",
    ),
    FileCase(
        "more_cells_than_header.csv",
        lambda: rows("德州多列有限公司,,100,德州,多出来的", *good(2)),
        200,
        loaded=2,
        says="shifts the columns",
    ),
    FileCase(
        "fewer_cells_than_header.csv",
        lambda: rows("德州少列有限公司", *good(1)),
        200,
        loaded=2,
        says="are read as empty",
    ),
    FileCase(
        "duplicate_credit_code.csv",
        lambda: rows(f"德州甲冲突有限公司,{CODE_A},100,德州", f"德州乙冲突有限公司,{CODE_A},900,德州"),
        200,
        loaded=2,
        says="both values are kept as claims",
        why="the later row was dropped without a trace; now both are claims and the field is disputed",
    ),
    FileCase("header_only.csv", lambda: rows(), 422, "file_rejected", says="no data rows"),
    FileCase("empty.csv", lambda: b"", 422, "file_rejected", says="empty"),
    FileCase("blank_lines_only.csv", lambda: b"\n\n  \n", 422, "file_rejected", says="empty"),
    FileCase("no_name_column.csv", lambda: b"foo,bar\n1,2\n", 422, "file_rejected", says="no enterprise-name column"),
    FileCase(
        "too_many_columns.csv",
        lambda: rows("德州宽表有限公司", header="企业名称," + ",".join(f"c{i}" for i in range(600))),
        422,
        "file_rejected",
        says="601 columns",
    ),
    FileCase(
        "binary_png.csv", lambda: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64), 422, "file_rejected", says="NUL"
    ),
    FileCase(
        "bom_then_invalid_utf8.csv",
        lambda: b"\xef\xbb\xbf" + HEADER.encode() + b"\n\xff\xfe\xfd,,1,2\n",
        422,
        "file_rejected",
        says="UTF-8 BOM",
    ),
    FileCase("utf16_with_bom.csv", lambda: "企业名称\n德州十六位有限公司\n".encode("utf-16"), 200, loaded=1),
    FileCase("crlf_and_lf_mixed.csv", lambda: rows(*good(2)).replace(b"\n", b"\r\n", 2), 200, loaded=2),
    FileCase(
        "formula_cells.csv",
        formula_cells,
        200,
        loaded=4,
        says="",
        why="values starting with = + - @ are written to the reject report as text ('=…), never as formulas",
    ),
    FileCase(
        "xlsx_claims_A1_XFD10000.xlsx",
        lambda: claims_range("A1:XFD10000"),
        422,
        "file_rejected",
        says="claims the range A1:XFD10000",
        why="took 13 s and 2.4 GB (openpyxl pads to the claimed width); now refused before reading",
    ),
    FileCase(
        "xlsx_claims_million_rows.xlsx",
        lambda: claims_range("A1:B9000000"),
        422,
        "file_rejected",
        says="claims the range",
    ),
    FileCase("xlsx_claims_small_range.xlsx", lambda: claims_range("A1:C3"), 200, loaded=1),
    FileCase("xlsx_zip_bomb.xlsx", zip_bomb, 422, "file_rejected", says="zip bomb"),
    FileCase("xlsx_not_a_zip.xlsx", lambda: b"name\nnot really excel\n", 422, "file_rejected", says="not an .xlsx"),
    FileCase(
        "xlsx_truncated.xlsx",
        lambda: xlsx([["企业名称"], ["德州截断有限公司"]])[:1500],
        422,
        "file_rejected",
        says="Excel workbook",
    ),
    FileCase(
        "old_excel.xls", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), 422, "file_rejected", says=".xls"
    ),
    FileCase("program.exe", lambda: b"MZ\x90\x00", 422, "validation_error", says="not a type this server loads"),
    FileCase("../../escape.csv", lambda: rows(*good(1)), 200, loaded=1, why="the name cannot place the file elsewhere"),
]

BILLION_LAUGHS = b"""a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
"""

DATASETS: list[DatasetCase] = [
    DatasetCase(
        "yaml_billion_laughs",
        {"sources.yaml": BILLION_LAUGHS},
        422,
        "file_rejected",
        says="anchors and aliases",
        why="aliases expand to 43 million values; refused without building them",
    ),
    DatasetCase(
        "yaml_deep_nesting",
        {"sources.yaml": b"a: " + b"[" * 5000 + b"]" * 5000 + b"\n"},
        422,
        "file_rejected",
        says="nest",
    ),
    DatasetCase(
        "jsonl_endless_line",
        {"sources.jsonl": b'{"key": "s1", "title": "' + b"x" * (5 << 20) + b'"}\n'},
        200,
        loaded=0,
        says="longer than",
        why="a damaged JSON line spoils only its own record: reported, never held whole",
    ),
    DatasetCase(
        "jsonl_deep_nesting",
        {"sources.jsonl": b"[" * 100_000 + b"]" * 100_000 + b"\n"},
        200,
        loaded=0,
        says="nests too deeply",
    ),
]

KEY = "hostile-editor-key-0001"
EDITOR = {"X-API-Key": KEY}

REQUESTS: list[RequestCase] = [
    RequestCase(
        "nul_byte_in_path_field",
        "POST",
        "/api/v1/loads",
        422,
        "validation_error",
        {"headers": EDITOR, "data": {"path": "data\x00set"}},
        says="control characters",
        why="was 500 (embedded null byte)",
    ),
    RequestCase(
        "newline_in_path_field",
        "POST",
        "/api/v1/loads",
        422,
        "validation_error",
        {"headers": EDITOR, "data": {"path": "a\nb"}},
    ),
    RequestCase(
        "path_name_too_long_for_the_filesystem",
        "POST",
        "/api/v1/loads",
        422,
        "validation_error",
        {"headers": EDITOR, "data": {"path": "x" * 999}},
    ),
    RequestCase(
        "path_traversal",
        "POST",
        "/api/v1/loads",
        403,
        "path_not_allowed",
        {"headers": EDITOR, "data": {"path": "../../etc"}},
    ),
    RequestCase(
        "absolute_path_outside",
        "POST",
        "/api/v1/loads",
        403,
        "path_not_allowed",
        {"headers": EDITOR, "data": {"path": "/etc"}},
    ),
    RequestCase(
        "negative_content_length",
        "POST",
        "/api/v1/loads",
        400,
        "bad_request",
        {
            "headers": {**EDITOR, "content-length": "-1", "content-type": "multipart/form-data; boundary=x"},
            "content": b"",
        },
    ),
    RequestCase(
        "multipart_without_boundary",
        "POST",
        "/api/v1/loads",
        400,
        "bad_request",
        {"headers": {**EDITOR, "content-type": "multipart/form-data"}, "content": b"--x\r\n"},
    ),
    RequestCase(
        "two_files_at_once",
        "POST",
        "/api/v1/loads",
        400,
        "bad_request",
        {"headers": EDITOR, "files": [("file", ("a.csv", b"x")), ("file", ("b.csv", b"y"))]},
    ),
    RequestCase(
        "body_is_plain_text",
        "POST",
        "/api/v1/loads",
        415,
        "unsupported_media_type",
        {"headers": {**EDITOR, "content-type": "text/plain"}, "content": b"x"},
    ),
    RequestCase(
        "wrong_key",
        "POST",
        "/api/v1/loads",
        401,
        "unauthorized",
        {"headers": {"X-API-Key": "nope"}, "data": {"path": "x"}},
    ),
    RequestCase(
        "url_over_8KiB",
        "GET",
        "/api/v1/search?text=" + "德" * 1500,
        414,
        "uri_too_long",
        why="was answered after parsing any length",
    ),
    RequestCase("path_segment_over_8KiB", "GET", "/api/v1/entities/" + "a" * 9000, 414, "uri_too_long"),
    RequestCase("head_on_a_json_route", "HEAD", "/api/v1/stats", 200, why="was 405"),
    RequestCase("head_on_a_page", "HEAD", "/viz/", 200, why="was 405"),
    RequestCase("head_on_a_probe", "HEAD", "/healthz", 200),
    RequestCase("nul_in_search_text", "GET", "/api/v1/search?text=%00", 200),
    RequestCase("nul_as_an_id", "GET", "/api/v1/entities/%00", 404, "not_found"),
    RequestCase("nul_in_a_page_name", "GET", "/viz/entity/%00", 404),
    RequestCase("garbage_cursor", "GET", "/api/v1/chains?cursor=%FF%FE", 422, "validation_error"),
    RequestCase(
        "limit_far_too_large", "GET", "/api/v1/enterprises?limit=99999999999999999999", 422, "validation_error"
    ),
    RequestCase("unpaired_surrogate_escape", "GET", "/api/v1/search?text=%ED%A0%80", 200),
    RequestCase(
        "open_redirect_after_signin", "GET", "/auth/signin?next=//evil.example/", 200, says='name="next" value="/"'
    ),
    RequestCase("audit_needs_admin", "GET", "/api/v1/audit", 401, "unauthorized"),
    RequestCase(
        "forged_session_cookie",
        "GET",
        "/auth/whoami",
        200,
        kwargs={"headers": {"cookie": "chainkg_session=eyJuYW1lIjoiYXBpLWtleSJ9.AAAA"}},
        says='"via":"anonymous"',
    ),
    RequestCase("method_not_allowed", "DELETE", "/api/v1/stats", 405, "method_not_allowed"),
]


def write_out(directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for case in FILES:
        (directory / Path(case.name).name).write_bytes(case.content())
    for dataset in DATASETS:
        (directory / dataset.name).mkdir(exist_ok=True)
        for name, content in dataset.files.items():
            (directory / dataset.name / name).write_bytes(content)
    table = [{"name": c.name, "status": c.status, "code": c.code, "says": c.says, "why": c.why} for c in FILES]
    (directory / "expected.json").write_text(json.dumps(table, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    write_out(Path(sys.argv[1]))
