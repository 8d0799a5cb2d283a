// The Replication module: see docs/architecture.md.
