"""chainkg — an open, self-hostable industrial-chain knowledge graph (产业链知识图谱).

Floors, each importing only from the floors below it (``scripts/test.sh`` checks the contract):

- :mod:`chainkg.schema` — what exists: node/edge kinds, models, ids, normalisation, the conflict rule;
- :mod:`chainkg.store` — where it is kept: the store protocol, the embedded store, Neo4j, snapshots;
- :mod:`chainkg.loaders` — what puts it in (pipeline, readers, one module or folder per kind of
  input); :mod:`chainkg.synthetic` — generated datasets; :mod:`chainkg.queries` — what gets it out
  (one typed query per question);
- :mod:`chainkg.app` — settings, opening the store, warm-up;
- :mod:`chainkg.api`, :mod:`chainkg.viz`, :mod:`chainkg.web`, :mod:`chainkg.server`,
  :mod:`chainkg.cli` — the faces.
"""
