/// Renders a top-level message with its nested structs, and the test samples for it.
struct MessageRenderer {
    var model: MessageModel

    /// The conformance and static members that make the message usable from hand-written code.
    private var conformance: (protocols: String, statics: [String]) {
        let schema = model.schema
        var statics = [
            "public static let messageName = \(SwiftNames.literal(schema.name))",
            "public static let validVersions: ClosedRange<Int16> = \(schema.validVersions.lower)...\(schema.validVersions.upper)",
        ]
        let flexible = schema.flexibleVersions.intersection(schema.validVersions)
        statics.append("public static let firstFlexibleVersion: Int16? = \(flexible.isEmpty ? "nil" : String(flexible.lower))")
        switch schema.kind {
        case .request:
            let api = SwiftNames.apiName(schema.name)
            statics.insert("public typealias Response = \(api)Response", at: 0)
            statics.append("public static let apiKey = ApiKey.\(SwiftNames.apiConstant(api))")
            return ("KafkaRequest", statics)
        case .response:
            let api = String(schema.name.dropLast("Response".count))
            statics.append("public static let apiKey = ApiKey.\(SwiftNames.apiConstant(api))")
            return ("KafkaResponse", statics)
        case .metadata:
            statics.append("public static let recordType: Int16 = \(schema.apiKey ?? -1)")
            return ("KafkaMetadataRecord", statics)
        case .header, .data:
            return ("KafkaMessage", statics)
        }
    }

    func render() -> [String] {
        let nested = model.nested.map {
            StructRenderer(structure: $0, schema: model.schema, isRoot: false).render(conformance: "KafkaStruct")
        }
        let (protocols, statics) = conformance
        var root = StructRenderer(structure: model.root, schema: model.schema, isRoot: true)
        root.header = statics
        root.nestedBodies = nested
        return root.render(conformance: protocols)
    }

    // MARK: Samples for the round-trip tests

    /// `extension X { static func sample(version:) }` for the message and every nested struct: each field
    /// present at the version set to a value other than its default.
    func renderSamples() -> [String] {
        var lines: [String] = []
        let name = model.schema.name
        lines += sample(for: model.root, qualifiedName: name, conformance: ": SampledMessage")
        for structure in model.nested {
            lines.append("")
            lines += sample(for: structure, qualifiedName: "\(name).\(structure.name)", conformance: "")
        }
        return lines
    }

    private func sample(for structure: StructModel, qualifiedName: String, conformance: String) -> [String] {
        var lines = ["extension \(qualifiedName)\(conformance) {", "    static func sample(version: Int16) -> Self {"]
        lines.append("        \(structure.fields.isEmpty ? "let" : "var") value = Self()")
        for field in structure.fields {
            let condition = field.present.condition(within: model.schema.validVersions)
            guard condition != "false" else { continue }
            let assignment = "value.\(field.swiftName) = \(sampleValue(field.spec.type, field: field))"
            if condition == "true" {
                lines.append("        " + assignment)
            } else {
                lines.append("        if \(condition) { \(assignment) }")
            }
        }
        lines += ["        return value", "    }", "}"]
        return lines
    }

    private func sampleValue(_ type: FieldType, field: FieldModel) -> String {
        let fallback = field.defaultExpression
        func differing(_ candidate: String) -> String { candidate == fallback ? "\(candidate) + 1" : candidate }
        switch type {
        case .bool: return fallback == "true" ? "false" : "true"
        case .int8: return differing("7")
        case .int16: return differing("1234")
        case .int32: return differing("123456")
        case .int64: return differing("1234567890123")
        case .uint16: return differing("4321")
        case .uint32: return differing("65539")
        case .float64: return "2.5"
        case .string: return SwiftNames.literal("s-\(field.spec.name)")
        case .bytes: return "ByteBuffer(bytes: [1, 2, 3])"
        case .records: return "RecordsPayload.bytes(ByteBuffer(bytes: [9, 8, 7, 6]))"
        case .uuid: return "KafkaUUID(high: 0x0102, low: 0x0304)"
        case .structure(let name): return "\(model.schema.name).\(name).sample(version: version)"
        case .array(let element):
            switch element {
            case .structure(let name): return "[\(model.schema.name).\(name).sample(version: version)]"
            case .string: return "[\"a\", \"bc\"]"
            case .uuid: return "[KafkaUUID(high: 5, low: 6)]"
            case .bool: return "[true]"
            default: return "[1, 2, 3]"
            }
        }
    }
}
