"""Where the graph is kept: the store protocol, the embedded networkx store with its indexes and
snapshots, and Neo4j."""
