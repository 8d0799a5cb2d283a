import Foundation

extension ClusterFile {
    /// `DIR/cluster.json`.
    public static func path(in directory: String) -> String {
        (directory as NSString).appendingPathComponent(fileName)
    }

    /// Reads the file; nil when there is none.
    public static func load(from path: String) throws(ClusterError) -> ClusterFile? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ClusterError("cannot read the cluster file \(path): \(error.localizedDescription)")
        }
        return try decode(data, path: path)
    }

    /// Decodes the JSON of a cluster file; `path` only names it in errors.
    public static func decode(_ data: Data, path: String) throws(ClusterError) -> ClusterFile {
        let file: ClusterFile
        do {
            file = try JSONDecoder().decode(ClusterFile.self, from: data)
        } catch {
            throw ClusterError("\(path) is not a Gregor cluster file (\(error)); move it away or pick another --dir")
        }
        guard file.version <= currentVersion else {
            throw ClusterError("\(path) has format version \(file.version); this gregor reads up to \(currentVersion)")
        }
        return file
    }

    /// The file's JSON: pretty and with sorted keys, so that it reads well and diffs cleanly.
    public func encoded() throws(ClusterError) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            return try encoder.encode(self) + Data("\n".utf8)
        } catch {
            throw ClusterError("cannot encode the cluster file: \(error)")
        }
    }

    /// Writes the file atomically (a temporary file renamed over it), so that a broker watching it never
    /// reads half a file.
    public func save(to path: String) throws(ClusterError) {
        let data = try encoded()
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw ClusterError("cannot write the cluster file \(path): \(error.localizedDescription)")
        }
    }
}
