import KafkaClient
import KafkaProtocol
import NIOCore

/// Runs `body` against a fresh fake cluster and always shuts it down.
func withFakeCluster<T>(brokers: Int = 1, _ body: (FakeCluster) async throws -> T) async throws -> T {
    let cluster = try await FakeCluster.start(brokers: brokers)
    do {
        let result = try await body(cluster)
        await cluster.shutdown()
        return result
    } catch {
        await cluster.shutdown()
        throw error
    }
}

/// Client settings for tests: short timeouts so a bug fails fast instead of hanging.
func testConfiguration(_ bootstrap: [String], requestTimeout: Duration = .seconds(5)) throws -> ClientConfiguration {
    var configuration = try ClientConfiguration(bootstrap: bootstrap)
    configuration.requestTimeout = requestTimeout
    configuration.connectTimeout = .seconds(2)
    configuration.retryBackoff = .milliseconds(20)
    return configuration
}

/// The client error a throwing call produced, or nil when it did not throw one.
func clientError(_ body: () async throws -> Void) async -> KafkaClientError? {
    do {
        try await body()
        return nil
    } catch let error as KafkaClientError {
        return error
    } catch {
        return nil
    }
}

/// Polls `condition` every 10 ms until it holds or `timeout` passes.
func eventually(timeout: Duration = .seconds(5), _ condition: () async throws -> Bool) async rethrows -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while clock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return try await condition()
}
