// The KafkaClient module: see docs/architecture.md.
