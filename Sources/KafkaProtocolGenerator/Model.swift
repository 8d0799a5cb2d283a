/// The model stage: a schema resolved into Swift types, names and default values.
struct MessageModel {
    var schema: Schema
    /// The top-level struct (the message itself) and every nested struct, in definition order.
    var root: StructModel
    var nested: [StructModel]

    init(schema: Schema) throws {
        self.schema = schema
        var nested: [StructModel] = []
        var seen: Set<String> = [schema.name]
        let common = Dictionary(uniqueKeysWithValues: schema.commonStructs.map { ($0.name, $0) })

        func collect(_ fields: [FieldSpec]) throws {
            for field in fields {
                guard case .structure(let name) = field.type.elementType else { continue }
                if let inline = field.fields {
                    guard !seen.contains(name) else {
                        throw GeneratorError.invalidSchema("\(schema.fileName): struct \(name) defined twice")
                    }
                    guard common[name] == nil || inline.isEmpty else {
                        throw GeneratorError.invalidSchema("\(schema.fileName): \(name) is both common and inline")
                    }
                    if !inline.isEmpty || common[name] == nil {
                        seen.insert(name)
                        nested.append(try StructModel(name: name, fields: inline, schema: schema))
                        try collect(inline)
                        continue
                    }
                }
                guard common[name] != nil else {
                    throw GeneratorError.invalidSchema("\(schema.fileName): \(field.name) has unknown type \(name)")
                }
            }
        }
        try collect(schema.fields)
        for structure in schema.commonStructs {
            guard !seen.contains(structure.name) else {
                throw GeneratorError.invalidSchema("\(schema.fileName): struct \(structure.name) defined twice")
            }
            seen.insert(structure.name)
            nested.append(try StructModel(name: structure.name, fields: structure.fields, schema: schema))
            try collect(structure.fields)
        }
        for name in seen where SwiftNames.reservedTypeNames.contains(name) {
            throw GeneratorError.invalidSchema("\(schema.fileName): struct name \(name) clashes with a Swift type")
        }
        self.root = try StructModel(name: schema.name, fields: schema.fields, schema: schema)
        self.nested = nested
    }

    /// The message's flexible test as Swift: "version >= 9", "true" or "false".
    var flexibleCondition: String { schema.flexibleVersions.condition(within: schema.validVersions) }
}

/// A struct with its fields, ready to render.
struct StructModel {
    var name: String
    var fields: [FieldModel]

    init(name: String, fields: [FieldSpec], schema: Schema) throws {
        self.name = name
        self.fields = try fields.map { try FieldModel(spec: $0, schema: schema, owner: name) }
        var tags = Set<Int>()
        for field in self.fields {
            if let tag = field.spec.tag, !tags.insert(tag).inserted {
                throw GeneratorError.invalidSchema("\(schema.fileName): tag \(tag) used twice in \(name)")
            }
        }
    }

    var regularFields: [FieldModel] { fields.filter { !$0.spec.isTagged } }
    var taggedFields: [FieldModel] { fields.filter { $0.spec.isTagged }.sorted { $0.spec.tag! < $1.spec.tag! } }
}

/// A field with its Swift name, type and default.
struct FieldModel {
    var spec: FieldSpec
    var swiftName: String
    /// The property's type, optional when the field is nullable in some version.
    var swiftType: String
    var isOptional: Bool
    /// The Swift expression of the default value.
    var defaultExpression: String
    /// Versions in which the field is on the wire, within the message's valid versions.
    var present: VersionRange
    /// Versions in which it may be null (within `present`).
    var nullable: VersionRange
    /// `SchemaName.FieldName`, for error messages.
    var qualifiedName: String

    init(spec: FieldSpec, schema: Schema, owner: String) throws {
        self.spec = spec
        swiftName = SwiftNames.property(spec.name)
        present = spec.versions.intersection(schema.validVersions)
        nullable = spec.nullableVersions.intersection(present)
        isOptional = !spec.nullableVersions.isEmpty
        if isOptional && !spec.type.canBeNull {
            throw GeneratorError.invalidSchema("\(schema.fileName): \(spec.name) of type \(spec.type) cannot be nullable")
        }
        let base = SwiftNames.type(of: spec.type)
        swiftType = isOptional ? "\(base)?" : base
        qualifiedName = owner == schema.name ? "\(schema.name).\(spec.name)" : "\(schema.name).\(owner).\(spec.name)"
        defaultExpression = try DefaultValues.expression(for: spec, isOptional: isOptional, context: qualifiedName)
    }
}

extension FieldType {
    /// The element type of an array, or the type itself.
    var elementType: FieldType {
        if case .array(let element) = self { return element }
        return self
    }
}
