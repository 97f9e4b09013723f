"""``/docs`` served entirely from this package, so it works on a network with no internet access.

FastAPI's default page loads Swagger UI from a CDN. Here the page points at files vendored under
``chainkg/api/static/swagger-ui/`` (swagger-ui-dist, Apache-2.0; version, licence and checksums are in
that folder). Swagger UI 5 is needed because FastAPI emits OpenAPI 3.1 (the ``swagger-ui-bundle``
package on PyPI still ships 4.x, which cannot render 3.1). The online validator badge is switched
off, as it would call out to swagger.io. ReDoc is not offered: it would need another vendored
bundle for a second view of the same document.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

__all__ = ["STATIC_DIR", "install_docs"]

STATIC_DIR = Path(__file__).resolve().parent / "static"


def install_docs(app: FastAPI, docs_url: str = "/docs") -> None:
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get(docs_url, include_in_schema=False)
    def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "").rstrip("/")
        assets = f"{root}/static/swagger-ui"
        return get_swagger_ui_html(
            openapi_url=f"{root}{app.openapi_url}",
            title=f"{app.title} API",
            swagger_js_url=f"{assets}/swagger-ui-bundle.js",
            swagger_css_url=f"{assets}/swagger-ui.css",
            swagger_favicon_url=f"{assets}/favicon-32x32.png",
            swagger_ui_parameters={"validatorUrl": None, "displayOperationId": True, "tryItOutEnabled": True},
        )
