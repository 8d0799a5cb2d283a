/// Renders one struct (a message or a nested struct): properties, inits, encode and decode.
struct StructRenderer {
    var structure: StructModel
    var schema: Schema
    /// Lines that go right after the opening brace (conformance statics of a top-level message).
    var header: [String] = []
    /// Types nested inside (rendered already).
    var nestedBodies: [[String]] = []
    var isRoot: Bool

    private var hasFlexibleVersions: Bool { !schema.flexibleVersions.intersection(schema.validVersions).isEmpty }
    private var flexibleCondition: String { schema.flexibleVersions.condition(within: schema.validVersions) }

    func render(conformance: String) -> [String] {
        var lines = ["public struct \(structure.name): \(conformance) {"]
        lines += header.map { "    " + $0 }
        if !header.isEmpty { lines.append("") }
        for body in nestedBodies {
            lines += body.map { $0.isEmpty ? "" : "    " + $0 }
            lines.append("")
        }
        lines += properties().map { "    " + $0 }
        lines.append("")
        lines += initializers().map { $0.isEmpty ? "" : "    " + $0 }
        lines.append("")
        lines += decoder().map { $0.isEmpty ? "" : "    " + $0 }
        lines.append("")
        lines += encoder().map { $0.isEmpty ? "" : "    " + $0 }
        lines.append("}")
        return lines
    }

    private func properties() -> [String] {
        var lines: [String] = []
        for field in structure.fields {
            var note = "Versions \(field.spec.versions)"
            if !field.spec.nullableVersions.isEmpty { note += ", nullable \(field.spec.nullableVersions)" }
            if let tag = field.spec.tag { note += ", tagged (tag \(tag))" }
            if field.spec.ignorable { note += ", ignorable" }
            lines.append("/// \(field.spec.name): \(note).")
            lines.append("public var \(field.swiftName): \(field.swiftType) = \(field.defaultExpression)")
        }
        if hasFlexibleVersions {
            lines.append("/// Tagged fields this schema does not name, kept so the message re-encodes unchanged.")
            lines.append("public var unknownTaggedFields: [RawTaggedField] = []")
        }
        return lines
    }

    private func initializers() -> [String] {
        var lines = ["public init() {}"]
        guard !structure.fields.isEmpty else { return lines }
        lines.append("")
        let parameters = structure.fields.map {
            "\($0.swiftName.replacingOccurrences(of: "`", with: "")): \($0.swiftType) = \($0.defaultExpression)"
        }
        lines.append("public init(")
        lines += parameters.enumerated().map { "    " + $1 + ($0 == parameters.count - 1 ? "" : ",") }
        lines.append(") {")
        for field in structure.fields {
            let bare = field.swiftName.replacingOccurrences(of: "`", with: "")
            lines.append("    self.\(field.swiftName) = \(SwiftNames.keywords.contains(bare) ? "`\(bare)`" : bare)")
        }
        lines.append("}")
        return lines
    }

    private func coding(_ field: FieldModel) -> FieldCoding { FieldCoding(field: field, schema: schema) }

    private func decoder() -> [String] {
        var body: [String] = []
        if isRoot { body.append("try Self.checkVersion(version)") }
        body.append("self.init()")
        for field in structure.regularFields {
            let coding = coding(field)
            body += guarded(coding.presence, coding.read(from: "buffer"))
        }
        if hasFlexibleVersions {
            let tagged = structure.taggedFields
            if tagged.isEmpty {
                body += guarded("flexible", ["self.unknownTaggedFields = try buffer.readKafkaTaggedFields()"])
            } else {
                var section = ["for field in try buffer.readKafkaTaggedFields() {", "    var data = field.data", "    switch field.tag {"]
                for field in tagged {
                    let coding = coding(field)
                    let condition = coding.presence == "true" ? "" : " where \(coding.presence)"
                    section.append("    case \(field.spec.tag!)\(condition):")
                    section += coding.read(from: "data").map { "        " + $0 }
                }
                section += ["    default:", "        self.unknownTaggedFields.append(field)", "    }", "}"]
                body += guarded("flexible", section)
            }
        }
        return function("public init(from buffer: inout ByteBuffer, version: Int16) throws", body)
    }

    private func encoder() -> [String] {
        var body: [String] = []
        if isRoot { body.append("try Self.checkVersion(version)") }
        for field in structure.fields {
            body += coding(field).lossCheck(presence: coding(field).presence)
        }
        for field in structure.regularFields {
            let coding = coding(field)
            body += guarded(coding.presence, coding.write(to: "writer"))
        }
        if hasFlexibleVersions {
            let tagged = structure.taggedFields
            var section = ["\(tagged.isEmpty ? "let" : "var") tagged = TaggedFieldsEncoder(unknown: self.unknownTaggedFields)"]
            for field in tagged {
                let coding = coding(field)
                let present = coding.presence == "true" ? "" : "\(coding.presence), "
                section.append("if \(present)\(coding.value) != \(field.defaultExpression) {")
                let statements = coding.write(to: "writer")
                let mark = statements.contains { $0.contains("try ") } ? "try " : ""
                section.append("    \(mark)tagged.add(tag: \(field.spec.tag!)) { writer in")
                section += statements.map { "        " + $0 }
                section.append("    }")
                section.append("}")
            }
            section.append("tagged.write(to: &writer)")
            body += guarded("flexible", section)
            if flexibleCondition != "true" {
                body += [
                    "if !flexible && !self.unknownTaggedFields.isEmpty {",
                    "    throw KafkaCodingError.fieldNotInVersion(field: \(SwiftNames.literal(schema.name + ".unknownTaggedFields")), version: version)",
                    "}",
                ]
            }
        }
        return function("public func encode(to writer: inout KafkaWriter, version: Int16) throws", body)
    }

    /// A function whose body declares `flexible` first when it uses it.
    private func function(_ signature: String, _ body: [String]) -> [String] {
        var body = body
        if body.contains(where: { $0.contains("flexible") && !$0.contains("let flexible") }) {
            let declaration = "let flexible = \(flexibleCondition)"
            body.insert(declaration, at: isRoot ? 1 : 0)
        }
        return [signature + " {"] + body.map { "    " + $0 } + ["}"]
    }

    /// Wraps statements in `if condition { }` unless the condition is always true; drops them if never.
    private func guarded(_ condition: String, _ statements: [String]) -> [String] {
        switch condition {
        case "true": statements
        case "false": []
        default: ["if \(condition) {"] + statements.map { "    " + $0 } + ["}"]
        }
    }
}
