import ArgumentParser

/// `gregor bench`: load generators and the durability checker, through Kafka APIs only, so they
/// measure Gregor, Apache Kafka or any Kafka-compatible cluster alike.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Measure a cluster: produce, consume and end-to-end load, and check that nothing acknowledged was lost.",
        discussion: """
            Examples:
              gregor bench produce --topic perf --partitions 6 --records 1000000 --record-size 100
              gregor bench consume --topic perf
              gregor bench e2e --topic e2e --rate 10000 --duration 30s --verify --json e2e.json

            Each prints a line per second, then the lines Kafka's own perf tools print (so the figures
            compare) and HdrHistogram percentiles. docs/benchmarks.md explains how to read them.
            """,
        subcommands: [BenchProduce.self, BenchConsume.self, BenchEndToEnd.self, BenchVerify.self, BenchCompare.self, BenchChaos.self])
}
