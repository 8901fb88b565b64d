import FixloopCore

/// Checks a JSON value against the subset of JSON Schema that structured output uses:
/// `type`, `properties`, `required`, `additionalProperties: false`, `enum`, `items`, `minimum`/`maximum`,
/// `minLength`/`maxLength` and `minItems`/`maxItems`. Unknown keywords are ignored.
public struct JSONSchemaValidator: Sendable {
    /// The schema.
    public let schema: JSONValue

    /// Makes a validator for `schema`.
    public init(schema: JSONValue) { self.schema = schema }

    /// The first violation, as a sentence that names the path (`$.items[2].name`), or nil when the value matches.
    public func firstViolation(in value: JSONValue) -> String? {
        Self.check(value, against: schema, path: "$")
    }

    private static func check(_ value: JSONValue, against schema: JSONValue, path: String) -> String? {
        guard case .object = schema else { return nil }
        if let violation = checkType(value, schema: schema, path: path) { return violation }
        if let allowed = schema["enum"]?.arrayValue, !allowed.contains(where: { equal($0, value) }) {
            return "\(path) is \(value.jsonText) but must be one of \(JSONValue.array(allowed).jsonText)"
        }
        if let number = value.doubleValue, let violation = checkBounds(number, schema: schema, path: path) {
            return violation
        }
        switch value {
        case .string(let text):
            if let minimum = schema["minLength"]?.intValue, text.count < minimum {
                return "\(path) is shorter than \(minimum) characters"
            }
            if let maximum = schema["maxLength"]?.intValue, text.count > maximum {
                return "\(path) is longer than \(maximum) characters"
            }
        case .array(let elements):
            if let minimum = schema["minItems"]?.intValue, elements.count < minimum {
                return "\(path) has \(elements.count) items but needs at least \(minimum)"
            }
            if let maximum = schema["maxItems"]?.intValue, elements.count > maximum {
                return "\(path) has \(elements.count) items but allows at most \(maximum)"
            }
            if let items = schema["items"] {
                for (index, element) in elements.enumerated() {
                    if let violation = check(element, against: items, path: "\(path)[\(index)]") { return violation }
                }
            }
        case .object(let members):
            return checkObject(members, schema: schema, path: path)
        default:
            break
        }
        return nil
    }

    private static func checkType(_ value: JSONValue, schema: JSONValue, path: String) -> String? {
        let types: [String]
        switch schema["type"] {
        case .string(let name)?: types = [name]
        case .array(let names)?: types = names.compactMap(\.stringValue)
        default: return nil
        }
        let actual = value.typeName
        let matches = types.contains { $0 == actual || ($0 == "number" && actual == "integer")
            || ($0 == "integer" && actual == "number" && value.intValue != nil) }
        return matches ? nil : "\(path) is \(article(actual)) but must be \(types.map(article).joined(separator: " or "))"
    }

    private static func checkBounds(_ number: Double, schema: JSONValue, path: String) -> String? {
        if let minimum = schema["minimum"]?.doubleValue, number < minimum { return "\(path) is \(format(number)) but the minimum is \(format(minimum))" }
        if let maximum = schema["maximum"]?.doubleValue, number > maximum { return "\(path) is \(format(number)) but the maximum is \(format(maximum))" }
        return nil
    }

    private static func checkObject(_ members: [String: JSONValue], schema: JSONValue, path: String) -> String? {
        for name in schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where members[name] == nil {
            return "\(path) is missing the required property '\(name)'"
        }
        let properties = schema["properties"]?.objectValue ?? [:]
        for name in members.keys.sorted() {
            if let propertySchema = properties[name] {
                if let violation = check(members[name]!, against: propertySchema, path: "\(path).\(name)") { return violation }
            } else if schema["additionalProperties"] == .bool(false) {
                return "\(path) has the property '\(name)', which the schema does not allow"
            }
        }
        return nil
    }

    private static func equal(_ lhs: JSONValue, _ rhs: JSONValue) -> Bool {
        if let left = lhs.doubleValue, let right = rhs.doubleValue { return left == right }
        return lhs == rhs
    }

    private static func article(_ type: String) -> String {
        ["integer", "array", "object"].contains(type) ? "an \(type)" : "a \(type)"
    }

    private static func format(_ number: Double) -> String {
        number.rounded() == number && abs(number) < 1e15 ? String(Int(number)) : String(number)
    }
}
