/// The pieces of a commented TOML file that `fixloop init` writes: sections of keys whose values are rendered from
/// the code's own defaults, and commented examples (`# key = value`) for keys that have none.
struct TemplateText {
    private(set) var lines: [String] = []

    /// Comment lines (`# …`), one per element.
    mutating func comment(_ text: String...) { lines += text.map { "# " + $0 } }

    /// Comment lines (`# …`), one per element of `texts`.
    mutating func comments(_ texts: [String]) { lines += texts.map { "# " + $0 } }

    /// A table header, after a blank line.
    mutating func table(_ name: String) { lines += ["", "[\(name)]"] }

    /// A key with its default value, its meaning in a comment above it.
    mutating func key(_ key: String, _ value: String, _ meaning: String) {
        lines += ["# " + meaning, "\(key) = \(value)"]
    }

    /// A key with a value when the default has one, else the example commented out.
    mutating func key(_ key: String, _ value: String?, example: String, _ meaning: String) {
        lines += ["# " + meaning, value.map { "\(key) = \($0)" } ?? "# \(key) = \(example)"]
    }

    /// A commented table header, for the examples under it.
    mutating func exampleTable(_ name: String) { lines.append("# [\(name)]") }

    /// A blank line.
    mutating func blank() { lines.append("") }

    var text: String { lines.joined(separator: "\n") + "\n" }

    /// A TOML string literal.
    static func string(_ text: String) -> String {
        var escaped = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            case "\t": escaped += "\\t"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return "\"\(escaped)\""
    }

    /// A TOML array of strings.
    static func strings(_ values: [String]) -> String { "[" + values.map(string).joined(separator: ", ") + "]" }

    /// A TOML float (always with a fraction, so it reads back as a number of the same kind).
    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(format: "%.1f", value) : "\(value)"
    }
}
