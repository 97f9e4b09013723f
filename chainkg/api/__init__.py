"""The JSON API under ``/api/v1/`` (FastAPI): thin routers over the query objects, errors, auth, limits."""
