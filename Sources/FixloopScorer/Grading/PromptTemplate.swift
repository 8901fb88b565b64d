import Foundation
import Mustache

/// A Mustache prompt template that refuses to render with a context missing any key it uses.
///
/// Mustache renders an unknown key as nothing; a prompt with a silent hole is worse than an error, so every tag
/// is resolved against the context (by reflection, as swift-mustache does) before rendering.
public struct PromptTemplate: Sendable {
    /// The template text.
    public let text: String
    /// A stable hash of the text (FNV-1a, 16 hex digits), stored with each grade to tell prompt versions apart.
    public let hash: String
    private let template: MustacheTemplate
    private let name: String

    /// Parses `text`; `name` (a file name) only goes into error messages.
    /// - Throws: ``ScorerError`` `scorer.invalid_template` when the text is not valid Mustache.
    public init(text: String, name: String) throws {
        do {
            template = try MustacheTemplate(string: text)
        } catch {
            throw ScorerError(
                .invalidTemplate, "The prompt template \(name) is not valid Mustache (\(error)); fix its tags.")
        }
        self.text = text
        self.name = name
        self.hash = StableHash.hex(StableHash.fnv1a(text))
    }

    /// Reads and parses the template at `url`.
    public init(contentsOf url: URL) throws {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw ScorerError(
                .unreadableFile, "Could not read the prompt template \(url.path); check the prompts folder.",
                underlying: error as? any Error & Sendable)
        }
        try self.init(text: text, name: url.lastPathComponent)
    }

    /// The keys the template uses that `context` does not have, as dotted paths from the top.
    public func missingKeys(for context: Any) -> [String] {
        MustacheKeyCheck.missingKeys(in: text, context: context)
    }

    /// Renders the template.
    /// - Throws: ``ScorerError`` `scorer.invalid_template` naming the first key `context` lacks.
    public func render(_ context: Any) throws -> String {
        if let missing = missingKeys(for: context).first {
            throw ScorerError(
                .invalidTemplate,
                "The prompt template \(name) uses `\(missing)`, which its context does not have; "
                    + "fix the template or the context type.")
        }
        return template.render(context)
    }
}
