import Controller
import Synchronization

/// The newest committed metadata image, readable from any thread without waiting (Kafka's
/// `KRaftMetadataCache`). Handlers take a snapshot per request and answer from it.
final class MetadataCache: Sendable {
    private let current: Mutex<MetadataImage>

    init(_ image: MetadataImage) { current = Mutex(image) }

    var image: MetadataImage { current.withLock { $0 } }

    func publish(_ image: MetadataImage) { current.withLock { $0 = image } }
}
