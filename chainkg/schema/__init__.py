"""What exists in the graph: kinds, validated models, ids and the name-normalisation rule."""

#: Bump when the stored shape of nodes or edges changes; snapshots of another version are rebuilt.
SCHEMA_VERSION = "1"
