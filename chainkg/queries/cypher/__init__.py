"""Cypher helpers the queries' Neo4j forms share: statement fragments, execution, segment facts."""
