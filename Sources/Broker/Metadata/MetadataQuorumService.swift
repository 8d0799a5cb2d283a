import ServiceLifecycle

/// Runs the metadata quorum for the broker process: its timers, the replay of what commits, the
/// fencing of silent brokers while this one is the controller, and the start-up (join the quorum,
/// register, be unfenced) once the listener is bound, after which the broker is ready.
/// On shutdown the quorum's leadership is handed over before the listener closes.
struct MetadataQuorumService: Service {
    let metadata: MetadataService
    let advertisedHost: String
    /// The advertised port, or nil to advertise the port the listener bound (listening on port 0).
    let advertisedPort: Int?
    let bound: AsyncStream<Int>
    let onReady: @Sendable (Int) -> Void

    func run() async throws {
        try await withGracefulShutdownHandler {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await metadata.quorum.run() }
                group.addTask { await metadata.fenceStaleBrokers() }
                group.addTask {
                    var ports = bound.makeAsyncIterator()
                    guard let port = await ports.next() else { return }
                    try await metadata.start(host: advertisedHost, port: Int32(advertisedPort ?? port))
                    onReady(port)
                    try await metadata.followCommits()
                }
                // Whichever ends first (shutdown, or an error), stopping the quorum ends the others: its
                // waiters do not watch for cancellation.
                defer { group.cancelAll() }
                do {
                    try await group.next()
                } catch {
                    await metadata.quorum.stop()
                    throw error
                }
                await metadata.quorum.stop()
                try await group.waitForAll()
            }
        } onGracefulShutdown: {
            Task { await metadata.quorum.stop() }
        }
    }
}
