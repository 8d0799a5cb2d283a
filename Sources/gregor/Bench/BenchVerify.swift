import ArgumentParser
import Bench
import Foundation

/// `gregor bench verify --history FILE`: checks a topic now against what an earlier bench sent and
/// had acknowledged (its `--history`), say after restarting brokers.
struct BenchVerify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify", abstract: "Check that every record an earlier bench had acknowledged is still there.",
        discussion: """
            Example:
              gregor bench produce --topic orders --records 100000 --history orders.history
              gregor fault kill 2 && gregor fault restart 2
              gregor bench verify --history orders.history

            Reports lost (acknowledged, not readable), duplicated, moved, reordered and unexpected records,
            as Jepsen names them. Exits 2 when records were lost under a configuration that promises
            none (acks=all, min.insync.replicas >= 2, no unclean leader election).
            """)

    @OptionGroup var connection: ConnectionOptions
    @Option(name: .long, help: "The history an earlier bench wrote with --history.") var history: String
    @Option(name: .long, help: "acks the history was produced with: all, 1 or 0.") var acks: ProduceCommand.AcksOption = .all
    @Option(name: .long, help: "Brokers down at the same time while it was produced (for the verdict).") var failures: Int = 0

    func run() async throws {
        let file: HistoryFile
        do {
            file = try HistoryFile.read(from: history)
        } catch let error as BenchError {
            throw CommandFailure(error.description)
        }
        let client = try connection.clientConfiguration()
        let lines: [String]
        let violated: Bool
        do {
            let promise = try await Verification.promise(topic: file.topic, client: client, acks: acks.value, maxConcurrentFailures: failures)
            let (report, summary) = try await Verification.check(
                history: file.history, run: file.run, topic: file.topic, client: client, faults: file.faults, promise: promise) { line in
                    FileHandle.standardError.write(Data((line + "\n").utf8))
                }
            lines = Verification.lines(report, summary)
            violated = summary.violated
        } catch let error as BenchError {
            throw CommandFailure(error.description)
        } catch {
            throw connection.failure(error)
        }
        for line in lines { print(line) }
        if violated { throw ExitCode(2) }
    }
}
