import FixloopCore

/// A configuration file or value that cannot be used.
public struct ConfigurationError: FixloopError, Equatable {
    /// Why the configuration was refused.
    public enum Kind: String, Sendable {
        case unreadable = "config.unreadable"
        case malformed = "config.malformed"
        case unknownKey = "config.unknown_key"
        case wrongType = "config.wrong_type"
        case invalidValue = "config.invalid_value"
        case missingFile = "config.missing_file"
    }

    public let kind: Kind
    /// The file the problem is in.
    public let file: String
    /// The dotted key, when the problem is one key.
    public let key: String?
    /// What is wrong, as a clause.
    public let detail: String

    public var code: String { kind.rawValue }
    public var message: String {
        switch kind {
        case .unknownKey:
            return "Unknown key '\(key ?? "?")' in \(file); remove it or check its spelling against docs/configuration.md."
        case .wrongType, .invalidValue:
            return "The key '\(key ?? "?")' in \(file) \(detail); fix the value and run again."
        case .unreadable, .missingFile:
            return "The configuration file \(file) \(detail); check the path given by --config or FIXLOOP_CONFIG."
        case .malformed:
            return "The configuration file \(file) is not valid TOML (\(detail)); fix the syntax and run again."
        }
    }
}
