/// Renders the tables that tie schemas together: API keys, metadata record types, sample lists.
enum IndexRenderer {
    static func apiIndex(_ requests: [Schema]) -> [String] {
        var lines = ["extension ApiKey {"]
        for request in requests {
            let api = SwiftNames.apiName(request.name)
            lines.append("    public static let \(SwiftNames.apiConstant(api)) = ApiKey(\(request.apiKey!))")
        }
        lines += ["", "    static let names: [Int16: String] = ["]
        for request in requests {
            lines.append("        \(request.apiKey!): \(SwiftNames.literal(SwiftNames.apiName(request.name))),")
        }
        lines += ["    ]", "}", "", "extension KafkaAPI {", "    /// Every API of the schemas, by key.", "    public static let all: [KafkaAPI] = ["]
        for request in requests {
            let api = SwiftNames.apiName(request.name)
            let deprecated = request.deprecatedVersions.intersection(request.validVersions)
            let listeners = request.listeners.map { SwiftNames.literal($0) }.joined(separator: ", ")
            lines.append("        KafkaAPI(")
            lines.append("            key: .\(SwiftNames.apiConstant(api)), name: \(SwiftNames.literal(api)),")
            lines.append("            deprecatedVersions: \(deprecated.isEmpty ? "nil" : "\(deprecated.lower)...\(deprecated.upper)"),")
            lines.append("            listeners: [\(listeners)], request: \(request.name).self),")
        }
        lines += ["    ]", "}"]
        return lines
    }

    static func metadataIndex(_ records: [Schema]) -> [String] {
        var lines = ["/// Every KRaft metadata record type, by its record type number.", "public enum MetadataRecordTypes {"]
        lines.append("    public static let all: [Int16: any KafkaMetadataRecord.Type] = [")
        for record in records {
            lines.append("        \(record.apiKey!): \(record.name).self,")
        }
        lines += ["    ]", "}"]
        return lines
    }

    static func sampleIndex(_ names: [String]) -> [String] {
        var lines = ["/// Every generated message, for the round-trip tests.", "let allSampledMessages: [any SampledMessage.Type] = ["]
        lines += names.map { "    \($0).self," }
        lines.append("]")
        return lines
    }
}
