/// A bench that cannot run as asked or could not finish: one line for the user.
public struct BenchError: Error, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) { self.description = description }
}
