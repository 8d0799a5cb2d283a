import Foundation
import Testing

@testable import KafkaProtocolGenerator

/// The committed generated code is what the generator makes of the schemas now, so nobody edits it by
/// hand and nobody forgets `make protocol`. Skipped only where the schemas are absent (they live beside
/// the project, in ../shared/kafka-protocol).
@Suite struct GeneratedFreshnessTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let schemas = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/kafka-protocol")
    static let schemasPresent = FileManager.default.fileExists(atPath: schemas.appendingPathComponent("messages").path)

    @Test(.enabled(if: schemasPresent, "../shared/kafka-protocol is absent: the freshness check is skipped"))
    func committedCodeMatchesTheSchemas() throws {
        let files = try Generator(schemaRoot: Self.schemas).generate()
        let stale = try GeneratedFiles(packageRoot: Self.packageRoot).differences(from: files)
        #expect(stale.isEmpty, "stale generated files, run `make protocol`: \(stale.prefix(10))")
        #expect(files.count > 200)
    }

    @Test func versionRangesParseAsTheSchemasWriteThem() throws {
        #expect(try VersionRange(parsing: "3").description == "3")
        #expect(try VersionRange(parsing: "0-9") == VersionRange(lower: 0, upper: 9))
        #expect(try VersionRange(parsing: "9+") == VersionRange(lower: 9, upper: .max))
        #expect(try VersionRange(parsing: "none").isEmpty)
        #expect(throws: GeneratorError.self) { try VersionRange(parsing: "x") }
        let valid = VersionRange(lower: 0, upper: 11)
        #expect(try VersionRange(parsing: "9+").condition(within: valid) == "version >= 9")
        #expect(try VersionRange(parsing: "0+").condition(within: valid) == "true")
        #expect(try VersionRange(parsing: "0-2").condition(within: valid) == "version <= 2")
        #expect(try VersionRange(parsing: "3-5").condition(within: valid) == "(version >= 3 && version <= 5)")
        #expect(try VersionRange(parsing: "12+").condition(within: valid) == "false")
    }

    @Test func commentsAreStrippedOutsideStrings() {
        let text = "{ // a comment\n \"a\": \"http://x\" // another\n}"
        #expect(JSONComments.strip(text) == "{ \n \"a\": \"http://x\" \n}")
    }

    @Test func propertyNamesFollowSwiftConventions() {
        #expect(SwiftNames.property("TopicId") == "topicId")
        #expect(SwiftNames.property("ISRNodes") == "isrNodes")
        #expect(SwiftNames.property("Default") == "`default`")
        #expect(SwiftNames.property("URL") == "url")
    }
}
