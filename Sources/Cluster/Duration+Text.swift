extension Duration {
    /// `15s`, `0.8s`: how long something took or may take, for messages.
    public var text: String {
        let milliseconds = components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
        if milliseconds % 1000 == 0 { return "\(milliseconds / 1000)s" }
        return "\(Double(milliseconds / 100) / 10)s"
    }
}
