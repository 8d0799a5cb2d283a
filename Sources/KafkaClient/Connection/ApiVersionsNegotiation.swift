import KafkaProtocol
import NIOCore

/// The first exchange on every connection: ApiVersions, with KIP-511's fallback.
///
/// The client asks at v3 (sending its software name and version). A broker that does not know v3
/// answers with a v0 body carrying UNSUPPORTED_VERSION and its own ApiVersions range; the client then
/// asks again at the highest version in that range.
enum ApiVersionsNegotiation {
    static func run(on channel: any Channel, configuration: ClientConfiguration, peer: BrokerAddress) async throws -> ApiVersionTable {
        var version = ApiVersionsRequest.validVersions.upperBound
        for _ in 0..<2 {
            let response = try await exchange(version: version, on: channel, configuration: configuration, peer: peer)
            let error = ErrorCode(response.errorCode)
            if error == .noError { return ApiVersionTable(response) }
            guard error == .unsupportedVersion else {
                throw KafkaClientError.broker(error, "ApiVersions to \(peer) failed")
            }
            let theirs = response.apiKeys.first { $0.apiKey == ApiKey.apiVersions.rawValue }
            let next = min(theirs?.maxVersion ?? 0, ApiVersionsRequest.validVersions.upperBound)
            guard next < version, next >= 0 else { break }
            version = next
        }
        throw KafkaClientError(.unsupportedVersion, "broker \(peer) supports no ApiVersions version this client speaks")
    }

    private static func exchange(
        version: Int16, on channel: any Channel, configuration: ClientConfiguration, peer: BrokerAddress
    ) async throws -> ApiVersionsResponse {
        let request = ApiVersionsRequest(
            clientSoftwareName: configuration.softwareName, clientSoftwareVersion: configuration.softwareVersion)
        let frame = try BrokerConnection.encode(request, version: version, clientId: configuration.clientId)
        let response = try await BrokerConnection.sendFrame(
            frame, on: channel, apiKey: .apiVersions, expectsResponse: true,
            timeout: configuration.requestTimeout.timeAmount, peer: peer.description
        ).get()
        return try decode(response, version: version, peer: peer)
    }

    /// Reads the answer at the version asked; a broker that refused the version answers in v0 layout.
    static func decode(_ frame: ByteBuffer, version: Int16, peer: BrokerAddress) throws(KafkaClientError) -> ApiVersionsResponse {
        if let response = try? ApiVersionsResponse.decodeFrame(frame, version: version).response,
            response.errorCode != ErrorCode.unsupportedVersion.rawValue
        {
            return response
        }
        return try BrokerConnection.decode(ApiVersionsResponse.self, frame, version: 0, peer: peer.description)
    }
}
