// The Raft module: see docs/architecture.md.
