import Foundation
import Testing

@testable import Cluster

@Suite("Cluster file: JSON, atomic save, what the orphan guard asks")
struct ClusterFileTests {
    func sample() throws -> ClusterFile {
        var file = try ClusterPlan(brokers: 2, basePort: 9092, directory: "/tmp/c").clusterFile(executable: "/bin/gregor")
        var node = try #require(file.node(1))
        node.pid = 4242
        file.update(node)
        return file
    }

    func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "cluster-tests-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func roundTripsThroughJSON() throws {
        let file = try sample()
        let decoded = try ClusterFile.decode(try file.encoded(), path: "x")
        #expect(decoded == file)
        #expect(decoded.version == ClusterFile.currentVersion)
    }

    @Test func theJSONHasReadableKeysAndNoEscapedSlashes() throws {
        let text = String(decoding: try sample().encoded(), as: UTF8.self)
        for key in ["\"state\" : \"running\"", "\"nodeId\" : 1", "\"pid\" : 4242", "\"dataDir\" : \"/tmp/c/broker-1\"",
                    "\"logFile\" : \"/tmp/c/broker-1.log\"", "\"bootstrap\" : \"127.0.0.1:9092,127.0.0.1:9093\""] {
            #expect(text.contains(key), "missing \(key) in \(text)")
        }
    }

    @Test func savesAndLoads() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = ClusterFile.path(in: directory)
        #expect(try ClusterFile.load(from: path) == nil)
        let file = try sample()
        try file.save(to: path)
        #expect(try ClusterFile.load(from: path) == file)
        #expect(try ClusterDirectory(directory).load() == file)
    }

    @Test func aMissingFileSaysHowToStartACluster() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect {
            _ = try ClusterDirectory(directory).load()
        } throws: { error in
            (error as? ClusterError)?.message.contains("gregor cluster up --dir \(directory)") == true
        }
    }

    @Test func aForeignOrNewerFileIsRefused() throws {
        #expect(throws: ClusterError.self) { _ = try ClusterFile.decode(Data("{\"hello\": 1}".utf8), path: "x") }
        var newer = try sample()
        newer.version = ClusterFile.currentVersion + 1
        let data = try newer.encoded()
        #expect {
            _ = try ClusterFile.decode(data, path: "x")
        } throws: { error in
            (error as? ClusterError)?.message.contains("format version") == true
        }
    }

    @Test func listsRunningOnlyRecordedPidsOfARunningCluster() throws {
        var file = try sample()
        #expect(file.listsRunning(pid: 4242))
        #expect(!file.listsRunning(pid: 4243))
        file.state = .stopped
        #expect(!file.listsRunning(pid: 4242))
    }

    @Test func unknownNodesAreNamedWithTheClustersNodes() throws {
        #expect {
            _ = try ClusterDirectory("/tmp/c").node(7, in: try sample())
        } throws: { error in
            (error as? ClusterError)?.message.contains("no broker 7") == true
                && (error as? ClusterError)?.message.contains("its brokers are 1, 2") == true
        }
    }

    @Test func theDefaultDirectoryNeedsNoDirOption() {
        #expect(ClusterDirectory(ClusterPlan.defaultDirectory).dirOption == "")
        #expect(ClusterDirectory("/tmp/c").dirOption == " --dir /tmp/c")
    }
}
