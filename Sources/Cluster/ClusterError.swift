/// Why a cluster or fault operation failed, as one line that says what to do next.
///
/// A struct with a message rather than an enum: the causes (a busy port, a dead broker, a file that
/// cannot be written) only ever reach a person, and each needs its own wording.
public struct ClusterError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
