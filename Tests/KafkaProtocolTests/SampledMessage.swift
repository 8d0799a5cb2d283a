import KafkaProtocol

/// A generated message with a generated sample value per version (Generated/*+Sample.swift).
protocol SampledMessage: KafkaMessage {
    static func sample(version: Int16) -> Self
}
