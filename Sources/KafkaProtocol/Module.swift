// The KafkaProtocol module: see docs/architecture.md.
