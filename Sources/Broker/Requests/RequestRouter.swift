import Faults
import KafkaProtocol
import Logging
import NIOCore

/// Routes request frames to their handlers and encodes the answers. ApiVersions is built from the
/// registrations here, never from a hand-kept list.
struct RequestRouter: Sendable {
    /// What to do with a request frame.
    enum Outcome: Sendable {
        /// Send this frame (size, header, body, and any file ranges).
        case respond(KafkaWriter)
        /// Send nothing (acks=0).
        case noResponse
        /// Close the connection, as Kafka does for requests it cannot parse.
        case close(reason: String)
    }

    private struct Route: Sendable {
        var versions: ClosedRange<Int16>
        var run: @Sendable (KafkaRequestFrame, RequestContext) async -> Outcome
    }

    private var routes: [ApiKey: Route] = [:]
    private let logger: Logger
    private let metrics: BrokerMetrics?
    private let faults: BrokerFaults?

    init(logger: Logger, metrics: BrokerMetrics? = nil, faults: BrokerFaults? = nil) {
        self.logger = logger
        self.metrics = metrics
        self.faults = faults
    }

    /// Registers a handler for its API and versions.
    mutating func register<Handler: APIHandler>(_ handler: Handler) {
        let logger = self.logger
        routes[Handler.apiKey] = Route(versions: Handler.versions) { frame, context in
            let request: Handler.Request
            do {
                request = try frame.decode(Handler.Request.self)
            } catch {
                return .close(reason: "could not decode \(Handler.Request.messageName) v\(frame.apiVersion): \(error)")
            }
            do {
                guard let response = try await handler.handle(request, context: context) else { return .noResponse }
                return .respond(try KafkaFrameEncoder.response(response, correlationId: frame.correlationId, version: frame.apiVersion))
            } catch {
                logger.error("\(Handler.Request.messageName) failed", metadata: ["error": "\(error)", "client": "\(context.peer)"])
                return .close(reason: "\(Handler.Request.messageName) failed: \(error)")
            }
        }
    }

    /// Every registered API with its versions, for ApiVersions.
    var supportedVersions: [(key: ApiKey, versions: ClosedRange<Int16>)] {
        routes.map { ($0.key, $0.value.versions) }.sorted { $0.key < $1.key }
    }

    /// Routes one frame: unknown APIs and versions close the connection, except ApiVersions, which is
    /// always answered (KIP-511). Network faults (`BrokerFaults`) act here on requests that arrive:
    /// never answered, dropped with their connection, or answered late.
    /// `release` lets the connection read its next request early (`RequestContext.releaseOrder`).
    func route(_ frameBytes: ByteBuffer, peer: String, clientHost: String = "", release: @escaping @Sendable () -> Void = {}) async -> Outcome {
        let frame: KafkaRequestFrame
        do {
            frame = try KafkaRequestFrame(parsing: frameBytes)
        } catch {
            return .close(reason: "unreadable request header: \(error)")
        }
        let context = RequestContext(
            apiVersion: frame.apiVersion, correlationId: frame.correlationId, clientId: frame.header.clientId, peer: peer,
            clientHost: clientHost, releaseOrder: release)
        guard let faults else { return await dispatch(frame, context) }
        switch faults.inbound(clientId: frame.header.clientId) {
        case .blackHole:
            await faults.holdWhileCut(clientId: frame.header.clientId, limit: Self.blackHoleLimit)
            return .close(reason: "isolated (fault injection): the request was never answered")
        case .reset:
            return .close(reason: "request dropped (fault injection)")
        case .pass(let delayMs):
            let outcome = await dispatch(frame, context)
            if delayMs > 0 { try? await Task.sleep(for: .milliseconds(delayMs)) }
            // A long poll (a follower's fetch) that began before a cut must not be answered across it.
            if faults.isCut(clientId: frame.header.clientId) {
                await faults.holdWhileCut(clientId: frame.header.clientId, limit: Self.blackHoleLimit)
                return .close(reason: "isolated (fault injection) while the request waited: its answer was never sent")
            }
            return outcome
        }
    }

    /// The longest a black-holed request holds its connection silent; its sender gave up long before.
    static let blackHoleLimit = Duration.seconds(60)

    private func dispatch(_ frame: KafkaRequestFrame, _ context: RequestContext) async -> Outcome {
        guard let route = routes[frame.apiKey] else {
            return .close(reason: "unsupported API \(frame.apiKey) (key \(frame.apiKey.rawValue))")
        }
        guard route.versions.contains(frame.apiVersion) else {
            if frame.apiKey == .apiVersions { return unsupportedApiVersions(frame) }
            return .close(reason: "unsupported version \(frame.apiVersion) of \(frame.apiKey) (Gregor serves \(route.versions))")
        }
        guard let metrics else { return await route.run(frame, context) }
        let started = ContinuousClock.now
        let outcome = await route.run(frame, context)
        let closed = if case .close = outcome { true } else { false }
        metrics.requestCompleted(frame.apiKey, duration: ContinuousClock.now - started, closed: closed)
        return outcome
    }

    /// An ApiVersions version Gregor doesn't know: a v0 body with UNSUPPORTED_VERSION and the ranges,
    /// so the client can retry with one it has (KIP-511).
    private func unsupportedApiVersions(_ frame: KafkaRequestFrame) -> Outcome {
        var response = ApiVersionsResponse()
        response.errorCode = ErrorCode.unsupportedVersion.rawValue
        response.apiKeys = apiVersionsList()
        do {
            return .respond(try KafkaFrameEncoder.response(response, correlationId: frame.correlationId, version: 0, headerVersion: 0))
        } catch {
            return .close(reason: "could not encode ApiVersions: \(error)")
        }
    }

    func apiVersionsList() -> [ApiVersionsResponse.ApiVersion] {
        supportedVersions.map {
            ApiVersionsResponse.ApiVersion(apiKey: $0.key.rawValue, minVersion: $0.versions.lowerBound, maxVersion: $0.versions.upperBound)
        }
    }
}
