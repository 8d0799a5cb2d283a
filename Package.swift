// swift-tools-version: 6.1
// Gregor: a Kafka-compatible broker and toolkit. Module borders follow ../shared/DESIGN.md (docs/architecture.md).
import PackageDescription

let nioCore: Target.Dependency = .product(name: "NIOCore", package: "swift-nio")
let nioPosix: Target.Dependency = .product(name: "NIOPosix", package: "swift-nio")
let logging: Target.Dependency = .product(name: "Logging", package: "swift-log")
let systemPackage: Target.Dependency = .product(name: "SystemPackage", package: "swift-system")

let package = Package(
    name: "gregor",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "gregor", targets: ["gregor"]),
        .executable(name: "KafkaProtocolGenerator", targets: ["KafkaProtocolGenerator"]),
        .library(name: "KafkaRecords", targets: ["KafkaRecords"]),
        .library(name: "KafkaProtocol", targets: ["KafkaProtocol"]),
        .library(name: "LogStorage", targets: ["LogStorage"]),
        .library(name: "KafkaClient", targets: ["KafkaClient"]),
        .library(name: "Broker", targets: ["Broker"]),
        .library(name: "Cluster", targets: ["Cluster"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // C: CRC-32C with the SSE4.2 instruction, chosen at run time (see SWIFT-NOTES).
        .target(name: "CCRC32C"),
        .target(
            name: "KafkaRecords",
            dependencies: ["CCRC32C", nioCore, .product(name: "CompressNIO", package: "compress-nio")]
        ),
        .target(name: "KafkaProtocol", dependencies: ["KafkaRecords", nioCore]),
        .executableTarget(name: "KafkaProtocolGenerator"),
        .target(name: "LogStorage", dependencies: ["KafkaRecords", systemPackage, nioCore]),
        .target(name: "Replication", dependencies: ["LogStorage", "KafkaRecords"]),
        .target(name: "Raft", dependencies: ["LogStorage", "KafkaRecords", nioCore]),
        // The fault settings a broker honours and `gregor fault` sets, shared by both (issue 5).
        .target(name: "Faults"),
        .target(name: "Controller", dependencies: ["Raft", "KafkaRecords", "KafkaProtocol", nioCore]),
        .target(name: "GroupCoordinator", dependencies: ["KafkaProtocol", "KafkaRecords", nioCore]),
        .target(
            name: "Broker",
            dependencies: [
                "KafkaRecords", "KafkaProtocol", "LogStorage", "Replication", "Raft", "Controller", "GroupCoordinator", "KafkaClient", "Faults",
                nioCore, nioPosix, logging,
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .target(name: "KafkaClient", dependencies: ["KafkaProtocol", "KafkaRecords", nioCore, nioPosix, logging]),
        // Local clusters: broker processes, the cluster file, process faults (docs/cluster.md).
        .target(name: "Cluster", dependencies: ["KafkaClient", "Faults", logging, nioCore, nioPosix, .product(name: "NIOHTTP1", package: "swift-nio")]),
        // Load generators, fault schedules, the durability checker and reports (issue 5).
        .target(
            name: "Bench",
            dependencies: ["KafkaClient", "KafkaRecords", "Cluster", "Faults", nioCore, logging, .product(name: "Histogram", package: "hdrhistogram-swift")]),
        .executableTarget(
            name: "gregor",
            dependencies: [
                "Broker", "Bench", "Cluster", "Faults", "KafkaClient", "KafkaProtocol", "KafkaRecords", logging,
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),

        .testTarget(name: "KafkaRecordsTests", dependencies: ["KafkaRecords"], resources: [.copy("Fixtures")]),
        .testTarget(name: "KafkaProtocolTests", dependencies: ["KafkaProtocol", "KafkaProtocolGenerator", .product(name: "NIOEmbedded", package: "swift-nio")],
                    resources: [.copy("Frames")]),
        .testTarget(name: "ControllerTests", dependencies: ["Controller", "KafkaProtocol", "Raft"]),
        .testTarget(name: "GroupCoordinatorTests", dependencies: ["GroupCoordinator", "KafkaProtocol", "KafkaRecords"]),
        .testTarget(
            name: "BrokerTests",
            dependencies: ["Broker", "Controller", "KafkaProtocol", "KafkaRecords", "LogStorage", "Replication", "Faults"]),
        .testTarget(name: "LogStorageTests", dependencies: ["LogStorage", "KafkaRecords"]),
        // Seeded network and random source shared by the Raft and replication simulations.
        .target(name: "Simulation", path: "Tests/Simulation"),
        .testTarget(name: "RaftTests", dependencies: ["Raft", "Simulation", nioCore]),
        .testTarget(name: "ReplicationTests", dependencies: ["Replication", "Simulation", "LogStorage", "KafkaRecords", "Broker"]),
        .testTarget(name: "ClusterTests", dependencies: ["Cluster", "KafkaClient", "KafkaProtocol", "Faults"]),
        .testTarget(name: "FaultsTests", dependencies: ["Faults"]),
        .testTarget(name: "BenchTests", dependencies: ["Bench", nioCore]),
        .testTarget(name: "KafkaClientTests", dependencies: ["KafkaClient", "KafkaProtocol", "KafkaRecords", nioCore, nioPosix]),
    ]
)
