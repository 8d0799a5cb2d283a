/// Kafka's rules for topic names (`Topic.validate`): 1 to 249 characters from `[a-zA-Z0-9._-]`, not `.` or `..`.
public enum TopicNames {
    public static let maximumLength = 249

    /// nil when the name is legal, else why not.
    public static func problem(with name: String) -> String? {
        if name.isEmpty { return "Topic name is illegal, it can't be empty" }
        if name == "." || name == ".." { return "Topic name cannot be \".\" or \"..\"" }
        if name.utf8.count > maximumLength {
            return "Topic name is illegal, it can't be longer than \(maximumLength) characters, topic name: \(name)"
        }
        let legal = name.utf8.allSatisfy { byte in
            (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39)
                || byte == 0x2E || byte == 0x5F || byte == 0x2D
        }
        return legal ? nil : "Topic name \(name) is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'"
    }

    /// Names that differ only by '.' versus '_' collide in metric names, so Kafka refuses the second.
    public static func collisionKey(_ name: String) -> String { String(name.map { $0 == "." ? "_" : $0 }) }

    /// Internal topics Kafka manages itself.
    public static func isInternal(_ name: String) -> Bool { name == "__consumer_offsets" || name == "__transaction_state" }
}
