// The Controller module: see docs/architecture.md.
