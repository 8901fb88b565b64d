/// Finds the Mustache tags a context cannot answer, walking sections the way Mustache does.
///
/// A section over an array is checked against its first element (an empty array cannot be checked, so its inner
/// tags pass); a Boolean or an inverted section keeps the enclosing context.
enum MustacheKeyCheck {
    static func missingKeys(in template: String, context: Any) -> [String] {
        var stack: [(name: String, value: Any?)] = [("", context)]
        var missing: [String] = []
        for tag in tags(in: template) {
            switch tag.sigil {
            case "!", "%", ">", "<", "$", "=": continue
            case "/": if stack.count > 1 { stack.removeLast() }
            case "#", "^":
                let value = resolve(tag.name, in: stack)
                if value == nil { missing.append(path(tag.name, stack)) }
                if tag.sigil == "^" {
                    stack.append((tag.name, stack.last!.value))
                } else {
                    stack.append((tag.name, sectionContext(value ?? nil, enclosing: stack.last!.value)))
                }
            default:
                if resolve(tag.name, in: stack) == nil { missing.append(path(tag.name, stack)) }
            }
        }
        return missing
    }

    /// `nil`: missing. `.some(nil)`: cannot tell (inside an empty array) or an optional that is unset.
    static func resolve(_ name: String, in stack: [(name: String, value: Any?)]) -> Any?? {
        if name == "." { return .some(stack.last!.value) }
        let parts = name.split(separator: ".").map(String.init)
        for frame in stack.reversed() {
            guard let value = frame.value else { return .some(nil) }
            if let first = child(parts[0], of: value) {
                var current: Any? = first
                for part in parts.dropFirst() {
                    guard let value = current else { return .some(nil) }
                    guard let next = child(part, of: value) else { return nil }
                    current = next
                }
                return .some(current)
            }
        }
        return nil
    }

    static func child(_ key: String, of value: Any) -> Any?? {
        if let dictionary = value as? [String: Any] { return dictionary[key].map { .some($0) } }
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .optional {
            guard let wrapped = mirror.children.first?.value else { return .some(nil) }
            return child(key, of: wrapped)
        }
        for case (let label?, let child) in mirror.children where label == key { return .some(child) }
        return nil
    }

    static func sectionContext(_ value: Any?, enclosing: Any?) -> Any? {
        guard let value else { return nil }
        if value is Bool { return enclosing }
        if let array = value as? [Any] { return array.first }
        return value
    }

    static func path(_ name: String, _ stack: [(name: String, value: Any?)]) -> String {
        (stack.dropFirst().map(\.name) + [name]).joined(separator: ".")
    }

    /// The tags in order: `{{name}}`, `{{{name}}}`, `{{&name}}`, `{{#name}}`, `{{^name}}`, `{{/name}}`, ….
    static func tags(in template: String) -> [(sigil: Character?, name: String)] {
        var result: [(Character?, String)] = []
        var rest = Substring(template)
        while let open = rest.range(of: "{{") {
            guard let close = rest[open.upperBound...].range(of: "}}") else { break }
            var body = rest[open.upperBound..<close.lowerBound]
            rest = rest[close.upperBound...]
            if body.hasPrefix("{") {
                body = body.dropFirst()
                if rest.hasPrefix("}") { rest = rest.dropFirst() }
            }
            body = body.drop { $0 == " " }
            var sigil: Character?
            if let first = body.first, "#^/&!%><$=".contains(first) {
                sigil = first == "&" ? nil : first
                body = body.dropFirst()
            }
            result.append((sigil, body.trimmingCharacters(in: .whitespaces)))
        }
        return result
    }
}
