import Foundation

/// Which model to use, as written on the command line and in config: `openai:MODEL`, `anthropic:MODEL`,
/// `replay:FILE`.
public struct ModelSpec: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Who serves the model.
    public enum Provider: String, Sendable, Hashable, Codable, CaseIterable {
        /// Any server speaking OpenAI's Chat Completions (OpenAI, vLLM, Ollama, llama.cpp, OpenRouter, LM Studio).
        case openai
        /// Anthropic's Messages API.
        case anthropic
        /// A recorded transcript played back.
        case replay
    }

    /// The provider.
    public let provider: Provider
    /// The model name, or for `replay` the transcript path.
    public let name: String

    /// Makes a spec.
    public init(provider: Provider, name: String) {
        self.provider = provider
        self.name = name
    }

    /// Parses `provider:name`.
    /// - Parameter text: `openai:gpt-4o-mini`, `anthropic:claude-sonnet-4-5`, `replay:run.jsonl`.
    /// - Throws: ``ModelSpecError`` naming the text and what is wrong with it.
    public init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let colon = trimmed.firstIndex(of: ":") else {
            throw ModelSpecError(text: text, reason: "it has no provider prefix")
        }
        let prefix = trimmed[..<colon].lowercased()
        let name = String(trimmed[trimmed.index(after: colon)...])
        guard let provider = Provider(rawValue: prefix) else {
            throw ModelSpecError(text: text, reason: "'\(prefix)' is not a known provider")
        }
        guard !name.isEmpty else { throw ModelSpecError(text: text, reason: "the model name is empty") }
        self.init(provider: provider, name: name)
    }

    /// `provider:name`.
    public var description: String { "\(provider.rawValue):\(name)" }
}

/// A model spec that cannot be parsed.
public struct ModelSpecError: FixloopError, Equatable {
    /// What was given.
    public let text: String
    /// Why it was refused.
    public let reason: String

    public var code: String { "models.invalid_spec" }
    public var message: String {
        "The model '\(text)' is not usable because \(reason); write openai:MODEL, anthropic:MODEL or replay:FILE."
    }
}
