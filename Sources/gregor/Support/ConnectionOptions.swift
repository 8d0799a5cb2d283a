import ArgumentParser
import Foundation
import KafkaClient
import Logging

/// `--bootstrap`: where the cluster is, shared by every client command. Defaults to
/// `$GREGOR_BOOTSTRAP`, else `127.0.0.1:9092`.
struct ConnectionOptions: ParsableArguments {
    @Option(name: .long, help: "Brokers to bootstrap from, HOST:PORT[,HOST:PORT...] (default: $GREGOR_BOOTSTRAP or 127.0.0.1:9092).")
    var bootstrap: String = ProcessInfo.processInfo.environment["GREGOR_BOOTSTRAP"] ?? "127.0.0.1:9092"

    @Option(name: .long, help: "Seconds to wait for the cluster before giving up.")
    var timeout: Double = 30

    func clientConfiguration() throws -> ClientConfiguration {
        var configuration: ClientConfiguration
        do {
            configuration = try ClientConfiguration(bootstrap: [bootstrap])
        } catch {
            throw CommandFailure("--bootstrap: \(error.description)")
        }
        configuration.clientId = "gregor-cli"
        configuration.requestTimeout = .milliseconds(Int64(timeout * 1000))
        configuration.connectTimeout = .milliseconds(Int64(min(timeout, 10) * 1000))
        var logger = Logger(label: "gregor.client")
        logger.logLevel = .critical
        configuration.logger = logger
        return configuration
    }

    /// Runs `body` with an admin client, closing it afterwards.
    func withAdmin<T: Sendable>(_ body: (KafkaAdmin) async throws -> T) async throws -> T {
        let admin = KafkaAdmin(clientConfiguration: try clientConfiguration())
        do {
            let result = try await body(admin)
            await admin.close()
            return result
        } catch {
            await admin.close()
            throw failure(error)
        }
    }

    /// The command's one-line failure for a client error.
    func failure(_ error: any Error) -> CommandFailure {
        if let client = error as? KafkaClientError, client.code == .connectionFailed || client.code == .brokerNotAvailable {
            return CommandFailure("cannot reach a broker at \(bootstrap) (is one running? set --bootstrap or $GREGOR_BOOTSTRAP)")
        }
        return CommandFailure(error)
    }
}

/// A failure the command reports as one line (ArgumentParser prints it and exits non-zero).
struct CommandFailure: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) { self.description = description }

    /// Keeps the client's one-line messages.
    init(_ error: any Error) {
        if let failure = error as? CommandFailure {
            self = failure
        } else if let client = error as? KafkaClientError {
            description = client.message
        } else {
            description = "\(error)"
        }
    }
}

/// `key=value` arguments (`--config`, `--header`).
enum KeyValue {
    static func parse(_ text: String, option: String) throws -> (String, String) {
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
            throw CommandFailure("\(option) expects key=value, got '\(text)'")
        }
        return (String(text[..<equals]), String(text[text.index(after: equals)...]))
    }
}
