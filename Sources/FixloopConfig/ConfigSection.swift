import TOMLKit
import FixloopCore

/// One table of a parsed configuration file that remembers which keys were read,
/// so that ``finish()`` can refuse the ones nobody knows.
public struct ConfigSection {
    let file: String
    let prefix: String
    let values: [String: ConfigValue]
    private var used: Set<String> = []

    init(file: String, prefix: String, values: [String: ConfigValue]) {
        self.file = file
        self.prefix = prefix
        self.values = values
    }

    private func dotted(_ key: String) -> String { prefix.isEmpty ? key : "\(prefix).\(key)" }

    private func wrongType(_ key: String, _ expected: String) -> ConfigurationError {
        ConfigurationError(kind: .wrongType, file: file, key: dotted(key), detail: "must be \(expected)")
    }

    /// A string value, or nil when the key is absent.
    public mutating func string(_ key: String) throws -> String? {
        used.insert(key)
        guard let raw = values[key] else { return nil }
        guard case .string(let value) = raw else { throw wrongType(key, "a string") }
        return value
    }

    /// An integer value, or nil when the key is absent.
    public mutating func int(_ key: String, range: ClosedRange<Int>? = nil) throws -> Int? {
        used.insert(key)
        guard let raw = values[key] else { return nil }
        guard case .int(let value) = raw else { throw wrongType(key, "an integer") }
        if let range, !range.contains(value) {
            throw ConfigurationError(
                kind: .invalidValue, file: file, key: dotted(key),
                detail: "is \(value) but must be between \(range.lowerBound) and \(range.upperBound)")
        }
        return value
    }

    /// A floating-point value (integers are accepted), or nil when the key is absent.
    public mutating func double(_ key: String) throws -> Double? {
        used.insert(key)
        guard let raw = values[key] else { return nil }
        switch raw {
        case .double(let value): return value
        case .int(let value): return Double(value)
        default: throw wrongType(key, "a number")
        }
    }

    /// A boolean value, or nil when the key is absent.
    public mutating func bool(_ key: String) throws -> Bool? {
        used.insert(key)
        guard let raw = values[key] else { return nil }
        guard case .bool(let flag) = raw else { throw wrongType(key, "true or false") }
        return flag
    }

    /// An array of strings, or nil when the key is absent.
    public mutating func strings(_ key: String) throws -> [String]? {
        used.insert(key)
        guard let raw = values[key] else { return nil }
        guard case .array(let array) = raw else { throw wrongType(key, "an array of strings") }
        return try array.map { element in
            guard case .string(let text) = element else { throw wrongType(key, "an array of strings") }
            return text
        }
    }

    /// A nested table; an empty one when the key is absent.
    public mutating func section(_ key: String) throws -> ConfigSection {
        used.insert(key)
        guard let raw = values[key] else { return ConfigSection(file: file, prefix: dotted(key), values: [:]) }
        guard case .table(let table) = raw else { throw wrongType(key, "a table") }
        return ConfigSection(file: file, prefix: dotted(key), values: table)
    }

    /// The keys present in this table, sorted.
    public var keys: [String] { values.keys.sorted() }

    /// Refuses the first key that was present but never read.
    /// - Throws: ``ConfigurationError`` of kind `unknownKey` naming the key and the file.
    public func finish() throws {
        if let unknown = values.keys.sorted().first(where: { !used.contains($0) }) {
            throw ConfigurationError(kind: .unknownKey, file: file, key: dotted(unknown), detail: "is not a known key")
        }
    }
}

extension ConfigSection {
    /// Parses a TOML document into its root table, for files other than fixloop.toml (a repository's
    /// `.fixloop.toml`). Read keys with the accessors, then call ``finish()`` to refuse unknown ones.
    /// - Throws: ``ConfigurationError`` of kind `malformed` with the line and column.
    public static func parse(toml text: String, file: String) throws -> ConfigSection {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigurationError(kind: .malformed, file: file, key: nil,
                                     detail: "line \(error.source.begin.line), column \(error.source.begin.column)")
        }
        return ConfigSection(file: file, prefix: "", values: ConfigValue.dictionary(table))
    }
}
