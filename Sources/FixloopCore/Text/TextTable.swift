/// Rows of cells printed as aligned columns, padded by display width (a CJK character or an emoji takes two
/// columns, a combining mark none), so tables line up on any platform; `String(format: "%-28@")` does not pad
/// on Linux.
public struct TextTable: Sendable {
    /// How a column lines up.
    public enum Alignment: Sendable { case left, right }

    /// The header row, printed when ``showsHeader`` is true.
    public var header: [String]
    /// The alignment of each column; columns without one read left to right.
    public var alignments: [Alignment]
    /// The rows.
    public var rows: [[String]] = []
    /// Whether the header row is printed (on a terminal; a pipe gets rows only).
    public var showsHeader = true

    /// A table with `header` and per-column alignments.
    public init(header: [String], alignments: [Alignment] = []) {
        self.header = header
        self.alignments = alignments
    }

    /// Adds a row.
    public mutating func append(_ row: [String]) { rows.append(row) }

    /// The table as lines, columns two spaces apart, trailing spaces trimmed.
    public var lines: [String] {
        let all = (showsHeader ? [header] : []) + rows
        let columns = all.map(\.count).max() ?? 0
        let widths = (0..<columns).map { column in all.map { column < $0.count ? Self.width($0[column]) : 0 }.max() ?? 0 }
        return all.map { row in
            var line = ""
            for (column, cell) in row.enumerated() {
                let pad = String(repeating: " ", count: widths[column] - Self.width(cell))
                let alignment = column < alignments.count ? alignments[column] : .left
                if column > 0 { line += "  " }
                line += alignment == .right ? pad + cell : cell + pad
            }
            while line.last == " " { line.removeLast() }
            return line
        }
    }

    /// The table as text, one line per row.
    public var text: String { lines.joined(separator: "\n") }

    /// The number of terminal columns `text` takes.
    public static func width(_ text: String) -> Int {
        text.reduce(0) { $0 + width(of: $1) }
    }

    private static func width(of character: Character) -> Int {
        guard let scalar = character.unicodeScalars.first else { return 0 }
        if scalar.properties.generalCategory == .nonspacingMark || scalar.properties.generalCategory == .enclosingMark { return 0 }
        if scalar.value < 0x1100 { return 1 }
        if scalar.properties.isEmojiPresentation { return 2 }
        switch scalar.value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
             0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x20000...0x3FFFD:
            return 2
        default:
            return 1
        }
    }
}
