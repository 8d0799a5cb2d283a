import Foundation
import KafkaClient
import NIOCore

/// How `gregor consume` prints a record: the value as text, a JSON object per line, or hex.
enum RecordFormat: String, CaseIterable, Sendable {
    case text, json, hex

    func render(_ record: ConsumerRecord, printKey: Bool, keySeparator: String) -> String {
        switch self {
        case .text:
            let value = Self.text(record.value)
            return printKey ? Self.text(record.key) + keySeparator + value : value
        case .hex:
            let value = Self.hex(record.value)
            return printKey ? Self.hex(record.key) + keySeparator + value : value
        case .json:
            return Self.json(record)
        }
    }

    static func text(_ bytes: ByteBuffer?) -> String {
        guard let bytes else { return "" }
        return String(decoding: bytes.readableBytesView, as: UTF8.self)
    }

    static func hex(_ bytes: ByteBuffer?) -> String {
        guard let bytes else { return "" }
        return bytes.readableBytesView.map { String(format: "%02x", $0) }.joined()
    }

    /// `{"topic":..,"partition":..,"offset":..,"timestamp":..,"key":..,"value":..,"headers":{..}}`: text
    /// as strings when it is UTF-8, else `{"base64": ...}`; null keys and values as null.
    static func json(_ record: ConsumerRecord) -> String {
        var object: [String: Any] = [
            "topic": record.topic, "partition": Int(record.partition), "offset": Int(record.offset),
            "timestamp": Int(record.timestamp), "timestampType": record.timestampType == .logAppendTime ? "LogAppendTime" : "CreateTime",
        ]
        object["key"] = jsonValue(record.key)
        object["value"] = jsonValue(record.value)
        object["headers"] = record.headers.map { ["key": $0.key, "value": jsonValue($0.value)] }
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else {
            return "{}"
        }
        return String(decoding: data, as: UTF8.self)
    }

    private static func jsonValue(_ bytes: ByteBuffer?) -> Any {
        guard let bytes else { return NSNull() }
        let raw = Array(bytes.readableBytesView)
        if let text = String(validating: raw, as: UTF8.self) { return text }
        return ["base64": Data(raw).base64EncodedString()]
    }
}
