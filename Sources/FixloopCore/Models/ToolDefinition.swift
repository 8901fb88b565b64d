import Foundation

/// A tool the model may call: a name, what it does, and its parameters as JSON Schema.
public struct ToolDefinition: Sendable, Hashable, Codable {
    /// The name the model uses to call it (letters, digits, `_` and `-`).
    public var name: String
    /// What the tool does, for the model.
    public var description: String
    /// The JSON Schema of the arguments object.
    public var parameters: JSONValue

    /// Declares a tool.
    /// - Parameters:
    ///   - name: the name the model calls it by.
    ///   - description: what it does.
    ///   - parameters: the JSON Schema of its arguments (an `object` schema).
    public init(name: String, description: String, parameters: JSONValue) {
        self.name = name
        self.description = description
        self.parameters = parameters
    }
}

/// A tool call the model asked for.
public struct ToolCall: Sendable, Hashable, Codable {
    /// The provider's id for the call; the tool result must name it.
    public var id: String
    /// The tool's name.
    public var name: String
    /// The arguments exactly as the model wrote them (JSON text, possibly malformed).
    public var argumentsText: String

    /// Makes a tool call.
    /// - Parameters:
    ///   - id: the call id.
    ///   - name: the tool name.
    ///   - argumentsText: the JSON text of the arguments.
    public init(id: String, name: String, argumentsText: String) {
        self.id = id
        self.name = name
        self.argumentsText = argumentsText
    }

    /// The arguments parsed, or nil when the model wrote text that is not JSON (feed that back to it).
    public var arguments: JSONValue? {
        let trimmed = argumentsText.trimmingCharacters(in: .whitespacesAndNewlines)
        return try? JSONValue(parsing: trimmed.isEmpty ? "{}" : trimmed)
    }
}
