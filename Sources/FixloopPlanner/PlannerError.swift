import FixloopCore

/// A planner failure that is not an expected outcome: a sink that cannot be reached or refuses, a bad setting.
public struct PlannerError: FixloopError, Equatable {
    public enum Kind: String, Sendable {
        case sink
        case model
        case invalidSettings = "invalid_settings"
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var code: String { "planner.\(kind.rawValue)" }
}
