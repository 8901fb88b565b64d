import FixloopCore
import Foundation

extension CommandContext {
    /// Prints `value` as JSON, the one way (``JSONEncoder/pretty``).
    func printJSON<T: Encodable>(_ value: T) throws {
        print(try JSONEncoder.prettyText(value))
    }

    /// Prints a table; its header row only on a terminal, so a pipe gets rows alone.
    func printTable(_ table: TextTable) {
        var table = table
        table.showsHeader = CommandIO.current.isTerminal
        for line in table.lines { print(line) }
    }
}
