"""Queries get answers out of the graph: one module per question, whatever store holds the graph.

Every query module holds, side by side:

- a module docstring that *is* the definition of the query (``docs/queries.md`` is generated from it);
- ``Params``: a pydantic model of its parameters, with limits, defaults and descriptions that every
  front end reads (:mod:`chainkg.queries.params`: which fields name a node, the scope);
- ``Result``: a pydantic model of its answer (the same shape for CLI ``--json``, API and notebooks);
- ``run_networkx(graph, params) -> Result``: the embedded implementation;
- ``CYPHER`` and ``run_cypher(execute, params) -> Result``: its Cypher twin for Neo4j — parameters
  only, labels and types from the schema enums (:mod:`chainkg.queries.cypher.common`); pure-Python
  finishing (ordering, scoring) that both twins share lives in the module once;
- ``QUERY = Query(...)`` (:mod:`chainkg.queries.base`), the typed object a store runs:
  ``store.run(gaps.QUERY, gaps.Params(...))`` returns a ``gaps.Result``.

:mod:`chainkg.queries.registry` lists every query once; :mod:`chainkg.queries.refs` turns names
people type into the ids queries take. Stores dispatch to these; they never contain query logic.
"""
