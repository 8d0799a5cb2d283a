import Controller
import Foundation
import Testing

/// docs/configuration.md lists every config Gregor honours, so the docs cannot drift from the code.
@Suite struct ConfigurationDocsTests {
    @Test func everyHonouredKeyIsDocumented() throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/configuration.md")
        let text = try String(contentsOf: docs, encoding: .utf8)
        for definition in BrokerConfigCatalog.all + TopicConfigCatalog.all {
            #expect(text.contains("`\(definition.name)`"), "docs/configuration.md does not mention \(definition.name)")
        }
    }
}
