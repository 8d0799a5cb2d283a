import ArgumentParser
import Broker
import Foundation
import KafkaClient
import Logging
import NIOCore

/// `gregor playground`: the README's first command. For now a single broker in `.gregor/playground`
/// with a demo topic and a few records, and what to try next; the multi-broker playground with traffic
/// and the explorer comes with the explorer issue.
struct PlaygroundCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "playground", abstract: "Start a local broker with a demo topic to play with.",
        discussion: "Example:\n  swift run gregor playground --port 9092")

    @Option(name: .long, help: "Port of the broker.") var port: Int = 9092
    @Option(name: .long, help: "Data directory.") var dir: String = ".gregor/playground"

    func run() async throws {
        let config = BrokerConfig(nodeId: 1, listenHost: "127.0.0.1", listenPort: port, dataDirectory: dir, properties: [:])
        var logger = Logger(label: "gregor.playground")
        logger.logLevel = .warning
        let broker = GregorBroker(config: config, logger: logger)
        let (ready, readyContinuation) = AsyncStream<Int>.makeStream()
        let bootstrap = "127.0.0.1:\(port)"
        let directory = dir
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    defer { readyContinuation.finish() }
                    try await broker.run { readyContinuation.yield($0) }
                }
                group.addTask {
                    for await _ in ready {
                        try await Self.setUp(bootstrap: bootstrap)
                        FileHandle.standardOutput.write(Data((Self.guide(bootstrap: bootstrap, directory: directory) + "\n").utf8))
                        break
                    }
                }
                try await group.waitForAll()
            }
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            throw CommandFailure("port \(port) is already in use: is another broker running? Try --port 9093")
        }
    }

    /// Creates the demo topic (once) and writes a few keyed orders to it.
    static func setUp(bootstrap: String) async throws {
        let configuration = try ClientConfiguration(bootstrap: [bootstrap])
        let admin = KafkaAdmin(clientConfiguration: configuration)
        let created = try await admin.createTopics([NewTopic(name: "orders", partitions: 3, replicationFactor: 1)])
        await admin.close()
        if let error = created.first?.error, error.brokerError != .topicAlreadyExists { throw CommandFailure(error) }
        guard created.first?.error == nil else { return }
        let producer = try KafkaProducer(clientConfiguration: configuration)
        let orders = [
            ("customer-1", #"{"order":1,"item":"coffee","qty":2}"#), ("customer-2", #"{"order":2,"item":"tea","qty":1}"#),
            ("customer-1", #"{"order":3,"item":"cake","qty":1}"#), ("customer-3", #"{"order":4,"item":"coffee","qty":1}"#),
            ("customer-2", #"{"order":5,"item":"scone","qty":3}"#), ("customer-1", #"{"order":6,"item":"tea","qty":2}"#),
        ]
        for (key, value) in orders {
            _ = try await producer.send(topic: "orders", key: ByteBuffer(string: key), value: ByteBuffer(string: value))
        }
        await producer.close()
    }

    static func guide(bootstrap: String, directory: String) -> String {
        """
        Gregor playground: a broker on \(bootstrap), data in \(directory)
        Topic 'orders' has 3 partitions; orders are keyed by customer, so each customer's orders share a partition.

        Try, in another terminal:
          swift run gregor topic describe orders --bootstrap \(bootstrap)
          swift run gregor consume orders --from beginning --exit-at-end --print-key --bootstrap \(bootstrap)
          swift run gregor consume orders --group dashboard --from beginning --bootstrap \(bootstrap)   # twice: they split the partitions
          swift run gregor group describe dashboard --bootstrap \(bootstrap)
          echo 'customer-4:{"order":7,"item":"juice","qty":1}' | swift run gregor produce orders --key-separator : --bootstrap \(bootstrap)
          ls \(directory)/orders-0        # the segment files: .log, .index, .timeindex
          kcat -b \(bootstrap) -L          # any Kafka client works

        Stop with Ctrl-C; the data stays in \(directory).
        """
    }
}
