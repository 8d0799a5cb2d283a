import Foundation
import KafkaProtocol
import NIOCore
import Testing

/// Frames that real clients sent (Tests/KafkaProtocolTests/Frames): every request decodes, and where the
/// independent Python decoder re-encoded it identically, Gregor's codec gives back the same bytes.
@Suite struct RealClientFramesTests {
    static let entries: [FrameEntry] = FrameEntry.loadAll()

    @Test func corpusIsPresent() {
        #expect(Self.entries.count == 176)
    }

    @Test(arguments: entries)
    func requestDecodesAndReencodes(_ entry: FrameEntry) throws {
        let frame = try entry.frameBody(entry.requestFile)
        let parsed = try KafkaRequestFrame(parsing: frame)
        #expect(parsed.apiKey.rawValue == entry.apiKey)
        #expect(parsed.apiVersion == entry.apiVersion)
        #expect(parsed.correlationId == entry.correlationId)
        #expect(parsed.header.clientId == entry.clientId)
        guard let api = KafkaAPI.named(parsed.apiKey) else { Issue.record("unknown api"); return }
        guard entry.inKafka38Schemas else {
            // A version the 3.8.0 schemas do not define: refused, not misread.
            #expect(throws: KafkaCodingError.self) { try api.request.decode(parsed.body, version: parsed.apiVersion) }
            return
        }
        try checkRequest(api.request, frame: frame, parsed: parsed, entry: entry)
    }

    private func checkRequest<Request: KafkaRequest>(
        _: Request.Type, frame: ByteBuffer, parsed: KafkaRequestFrame, entry: FrameEntry
    ) throws {
        var body = parsed.body
        let request = try Request(from: &body, version: parsed.apiVersion)
        if entry.reencodesIdentically == true {
            #expect(body.readableBytes == 0)
            let again = try KafkaFrameEncoder.request(
                request, version: parsed.apiVersion, correlationId: parsed.correlationId, clientId: parsed.header.clientId)
            #expect(Array(again.readableBytesView.dropFirst(4)) == Array(frame.readableBytesView), "\(entry.requestFile)")
        } else {
            // librdkafka 2.16's all-topics Metadata v12 (librdkafka #5049): 3 stray bytes after a whole body.
            #expect(body.readableBytes == 3, "\(entry.requestFile)")
        }
    }

    @Test(arguments: entries.filter { $0.responseFile != nil && $0.inKafka38Schemas })
    func responseDecodesOrFailsCleanly(_ entry: FrameEntry) throws {
        let frame = try entry.frameBody(entry.responseFile!)
        guard let api = KafkaAPI.named(ApiKey(entry.apiKey)) else { return }
        try checkResponse(api.request, frame: frame, entry: entry)
    }

    private func checkResponse<Request: KafkaRequest>(_: Request.Type, frame: ByteBuffer, entry: FrameEntry) throws {
        if entry.responseDecodes {
            let (correlationId, _) = try Request.Response.decodeFrame(frame, version: entry.apiVersion)
            #expect(correlationId == entry.correlationId)
        } else {
            // The peer broker's malformed answers (see the corpus README): an error, never a crash.
            #expect(throws: (any Error).self) { try Request.Response.decodeFrame(frame, version: entry.apiVersion) }
        }
    }
}

/// One entry of Frames/index.json.
struct FrameEntry: Sendable, CustomTestStringConvertible {
    var requestFile: String
    var responseFile: String?
    var apiKey: Int16
    var apiVersion: Int16
    var correlationId: Int32
    var clientId: String?
    var inKafka38Schemas: Bool
    var reencodesIdentically: Bool?
    var responseDecodes: Bool

    var testDescription: String { requestFile }

    static let folder = Bundle.module.resourceURL!.appendingPathComponent("Frames")

    static func loadAll() -> [FrameEntry] {
        guard let data = try? Data(contentsOf: folder.appendingPathComponent("index.json")),
            let list = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]]
        else { return [] }
        return list.map { item in
            FrameEntry(
                requestFile: item["request_file"] as! String,
                responseFile: item["response_file"] as? String,
                apiKey: Int16((item["api_key"] as! NSNumber).intValue),
                apiVersion: Int16((item["api_version"] as! NSNumber).intValue),
                correlationId: Int32((item["correlation_id"] as! NSNumber).intValue),
                clientId: item["client_id"] as? String,
                inKafka38Schemas: (item["in_kafka_3_8_schemas"] as? NSNumber)?.boolValue ?? false,
                reencodesIdentically: (item["request_reencodes_identically"] as? NSNumber)?.boolValue,
                responseDecodes: (item["response_schema_decode"] as? String) == "ok")
        }
    }

    /// A frame file's bytes after its size prefix, checking the prefix.
    func frameBody(_ file: String) throws -> ByteBuffer {
        let path = file.hasPrefix("frames/") ? String(file.dropFirst("frames/".count)) : file
        let data = try Data(contentsOf: Self.folder.appendingPathComponent(path))
        var buffer = ByteBuffer(bytes: data)
        let size: Int32 = buffer.readInteger()!
        #expect(Int(size) == buffer.readableBytes, "size prefix of \(file)")
        return buffer
    }
}
