/// Swift statements that write or read one field (the render stage's building blocks).
struct FieldCoding {
    var field: FieldModel
    /// The message's valid versions: conditions are simplified against them.
    var valid: VersionRange
    /// The expression that says whether this field's strings/arrays are compact here.
    var compact: String

    init(field: FieldModel, schema: Schema) {
        self.field = field
        self.valid = schema.validVersions
        if field.spec.isTagged {
            compact = "true"
        } else if let override = field.spec.flexibleVersions {
            compact = override.condition(within: schema.validVersions)
        } else {
            compact = "flexible"
        }
    }

    var value: String { "self.\(field.swiftName)" }
    var presence: String { field.present.condition(within: valid) }
    /// Whether the value may be null, given that the field is present.
    var nullability: String {
        guard field.isOptional else { return "false" }
        return field.nullable.condition(within: field.present.isEmpty ? valid : field.present)
    }

    private var required: String {
        "try kafkaRequireNonNull(\(value), field: \(SwiftNames.literal(field.qualifiedName)), version: version)"
    }

    // MARK: Writing

    /// Statements that write the field's value to `writer` (a variable name).
    func write(to writer: String) -> [String] {
        let type = field.spec.type
        switch type {
        case .bool: return ["\(writer).writeBool(\(value))"]
        case .int8: return ["\(writer).writeInt8(\(value))"]
        case .int16: return ["\(writer).writeInt16(\(value))"]
        case .int32: return ["\(writer).writeInt32(\(value))"]
        case .int64: return ["\(writer).writeInt64(\(value))"]
        case .uint16: return ["\(writer).writeUInt16(\(value))"]
        case .uint32: return ["\(writer).writeUInt32(\(value))"]
        case .float64: return ["\(writer).writeFloat64(\(value))"]
        case .uuid: return ["\(writer).writeUUID(\(value))"]
        default: break
        }
        let nullable: String
        let nonNull: String
        switch type {
        case .string:
            nullable = "\(writer).writeNullableString(\(value), compact: \(compact))"
            nonNull = "\(writer).writeString(\(field.isOptional ? required : value), compact: \(compact))"
        case .bytes:
            nullable = "\(writer).writeNullableBytes(\(value), compact: \(compact))"
            nonNull = "\(writer).writeBytes(\(field.isOptional ? required : value), compact: \(compact))"
        case .records:
            nullable = "\(writer).writeRecords(\(value), compact: \(compact))"
            nonNull = "\(writer).writeRecords(\(field.isOptional ? required : value), compact: \(compact))"
        case .array(let element) where element.isStruct:
            nullable = "try \(writer).writeArray(\(value), version: version, compact: \(compact))"
            nonNull = "try \(writer).writeArray(\(field.isOptional ? required : value), version: version, compact: \(compact))"
        case .array:
            nullable = "\(writer).writeArray(\(value), compact: \(compact))"
            nonNull = "\(writer).writeArray(\(field.isOptional ? required : value), compact: \(compact))"
        case .structure:
            nullable = "try \(writer).writeNullableStruct(\(value), version: version)"
            nonNull = "try \(field.isOptional ? "(\(required))" : value).encode(to: &\(writer), version: version)"
        default:
            return []
        }
        return choose(nullability, nullable, nonNull)
    }

    // MARK: Reading

    /// Statements that read the field from `buffer` (a variable name) into the property.
    func read(from buffer: String) -> [String] {
        let type = field.spec.type
        let assign = "\(value) = try \(buffer)."
        let name = SwiftNames.literal(field.qualifiedName)
        switch type {
        case .bool: return [assign + "readKafkaBool()"]
        case .int8: return [assign + "readKafkaInt8()"]
        case .int16: return [assign + "readKafkaInt16()"]
        case .int32: return [assign + "readKafkaInt32()"]
        case .int64: return [assign + "readKafkaInt64()"]
        case .uint16: return [assign + "readKafkaUInt16()"]
        case .uint32: return [assign + "readKafkaUInt32()"]
        case .float64: return [assign + "readKafkaFloat64()"]
        case .uuid: return [assign + "readKafkaUUID()"]
        default: break
        }
        let nullable: String
        let nonNull: String
        switch type {
        case .string:
            nullable = assign + "readKafkaNullableString(compact: \(compact))"
            nonNull = assign + "readKafkaString(compact: \(compact), field: \(name), version: version)"
        case .bytes:
            nullable = assign + "readKafkaNullableBytes(compact: \(compact))"
            nonNull = assign + "readKafkaBytes(compact: \(compact), field: \(name), version: version)"
        case .records:
            nullable = assign + "readKafkaRecords(compact: \(compact))"
            nonNull = "\(value) = try kafkaRequireNonNull(\(buffer).readKafkaRecords(compact: \(compact)), field: \(name), version: version)"
        case .array(let element):
            let elementType = SwiftNames.type(of: element)
            let extra = element.isStruct ? "version: version, " : ""
            nullable = assign + "readKafkaNullableArray(of: \(elementType).self, \(extra)compact: \(compact))"
            nonNull = assign + "readKafkaArray(of: \(elementType).self, \(extra)compact: \(compact), field: \(name)"
                + (element.isStruct ? ")" : ", version: version)")
        case .structure(let structName):
            nullable = assign + "readKafkaNullableStruct(\(structName).self, version: version)"
            nonNull = "\(value) = try \(structName)(from: &\(buffer), version: version)"
        default:
            return []
        }
        return choose(nullability, nullable, nonNull)
    }

    /// The nullable form, the non-null form, or an `if` between them.
    private func choose(_ condition: String, _ nullable: String, _ nonNull: String) -> [String] {
        switch condition {
        case "true": [nullable]
        case "false": [nonNull]
        default: ["if \(condition) {", "    " + nullable, "} else {", "    " + nonNull, "}"]
        }
    }

    /// The check that a non-ignorable value is not lost at a version that lacks the field.
    func lossCheck(presence: String) -> [String] {
        guard !field.spec.ignorable, presence != "true" else { return [] }
        let absent = presence == "false" ? "" : "!(\(presence)) && "
        return [
            "if \(absent)\(value) != \(field.defaultExpression) {",
            "    throw KafkaCodingError.fieldNotInVersion(field: \(SwiftNames.literal(field.qualifiedName)), version: version)",
            "}",
        ]
    }
}
