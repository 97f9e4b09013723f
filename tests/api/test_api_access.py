"""Access through the real app: reads public until keys are handed out, then keys or a browser
session; roles viewer < editor < admin; every write in the audit log, listed to admins only; HTTP
hygiene on every answer (security headers, HEAD, 414)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from chainkg.app.keys import add_key
from chainkg.app.settings import Settings
from chainkg.server import create_app
from chainkg.store.memory import MemoryStore
from tests.app.test_recovery import registry_csv

ADMIN, EDITOR, VIEWER = "admin-key-0123456", "editor-key-0123456", "viewer-key-0123456"
NAMED = f"ops:admin:{ADMIN},zhang:editor:{EDITOR},li:viewer:{VIEWER}"


def client_for(store: MemoryStore, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings, MemoryStore(store.graph.copy(), store.manifest()))) as client:
        yield client


@pytest.fixture
def protected(dezhou: MemoryStore, tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(home=tmp_path / "home", keys=SecretStr(NAMED), watch_seconds=0)
    yield from client_for(dezhou, settings)


@pytest.fixture
def public(dezhou: MemoryStore, tmp_path: Path) -> Iterator[TestClient]:
    yield from client_for(dezhou, Settings(home=tmp_path / "home", watch_seconds=0))


def upload(client: TestClient, tmp_path: Path, key: str | None, name: str = "r.csv") -> int:
    csv = registry_csv(tmp_path / name, 3, prefix=name[:2])
    headers = {"X-API-Key": key} if key else {}
    return client.post("/api/v1/loads", headers=headers, files={"file": (name, csv.read_bytes())}).status_code


def test_reads_are_public_until_keys_are_handed_out(public: TestClient) -> None:
    assert public.get("/api/v1/stats").status_code == 200
    assert public.get("/auth/whoami").json() == {
        "name": "anonymous",
        "role": None,
        "via": "anonymous",
        "reads_protected": False,
    }


def test_protected_reads_need_a_key_except_probes_and_docs(protected: TestClient) -> None:
    refused = protected.get("/api/v1/stats")
    assert refused.status_code == 401 and refused.json()["code"] == "unauthorized"
    assert refused.headers["www-authenticate"].startswith("Bearer")
    page = protected.get("/viz/", headers={"accept": "text/html"}, follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/auth/signin?next=/viz/"
    for path in ("/healthz", "/readyz", "/docs", "/openapi.json", "/auth/signin"):
        assert protected.get(path).status_code == 200, path
    for key in (VIEWER, EDITOR, ADMIN):
        assert protected.get("/api/v1/stats", headers={"X-API-Key": key}).status_code == 200
        assert protected.get("/viz/", headers={"Authorization": f"Bearer {key}"}).status_code == 200
    assert protected.get("/api/v1/stats", headers={"X-API-Key": "wrong"}).status_code == 401


def test_roles_decide_who_loads_and_who_reads_the_audit_log(protected: TestClient, tmp_path: Path) -> None:
    assert upload(protected, tmp_path, VIEWER) == 403
    assert upload(protected, tmp_path, EDITOR, "zhang.csv") == 200
    assert upload(protected, tmp_path, ADMIN, "ops.csv") == 200
    assert protected.get("/api/v1/audit", headers={"X-API-Key": EDITOR}).status_code == 403
    log = protected.get("/api/v1/audit", headers={"X-API-Key": ADMIN}).json()
    assert log["total"] == 3
    newest, middle, oldest = log["entries"]
    assert (newest["actor"]["name"], newest["actor"]["role"], newest["outcome"]) == ("ops", "admin", "ok")
    assert (middle["actor"]["name"], middle["inputs"][0]["name"], middle["records_loaded"]) == ("zhang", "zhang.csv", 3)
    assert middle["nodes_created"] >= 3 and middle["inputs"][0]["sha256"] and middle["time"]
    assert (oldest["actor"]["name"], oldest["outcome"]) == ("li", "refused"), "a refused attempt is audited too"
    assert "viewer" in oldest["message"]
    page = protected.get("/api/v1/audit?limit=1&actor=zhang", headers={"X-API-Key": ADMIN}).json()
    assert page["total"] == 1 and page["next_cursor"] is None


def test_a_browser_signs_in_with_a_key_and_gets_a_session(protected: TestClient, tmp_path: Path) -> None:
    failed = protected.post("/auth/session", data={"key": "nope", "next": "/viz/"}, follow_redirects=False)
    assert failed.status_code == 303 and "failed=1" in failed.headers["location"]
    workbench = protected.get("/", headers={"accept": "text/html"}, follow_redirects=False)
    assert workbench.status_code == 303 and workbench.headers["location"] == "/auth/signin?next=/"
    signed = protected.post("/auth/session", data={"key": EDITOR, "next": "/"}, follow_redirects=False)
    assert signed.status_code == 303 and signed.headers["location"] == "/"
    cookie = signed.headers["set-cookie"]
    assert "httponly" in cookie.lower() and "samesite=strict" in cookie.lower() and EDITOR not in cookie
    home = protected.get("/")
    assert home.status_code == 200 and "zhang · 编辑" in home.text and 'action="/auth/logout"' in home.text
    assert protected.get("/viz/").status_code == 200
    assert protected.get("/auth/whoami").json()["via"] == "session"
    # A write carried by the cookie alone must come from this server's own pages.
    csv = registry_csv(tmp_path / "s.csv", 2, prefix="会话").read_bytes()
    cross = protected.post("/api/v1/loads", files={"file": ("s.csv", csv)}, headers={"origin": "http://evil.example"})
    assert cross.status_code == 403 and cross.json()["code"] == "cross_site_request"
    same = protected.post("/api/v1/loads", files={"file": ("s.csv", csv)}, headers={"origin": "http://testserver"})
    assert same.status_code == 200
    protected.post("/auth/logout")
    assert protected.get("/api/v1/stats").status_code == 401


def test_a_removed_key_ends_its_sessions(dezhou: MemoryStore, tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home", watch_seconds=0)
    key = add_key(settings.keys_path, "wang", "viewer")
    for client in client_for(dezhou, settings):
        assert client.get("/api/v1/stats").status_code == 401, "a keys file protects reads"
        assert client.post("/auth/session", json={"key": key}).json() == {"name": "wang", "role": "viewer"}
        assert client.get("/api/v1/stats").status_code == 200
        from chainkg.app.keys import remove_key

        assert remove_key(settings.keys_path, "wang")
        assert client.get("/api/v1/stats").status_code == 401


def test_guessing_keys_is_slowed_down(protected: TestClient) -> None:
    statuses = [protected.post("/auth/session", json={"key": f"guess-{i}"}).status_code for i in range(12)]
    assert statuses[:10] == [401] * 10 and statuses[-1] == 429


@pytest.mark.parametrize("path", ["/api/v1/stats", "/viz/", "/healthz", "/docs", "/api/v1/nothing-here"])
def test_security_headers_on_pages_json_and_errors(public: TestClient, path: str) -> None:
    response = public.get(path)
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "SAMEORIGIN"
    assert response.headers["referrer-policy"] == "no-referrer"
    policy = response.headers["content-security-policy"]
    if response.headers["content-type"].startswith("text/html"):
        assert "default-src 'self'" in policy and "http" not in policy, "nothing fetched from elsewhere"
    else:
        assert policy.startswith("default-src 'none'")


def test_head_answers_every_get_route_without_a_body(public: TestClient) -> None:
    spec = public.get("/openapi.json").json()
    paths = [p for p, ops in spec["paths"].items() if "get" in ops and "{" not in p] + ["/docs", "/viz/"]
    assert len(paths) >= 12
    for path in paths:
        get, head = public.get(path), public.head(path)
        assert head.status_code == get.status_code, path
        assert head.content == b"" and head.headers.get("content-type") == get.headers.get("content-type"), path


def test_over_long_urls_get_414(public: TestClient) -> None:
    response = public.get("/api/v1/search", params={"text": "x" * 9000})
    assert response.status_code == 414 and response.json()["code"] == "uri_too_long"
    assert public.get("/api/v1/search", params={"text": "x" * 100}).status_code == 200
