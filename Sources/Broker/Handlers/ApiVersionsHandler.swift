import KafkaProtocol

/// ApiVersions (key 18), versions 0-3: the APIs and versions this broker serves, built from the
/// registered handlers. Unknown versions are answered by the router (KIP-511).
struct ApiVersionsHandler: APIHandler {
    typealias Request = ApiVersionsRequest
    static let versions: ClosedRange<Int16> = 0...3

    let apiKeys: [ApiVersionsResponse.ApiVersion]

    func handle(_ request: ApiVersionsRequest, context: RequestContext) async throws -> ApiVersionsResponse? {
        var response = ApiVersionsResponse(apiKeys: apiKeys)
        // v3 clients name their software; Kafka refuses names outside this pattern (KIP-511).
        if context.apiVersion >= 3,
            !Self.isValidSoftwareField(request.clientSoftwareName) || !Self.isValidSoftwareField(request.clientSoftwareVersion)
        {
            response.errorCode = ErrorCode.invalidRequest.rawValue
        }
        return response
    }

    /// `[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?`
    static func isValidSoftwareField(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        func alphanumeric(_ byte: UInt8) -> Bool {
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
        }
        guard let first = bytes.first, let last = bytes.last, alphanumeric(first), alphanumeric(last) else { return false }
        return bytes.allSatisfy { alphanumeric($0) || $0 == 0x2D || $0 == 0x2E }
    }
}
