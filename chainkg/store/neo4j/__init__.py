"""Neo4j: the store, its Cypher write statements and its schema (constraints, indexes)."""
