/// Swift spellings of schema names and types.
enum SwiftNames {
    static func type(of type: FieldType) -> String {
        switch type {
        case .bool: "Bool"
        case .int8: "Int8"
        case .int16: "Int16"
        case .int32: "Int32"
        case .int64: "Int64"
        case .uint16: "UInt16"
        case .uint32: "UInt32"
        case .float64: "Double"
        case .string: "String"
        case .bytes: "ByteBuffer"
        case .records: "RecordsPayload"
        case .uuid: "KafkaUUID"
        case .array(let element): "[\(self.type(of: element))]"
        case .structure(let name): name
        }
    }

    /// `TopicProduceData` → `topicProduceData`, `ISRNodes` → `isrNodes`; keywords in backticks.
    static func property(_ name: String) -> String {
        let characters = Array(name)
        var leadingUpper = 0
        while leadingUpper < characters.count, characters[leadingUpper].isUppercase { leadingUpper += 1 }
        let lowered: String
        if leadingUpper <= 1 || leadingUpper == characters.count {
            lowered = name.prefix(max(leadingUpper, 1)).lowercased() + name.dropFirst(max(leadingUpper, 1))
        } else {
            // An acronym followed by a word: keep the word's capital ("ISRNodes" → "isrNodes").
            lowered = name.prefix(leadingUpper - 1).lowercased() + name.dropFirst(leadingUpper - 1)
        }
        return keywords.contains(lowered) ? "`\(lowered)`" : lowered
    }

    /// `Produce` from `ProduceRequest`, for file and API names.
    static func apiName(_ requestName: String) -> String {
        requestName.hasSuffix("Request") ? String(requestName.dropLast("Request".count)) : requestName
    }

    /// `produce` from `Produce`: the `ApiKey` constant.
    static func apiConstant(_ apiName: String) -> String { property(apiName) }

    /// A Swift string literal.
    static func literal(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            default: escaped.append(character)
            }
        }
        return "\"\(escaped)\""
    }

    static let keywords: Set<String> = [
        "associatedtype", "class", "deinit", "enum", "extension", "fileprivate", "func", "import", "init", "inout",
        "internal", "let", "open", "operator", "private", "precedencegroup", "protocol", "public", "rethrows",
        "static", "struct", "subscript", "typealias", "var", "break", "case", "catch", "continue", "default",
        "defer", "do", "else", "fallthrough", "for", "guard", "if", "in", "repeat", "return", "throw", "switch",
        "where", "while", "as", "false", "is", "nil", "self", "super", "throws", "true", "try", "any", "some",
    ]

    /// Names a nested struct may not take, because generated code refers to these types.
    static let reservedTypeNames: Set<String> = [
        "String", "Bool", "Int8", "Int16", "Int32", "Int64", "UInt16", "UInt32", "Double", "ByteBuffer",
        "RecordsPayload", "KafkaUUID", "KafkaWriter", "RawTaggedField", "Error", "Result", "Optional", "Array",
        "Response", "Self", "Type", "Protocol", "Any", "ApiKey",
    ]
}

/// Default values as Swift expressions, following the schema README: numbers 0, bool false, string "",
/// bytes empty, uuid zero, records null, arrays empty, structs at their defaults, unless `default` says.
enum DefaultValues {
    static func expression(for spec: FieldSpec, isOptional: Bool, context: String) throws -> String {
        if let value = spec.defaultValue {
            if value == "null" {
                guard isOptional else { throw GeneratorError.invalidSchema("\(context): default null but not nullable") }
                return "nil"
            }
            switch spec.type {
            case .bool:
                guard value == "true" || value == "false" else { throw GeneratorError.invalidSchema("\(context): bad bool \(value)") }
                return value
            case .int8, .int16, .int32, .int64, .uint16, .uint32:
                return try integerLiteral(value, context: context)
            case .float64:
                guard Double(value) != nil else { throw GeneratorError.invalidSchema("\(context): bad float \(value)") }
                return value.contains(".") ? value : value + ".0"
            case .string:
                return SwiftNames.literal(value)
            default:
                throw GeneratorError.invalidSchema("\(context): a default of \(value) for type \(spec.type) is not supported")
            }
        }
        switch spec.type {
        case .bool: return "false"
        case .int8, .int16, .int32, .int64, .uint16, .uint32: return "0"
        case .float64: return "0.0"
        case .string: return "\"\""
        case .bytes: return "ByteBuffer()"
        case .records: return isOptional ? "nil" : "RecordsPayload.empty"
        case .uuid: return "KafkaUUID.zero"
        case .array: return "[]"
        case .structure(let name): return "\(name)()"
        }
    }

    private static func integerLiteral(_ text: String, context: String) throws -> String {
        let negative = text.hasPrefix("-")
        let digits = negative ? String(text.dropFirst()) : text
        let value: Int64?
        if digits.lowercased().hasPrefix("0x") {
            value = Int64(digits.dropFirst(2), radix: 16)
        } else {
            value = Int64(digits)
        }
        guard let value else { throw GeneratorError.invalidSchema("\(context): bad integer default \(text)") }
        return String(negative ? -value : value)
    }
}
