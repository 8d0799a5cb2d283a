// swift-tools-version: 6.1
// Gregor's micro-benchmarks (ordo-one/benchmark), kept out of the main package so that `swift test`
// does not build them. Run: `cd Benchmarks && swift package --disable-sandbox benchmark --no-progress`.
import PackageDescription

let benchmark: Target.Dependency = .product(name: "Benchmark", package: "benchmark")
let benchmarkPlugin: Target.PluginUsage = .plugin(name: "BenchmarkPlugin", package: "benchmark")
let nioCore: Target.Dependency = .product(name: "NIOCore", package: "swift-nio")

let package = Package(
    name: "gregor-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        // `name:` fixes the identity; without it, it would be the checkout's folder name.
        .package(name: "gregor", path: ".."),
        // The default traits pull a package that is not mirrored here (see ../shared/SWIFT-NOTES.md).
        .package(url: "https://github.com/ordo-one/benchmark", exact: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
    ],
    targets: [
        // Workloads every benchmark shares (batches of ~100-byte records).
        .target(
            name: "Workloads",
            dependencies: [.product(name: "KafkaRecords", package: "gregor"), nioCore],
            path: "Shared/Workloads"
        ),
        // CRC-32C, batch validation, the builder and the record iterator.
        .executableTarget(
            name: "RecordsBenchmarks",
            dependencies: [benchmark, "Workloads", .product(name: "KafkaRecords", package: "gregor"), nioCore],
            path: "Benchmarks/RecordsBenchmarks",
            plugins: [benchmarkPlugin]
        ),
        // The partition log on real files: append and read.
        .executableTarget(
            name: "LogStorageBenchmarks",
            dependencies: [
                benchmark, "Workloads", .product(name: "KafkaRecords", package: "gregor"),
                .product(name: "LogStorage", package: "gregor"), nioCore,
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            path: "Benchmarks/LogStorageBenchmarks",
            plugins: [benchmarkPlugin]
        ),
    ]
)
