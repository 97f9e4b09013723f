# chainkg's HTTP service on Neo4j — built and wired up by docker-compose.yml (README: "Neo4j").
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY pyproject.toml README.md ./
COPY chainkg/ chainkg/
COPY data/ data/
RUN pip install . \
    && useradd --system --user-group --home-dir /var/lib/chainkg --create-home chainkg

# Settings (chainkg/app/settings.py): Neo4j as the store; the service compose names "neo4j"; the bundled
# Dezhou data fills an empty graph on the first start. The password comes from docker-compose.yml.
# PYTHONPATH: the copied source tree is what runs, so the data files it finds next to its modules
# (data/dezhou, data/national, data/mappings) are there; pip install provides the dependencies and `chainkg`.
ENV PYTHONPATH=/app \
    CHAINKG_STORE=neo4j \
    CHAINKG_NEO4J_URI=bolt://neo4j:7687 \
    CHAINKG_NEO4J_USER=neo4j \
    CHAINKG_HOME=/var/lib/chainkg \
    CHAINKG_DATASET=/app/data/dezhou,/app/data/national

USER chainkg
EXPOSE 8000
VOLUME ["/var/lib/chainkg"]
HEALTHCHECK --interval=15s --timeout=5s --start-period=90s --retries=4 \
    CMD ["python", "-c", "import urllib.request as u; u.urlopen('http://127.0.0.1:8000/readyz', timeout=4)"]
CMD ["chainkg", "serve", "--store", "neo4j", "--host", "0.0.0.0", "--port", "8000"]
