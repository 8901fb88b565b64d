import FixloopPrompts
import FixloopTesting
import Foundation
import Testing

struct Greeting: PromptContext {
    static let templateName = "test/greeting"
    var name: String
    var items: [Item]
    var urgent: Bool
    struct Item: Codable, Sendable { var title: String }
}

struct PromptLibraryTests {
    func library(_ template: String, in root: URL) throws -> PromptLibrary {
        try GitFixture.write(["test/greeting.mustache": template], in: root)
        return PromptLibrary(overrides: root)
    }

    @Test func rendersTextWithoutHTMLEscapingAndSections() async throws {
        try await withTemporaryDirectory { root in
            let library = try library("Hi {{name}}{{#urgent}}!{{/urgent}}\n{{#items}}- {{title}}\n{{/items}}", in: root)
            let prompt = try library.render(Greeting(name: "<Ada & co>", items: [.init(title: "a < b")], urgent: true))
            #expect(prompt.text == "Hi <Ada & co>!\n- a < b\n")
            #expect(prompt.overridden)
            #expect(prompt.templateHash.count == 16)
        }
    }

    @Test func aNameTheContextLacksIsAnError() async throws {
        try await withTemporaryDirectory { root in
            let library = try library("Hi {{name}} from {{team}}{{#items}}{{author}}{{/items}}", in: root)
            #expect {
                try library.render(Greeting(name: "Ada", items: [.init(title: "x")], urgent: false))
            } throws: { error in
                let message = (error as? PromptError)?.message ?? ""
                return message.contains("author") && message.contains("team") && !message.contains("title")
            }
        }
    }

    @Test func theHashFollowsTheTemplateText() async throws {
        try await withTemporaryDirectory { root in
            let first = try library("Hi {{name}}", in: root).render(Greeting(name: "A", items: [], urgent: false))
            let second = try library("Hello {{name}}", in: root).render(Greeting(name: "A", items: [], urgent: false))
            #expect(first.templateHash != second.templateHash)
        }
    }

    @Test func aMissingTemplateNamesWhereItLooked() {
        struct Nowhere: PromptContext { static let templateName = "none/such" }
        #expect { try PromptLibrary().render(Nowhere()) } throws: { ($0 as? PromptError)?.code == "prompt.missing" }
    }
}
