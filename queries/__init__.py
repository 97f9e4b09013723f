"""Queries get answers out of the graph, and the stores they run on.

Every query is one module holding, side by side:

- ``Params``: a pydantic model of its parameters, with limits;
- ``Result``: a pydantic model of its answer (the same shape for CLI ``--json``, API and notebooks);
- ``run_networkx(graph, params) -> Result``: the embedded implementation;
- ``CYPHER``: its Cypher twin for Neo4j (parameters only; labels and types from the schema enums);
- a module docstring that *is* the definition of the query.

Stores dispatch to these; they never contain query logic.
"""
