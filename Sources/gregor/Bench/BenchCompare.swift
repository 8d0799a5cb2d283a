import ArgumentParser
import Bench

/// `gregor bench compare A.json B.json`: two `--json` reports side by side with ratios.
struct BenchCompare: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare", abstract: "Compare two bench reports (--json) side by side, with the ratio B/A of each figure.",
        discussion: """
            Example:
              gregor bench produce --topic perf --records 1000000 --acks 1 --json acks1.json
              gregor bench produce --topic perf --records 1000000 --acks all --json acksall.json
              gregor bench compare acks1.json acksall.json
            """)

    @Argument(help: "The first report (A).") var a: String
    @Argument(help: "The second report (B).") var b: String

    func run() async throws {
        do {
            let first = try ReportComparison.read(a)
            let second = try ReportComparison.read(b)
            for line in ReportComparison.lines(first, second, names: (a, b)) { print(line) }
        } catch let error as BenchError {
            throw CommandFailure(error.description)
        }
    }
}
