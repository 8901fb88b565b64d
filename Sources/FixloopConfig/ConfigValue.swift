import TOMLKit

/// A parsed configuration value, detached from the TOML library so it can be read with key tracking.
indirect enum ConfigValue: Sendable {
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
    case array([ConfigValue])
    case table([String: ConfigValue])
    /// Dates and times: kept as text; no key takes them yet.
    case other(String)

    init(_ value: TOMLValueConvertible) {
        switch value.type {
        case .string: self = .string(value.string ?? "")
        case .int: self = .int(value.int ?? 0)
        case .double: self = .double(value.double ?? 0)
        case .bool: self = .bool(value.bool ?? false)
        case .array: self = .array((value.array.map { Array($0) } ?? []).map { ConfigValue($0) })
        case .table: self = .table(Self.dictionary(value.table ?? TOMLTable()))
        default: self = .other(String(describing: value))
        }
    }

    static func dictionary(_ table: TOMLTable) -> [String: ConfigValue] {
        var result: [String: ConfigValue] = [:]
        for key in table.keys {
            if let value = table[key] { result[key] = ConfigValue(value) }
        }
        return result
    }
}
