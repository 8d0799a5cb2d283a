import Foundation

/// `DATA/faults.json`: the faults a broker suffers, kept in its data directory so they outlive a
/// restart. The broker writes it when its admin endpoint changes them and reads it when it starts;
/// `gregor fault` writes it directly only while the broker is stopped.
public enum FaultSettingsFile {
    public static let fileName = "faults.json"

    public static func path(inDataDirectory directory: String) -> String {
        (directory as NSString).appendingPathComponent(fileName)
    }

    /// The settings kept in `directory`; none when there is no file.
    public static func load(fromDataDirectory directory: String) throws -> FaultSettings {
        let path = path(inDataDirectory: directory)
        guard FileManager.default.fileExists(atPath: path) else { return FaultSettings() }
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return try decode(data)
    }

    /// Writes the settings (removing the file when there is no fault), atomically.
    public static func save(_ settings: FaultSettings, toDataDirectory directory: String) throws {
        let path = path(inDataDirectory: directory)
        if settings.isEmpty {
            if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
            return
        }
        try encode(settings).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    public static func encode(_ settings: FaultSettings) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return try encoder.encode(settings)
    }

    /// Decodes and validates; a field left out keeps its default (no fault).
    public static func decode(_ data: Data) throws -> FaultSettings {
        let settings = try JSONDecoder().decode(FaultSettings.self, from: data)
        try settings.validate()
        return settings
    }
}
