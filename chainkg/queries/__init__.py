"""Queries get answers out of the graph, and the stores they run on.

Every query is one module holding, side by side:

- ``Params``: a pydantic model of its parameters, with limits;
- ``Result``: a pydantic model of its answer (the same shape for CLI ``--json``, API and notebooks);
- ``run_networkx(graph, params) -> Result``: the embedded implementation;
- ``CYPHER`` and ``run_cypher(execute, params) -> Result``: its Cypher twin for Neo4j — the
  statements, parameters only, labels and types from the schema enums (:mod:`chainkg.queries.cypher.common`),
  and the function the Neo4j store runs them with; pure-Python finishing (ordering, scoring) that
  both twins share lives in the module once;
- a module docstring that *is* the definition of the query.

Stores dispatch to these; they never contain query logic.
"""
