import Testing

@testable import Cluster

@Suite("ClusterPlan: node ids, ports, directories, command lines")
struct ClusterPlanTests {
    @Test func threeBrokersCountPortsUpFromTheBase() throws {
        let plan = try ClusterPlan(brokers: 3, basePort: 9092, directory: "/tmp/gregor-plan")
        #expect(plan.nodeIds == [1, 2, 3])
        #expect(plan.nodeIds.map(plan.port(of:)) == [9092, 9093, 9094])
        #expect(plan.bootstrap == "127.0.0.1:9092,127.0.0.1:9093,127.0.0.1:9094")
        #expect(plan.controllerVoters == "1@127.0.0.1:9092,2@127.0.0.1:9093,3@127.0.0.1:9094")
        #expect(plan.dataDirectory(of: 2) == "/tmp/gregor-plan/broker-2")
        #expect(plan.logFile(of: 2) == "/tmp/gregor-plan/broker-2.log")
        #expect(plan.clusterFilePath == "/tmp/gregor-plan/cluster.json")
    }

    @Test func brokerCommandLine() throws {
        let plan = try ClusterPlan(brokers: 3, basePort: 9092, directory: "/tmp/c")
        #expect(
            plan.command(of: 2, executable: "/bin/gregor") == [
                "/bin/gregor", "broker", "--node-id", "2", "--listen", "127.0.0.1:9093", "--data-dir", "/tmp/c/broker-2",
                "--controller-voters", "1@127.0.0.1:9092,2@127.0.0.1:9093,3@127.0.0.1:9094", "--cluster-file", "/tmp/c/cluster.json",
                "--admin", "127.0.0.1:9193", "--faults",
            ])
    }

    @Test func adminPortsCountUpAboveTheClientPortsOrWhereAsked() throws {
        #expect(try ClusterPlan(brokers: 3, basePort: 9092, directory: "/tmp/c").adminPort(of: 3) == 9194)
        #expect(try ClusterPlan(brokers: 2, basePort: 65500, directory: "/tmp/c").adminPort(of: 1) == 65400)
        #expect(try ClusterPlan(brokers: 2, basePort: 9092, adminBasePort: 7000, directory: "/tmp/c").adminPort(of: 2) == 7001)
        #expect(try ClusterPlan(brokers: 2, basePort: 9092, directory: "/tmp/c").clusterFile(executable: "g").node(2)?.adminPort == 9193)
        #expect(throws: ClusterError.self) { try ClusterPlan(brokers: 3, basePort: 9092, adminBasePort: 9094, directory: "/tmp/c") }
        #expect(throws: ClusterError.self) { try ClusterPlan(brokers: 3, basePort: 9092, adminBasePort: 65535, directory: "/tmp/c") }
    }

    @Test func settingsReachEveryBrokerAndMustBeKeyValue() throws {
        let plan = try ClusterPlan(brokers: 2, basePort: 9092, directory: "/tmp/c", settings: ["broker.session.timeout.ms=3000"])
        #expect(plan.command(of: 1, executable: "/bin/gregor").suffix(2) == ["--set", "broker.session.timeout.ms=3000"])
        #expect(throws: ClusterError.self) { try ClusterPlan(brokers: 1, basePort: 9092, directory: "/tmp/c", settings: ["oops"]) }
        #expect(throws: ClusterError.self) { try ClusterPlan(brokers: 1, basePort: 9092, directory: "/tmp/c", settings: ["=1"]) }
    }

    @Test func aRelativeDirectoryIsMadeAbsolute() throws {
        let plan = try ClusterPlan(brokers: 1, basePort: 9092, directory: ".gregor/cluster/../cluster")
        #expect(plan.directory.hasPrefix("/"))
        #expect(plan.directory.hasSuffix("/.gregor/cluster"))
        #expect(!plan.directory.contains(".."))
    }

    @Test func theFileStartsRunningWithoutPids() throws {
        let plan = try ClusterPlan(brokers: 2, basePort: 19092, directory: "/tmp/c")
        let file = plan.clusterFile(executable: "/bin/gregor")
        #expect(file.state == .running)
        #expect(file.bootstrap == plan.bootstrap)
        #expect(file.brokers.map(\.nodeId) == [1, 2])
        #expect(file.brokers.allSatisfy { $0.pid == nil })
        #expect(file.node(2)?.address == "127.0.0.1:19093")
        #expect(file.node(2)?.command == plan.command(of: 2, executable: "/bin/gregor"))
    }

    @Test(arguments: [
        (0, 9092, "--brokers must be between 1 and 32"),
        (33, 9092, "--brokers must be between 1 and 32"),
        (1, 0, "--port must be between 1 and 65535"),
        (1, 70000, "--port must be between 1 and 65535"),
        (3, 65534, "need ports up to 65536"),
    ])
    func badArgumentsAreRefused(brokers: Int, port: Int, message: String) {
        #expect {
            _ = try ClusterPlan(brokers: brokers, basePort: port, directory: "/tmp/c")
        } throws: { error in
            (error as? ClusterError)?.message.contains(message) == true
        }
    }

    @Test func theLastPortMayBe65535() throws {
        let plan = try ClusterPlan(brokers: 2, basePort: 65534, directory: "/tmp/c")
        #expect(plan.port(of: 2) == 65535)
    }

    @Test func durationsReadShort() {
        #expect(Duration.seconds(15).text == "15s")
        #expect(Duration.milliseconds(850).text == "0.8s")
        #expect(Duration.milliseconds(1234).text == "1.2s")
    }
}
