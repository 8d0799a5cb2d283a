import LogStorage
import NIOCore
import SystemPackage

/// `meta.properties` in the data directory, as `kafka-storage format` writes it: which cluster and
/// node the directory belongs to. Gregor formats a new directory itself on first start, and refuses a
/// directory that belongs to another node.
struct MetaProperties: Sendable, Hashable {
    var clusterId: String
    var nodeId: Int32
    var directoryId: String

    static let fileName = "meta.properties"

    var text: String {
        "#\n#Written by Gregor\ncluster.id=\(clusterId)\ndirectory.id=\(directoryId)\nnode.id=\(nodeId)\nversion=1\n"
    }

    init(clusterId: String, nodeId: Int32, directoryId: String) {
        self.clusterId = clusterId
        self.nodeId = nodeId
        self.directoryId = directoryId
    }

    init?(text: String) {
        guard let values = try? PropertiesFile.parse(text), let clusterId = values["cluster.id"],
            let node = values["node.id"].flatMap({ Int32($0) })
        else { return nil }
        self.init(clusterId: clusterId, nodeId: node, directoryId: values["directory.id"] ?? "")
    }

    /// Reads the directory's file, or writes a new one for `nodeId` in cluster `newClusterId`.
    static func loadOrFormat(
        directory: FilePath, nodeId: Int32, fileSystem: any LogFileSystem, newClusterId: String, newId: () -> String
    ) throws -> MetaProperties {
        try fileSystem.createDirectory(at: directory)
        let path = directory.appending(fileName)
        if let bytes = try fileSystem.readFileIfExists(at: path) {
            guard let properties = MetaProperties(text: String(buffer: bytes)) else {
                throw BrokerStartError("\(path) is not a valid meta.properties file")
            }
            guard properties.nodeId == nodeId else {
                throw BrokerStartError(
                    "\(directory) belongs to node \(properties.nodeId), not node \(nodeId): use --node-id \(properties.nodeId) or another --data-dir")
            }
            return properties
        }
        let properties = MetaProperties(clusterId: newClusterId, nodeId: nodeId, directoryId: newId())
        try fileSystem.writeFileAtomically(ByteBuffer(string: properties.text), to: path)
        return properties
    }
}

/// Why a broker could not start: one line that says what to do.
public struct BrokerStartError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
