/// A schema version range: `"3"`, `"0-9"`, `"9+"` or `"none"`.
struct VersionRange: Equatable, CustomStringConvertible {
    /// Inclusive bounds; `upper == Int16.max` stands for "and every later version". Empty when lower > upper.
    var lower: Int16
    var upper: Int16

    static let none = VersionRange(lower: 1, upper: 0)
    static let all = VersionRange(lower: 0, upper: .max)

    init(lower: Int16, upper: Int16) {
        self.lower = lower
        self.upper = upper
    }

    init(parsing text: String) throws {
        let text = text.trimmingCharacters(in: .whitespaces)
        if text == "none" {
            self = .none
        } else if text.hasSuffix("+"), let lower = Int16(text.dropLast()) {
            self.init(lower: lower, upper: .max)
        } else if let dash = text.firstIndex(of: "-"), let lower = Int16(text[..<dash]),
            let upper = Int16(text[text.index(after: dash)...])
        {
            self.init(lower: lower, upper: upper)
        } else if let single = Int16(text) {
            self.init(lower: single, upper: single)
        } else {
            throw GeneratorError.invalidSchema("bad version range \"\(text)\"")
        }
    }

    var isEmpty: Bool { lower > upper }

    func intersection(_ other: VersionRange) -> VersionRange {
        VersionRange(lower: max(lower, other.lower), upper: min(upper, other.upper))
    }

    func contains(_ version: Int16) -> Bool { version >= lower && version <= upper }

    var description: String {
        if isEmpty { return "none" }
        if upper == .max { return "\(lower)+" }
        return lower == upper ? "\(lower)" : "\(lower)-\(upper)"
    }

    /// A Swift condition on `version` that holds exactly inside this range, given that `version` is always
    /// within `valid`. Returns "true" or "false" when the answer does not depend on the version.
    func condition(within valid: VersionRange) -> String {
        let effective = intersection(valid)
        if effective.isEmpty { return "false" }
        let needsLower = effective.lower > valid.lower
        let needsUpper = effective.upper < valid.upper
        switch (needsLower, needsUpper) {
        case (false, false): return "true"
        case (true, false): return "version >= \(effective.lower)"
        case (false, true): return "version <= \(effective.upper)"
        case (true, true):
            return effective.lower == effective.upper
                ? "version == \(effective.lower)" : "(version >= \(effective.lower) && version <= \(effective.upper))"
        }
    }
}

enum GeneratorError: Error, CustomStringConvertible {
    case invalidSchema(String)
    case io(String)

    var description: String {
        switch self {
        case .invalidSchema(let why): "invalid schema: \(why)"
        case .io(let why): why
        }
    }
}
