// The LogStorage module: see docs/architecture.md.
