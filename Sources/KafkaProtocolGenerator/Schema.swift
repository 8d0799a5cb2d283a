import Foundation

/// One JSON schema file as the generator sees it (the parse stage).
struct Schema {
    enum Kind: String { case request, response, header, data, metadata }

    var name: String
    var kind: Kind
    var apiKey: Int16?
    var validVersions: VersionRange
    var flexibleVersions: VersionRange
    var deprecatedVersions: VersionRange
    var listeners: [String]
    var fields: [FieldSpec]
    var commonStructs: [StructSpec]
    /// The file it came from, for the banner.
    var fileName: String
    /// Which folder (`messages`, `metadata`, `coordinator`) it came from.
    var folder: String
}

/// A struct defined inline by a field or under `commonStructs`.
struct StructSpec {
    var name: String
    var versions: VersionRange
    var fields: [FieldSpec]
}

/// One field of a schema.
struct FieldSpec {
    var name: String
    var type: FieldType
    var versions: VersionRange
    var nullableVersions: VersionRange
    var taggedVersions: VersionRange
    var tag: Int?
    var defaultValue: String?
    var ignorable: Bool
    /// Overrides the message's flexible range for this field's encoding (`ClientId` in the request header).
    var flexibleVersions: VersionRange?
    /// Inline struct fields, when the type is a struct defined here.
    var fields: [FieldSpec]?
}

/// The type of a field.
indirect enum FieldType: Equatable {
    case bool, int8, int16, int32, int64, uint16, uint32, float64, string, bytes, records, uuid
    case array(FieldType)
    case structure(String)

    init(parsing text: String) throws {
        if text.hasPrefix("[]") {
            self = .array(try FieldType(parsing: String(text.dropFirst(2))))
            return
        }
        switch text {
        case "bool": self = .bool
        case "int8": self = .int8
        case "int16": self = .int16
        case "int32": self = .int32
        case "int64": self = .int64
        case "uint16": self = .uint16
        case "uint32": self = .uint32
        case "float64": self = .float64
        case "string": self = .string
        case "bytes": self = .bytes
        case "records": self = .records
        case "uuid": self = .uuid
        default:
            guard let first = text.first, first.isUppercase else {
                throw GeneratorError.invalidSchema("unknown type \(text)")
            }
            self = .structure(text)
        }
    }

    var isStruct: Bool { if case .structure = self { return true } else { return false } }
    var isArray: Bool { if case .array = self { return true } else { return false } }

    /// Whether the wire format has a null for this type.
    var canBeNull: Bool {
        switch self {
        case .string, .bytes, .records, .array, .structure: true
        default: false
        }
    }
}

extension Schema {
    /// Parses a schema file: JSON with `//` line comments.
    init(file: URL, folder: String) throws {
        let text = try String(contentsOf: file, encoding: .utf8)
        let json = try JSONSerialization.jsonObject(with: Data(JSONComments.strip(text).utf8))
        guard let object = json as? [String: Any] else { throw GeneratorError.invalidSchema("\(file.lastPathComponent) is not an object") }
        let field = SchemaField(object: object, context: file.lastPathComponent)
        guard let kind = Kind(rawValue: try field.string("type")) else {
            throw GeneratorError.invalidSchema("\(file.lastPathComponent): unknown type")
        }
        self.name = try field.string("name")
        self.kind = kind
        self.apiKey = try field.optionalInt("apiKey").map { Int16($0) }
        self.validVersions = try VersionRange(parsing: try field.string("validVersions"))
        self.flexibleVersions = try VersionRange(parsing: field.optionalString("flexibleVersions") ?? "none")
        self.deprecatedVersions = try VersionRange(parsing: field.optionalString("deprecatedVersions") ?? "none")
        self.listeners = (object["listeners"] as? [String]) ?? []
        self.fields = try field.fieldList("fields")
        self.commonStructs = try ((object["commonStructs"] as? [[String: Any]]) ?? []).map { raw in
            let spec = SchemaField(object: raw, context: file.lastPathComponent)
            return StructSpec(
                name: try spec.string("name"), versions: try VersionRange(parsing: try spec.string("versions")),
                fields: try spec.fieldList("fields"))
        }
        self.fileName = file.lastPathComponent
        self.folder = folder
    }
}

/// Typed access to one JSON object of a schema, with errors that name the file.
struct SchemaField {
    var object: [String: Any]
    var context: String

    func string(_ key: String) throws -> String {
        guard let value = object[key] as? String else { throw GeneratorError.invalidSchema("\(context): missing \(key)") }
        return value
    }

    func optionalString(_ key: String) -> String? { object[key] as? String }

    func optionalInt(_ key: String) throws -> Int? {
        guard let value = object[key] else { return nil }
        if let number = value as? Int { return number }
        if let text = value as? String, let number = Int(text) { return number }
        throw GeneratorError.invalidSchema("\(context): \(key) is not a number")
    }

    func fieldList(_ key: String) throws -> [FieldSpec] {
        try ((object[key] as? [[String: Any]]) ?? []).map { try FieldSpec(object: $0, context: context) }
    }
}

extension FieldSpec {
    init(object: [String: Any], context: String) throws {
        let spec = SchemaField(object: object, context: context)
        name = try spec.string("name")
        type = try FieldType(parsing: try spec.string("type"))
        versions = try VersionRange(parsing: try spec.string("versions"))
        nullableVersions = try VersionRange(parsing: spec.optionalString("nullableVersions") ?? "none")
        taggedVersions = try VersionRange(parsing: spec.optionalString("taggedVersions") ?? "none")
        tag = try spec.optionalInt("tag")
        switch object["default"] {
        case let text as String: defaultValue = text
        // JSON numbers and booleans both arrive as NSNumber; the field's type says which it is.
        case let number as NSNumber: defaultValue = type == .bool ? (number.boolValue ? "true" : "false") : number.stringValue
        case is NSNull: defaultValue = "null"
        default: defaultValue = nil
        }
        ignorable = (object["ignorable"] as? Bool) ?? false
        flexibleVersions = try spec.optionalString("flexibleVersions").map { try VersionRange(parsing: $0) }
        fields = try object["fields"].map { _ in try spec.fieldList("fields") }
        if tag != nil, taggedVersions != versions {
            throw GeneratorError.invalidSchema("\(context): tagged field \(name) has versions \(versions) but taggedVersions \(taggedVersions)")
        }
    }

    var isTagged: Bool { tag != nil }
}

/// Removes `//` comments outside string literals, which Kafka's schema files contain.
enum JSONComments {
    static func strip(_ text: String) -> String {
        var output = ""
        output.reserveCapacity(text.utf8.count)
        var inString = false
        var escaped = false
        var iterator = Array(text).makeIterator()
        var pending: Character?
        while let character = pending ?? iterator.next() {
            pending = nil
            if inString {
                output.append(character)
                if escaped { escaped = false } else if character == "\\" { escaped = true } else if character == "\"" { inString = false }
                continue
            }
            if character == "\"" {
                inString = true
                output.append(character)
            } else if character == "/" {
                let next = iterator.next()
                if next == "/" {
                    while let skipped = iterator.next(), skipped != "\n" {}
                    output.append("\n")
                } else {
                    output.append(character)
                    pending = next
                }
            } else {
                output.append(character)
            }
        }
        return output
    }
}
