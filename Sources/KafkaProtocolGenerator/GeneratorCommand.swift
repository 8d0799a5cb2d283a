import Foundation

/// `KafkaProtocolGenerator [SCHEMAS] [--output PACKAGE_ROOT] [--check]`: writes the Swift codecs of
/// Kafka's JSON schemas into `Sources/KafkaProtocol/Generated/` (and test samples into
/// `Tests/KafkaProtocolTests/Generated/`). SCHEMAS is the `messages` folder or the folder that holds it
/// (default `../shared/kafka-protocol/messages`). `--check` writes nothing and fails if a file differs.
@main
struct GeneratorCommand {
    static func main() {
        var arguments = Array(CommandLine.arguments.dropFirst())
        var packageRoot = FileManager.default.currentDirectoryPath
        var check = false
        if let index = arguments.firstIndex(of: "--output"), index + 1 < arguments.count {
            packageRoot = arguments[index + 1]
            arguments.removeSubrange(index...index + 1)
        }
        if let index = arguments.firstIndex(of: "--check") {
            check = true
            arguments.remove(at: index)
        }
        var schemas = URL(fileURLWithPath: arguments.first ?? "../shared/kafka-protocol/messages")
        if schemas.lastPathComponent == "messages" { schemas.deleteLastPathComponent() }
        do {
            let files = try Generator(schemaRoot: schemas).generate()
            let writer = GeneratedFiles(packageRoot: URL(fileURLWithPath: packageRoot))
            if check {
                let stale = try writer.differences(from: files)
                if !stale.isEmpty {
                    print("stale generated files (run make protocol):\n" + stale.joined(separator: "\n"))
                    exit(1)
                }
                print("generated code is up to date (\(files.count) files)")
            } else {
                let changed = try writer.write(files)
                print("wrote \(files.count) files (\(changed) changed) from \(schemas.path)")
            }
        } catch {
            FileHandle.standardError.write(Data("KafkaProtocolGenerator: \(error)\n".utf8))
            exit(1)
        }
    }
}

/// The generated folders on disk: writes them (removing files no schema produces) or compares them.
struct GeneratedFiles {
    var packageRoot: URL

    private var folders: [String] { [Generator.sourcesFolder, Generator.samplesFolder] }

    /// Paths that differ from, are missing from, or are extra to `files`.
    func differences(from files: [String: String]) throws -> [String] {
        var stale: [String] = []
        for (path, contents) in files.sorted(by: { $0.key < $1.key }) {
            let existing = try? String(contentsOf: packageRoot.appendingPathComponent(path), encoding: .utf8)
            if existing != contents { stale.append(path) }
        }
        stale += existingFiles().filter { files[$0] == nil }
        return stale
    }

    /// Writes every file whose contents changed and removes stale ones; returns how many changed.
    func write(_ files: [String: String]) throws -> Int {
        var changed = 0
        for (path, contents) in files {
            let url = packageRoot.appendingPathComponent(path)
            if (try? String(contentsOf: url, encoding: .utf8)) == contents { continue }
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try contents.write(to: url, atomically: true, encoding: .utf8)
            changed += 1
        }
        for path in existingFiles() where files[path] == nil {
            try FileManager.default.removeItem(at: packageRoot.appendingPathComponent(path))
            changed += 1
        }
        return changed
    }

    private func existingFiles() -> [String] {
        var paths: [String] = []
        for folder in folders {
            let root = packageRoot.appendingPathComponent(folder)
            guard let enumerator = FileManager.default.enumerator(atPath: root.path) else { continue }
            for case let relative as String in enumerator where relative.hasSuffix(".swift") {
                paths.append("\(folder)/\(relative)")
            }
        }
        return paths
    }
}
