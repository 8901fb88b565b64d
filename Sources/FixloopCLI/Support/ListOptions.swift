import ArgumentParser
import FixloopCore

/// `--limit N` on every list: at most N rows (20 by default, 0 for all); a cut list says so on standard error.
struct ListOptions: ParsableArguments {
    /// The default number of rows a list prints.
    static let defaultLimit = 20

    @Option(help: ArgumentHelp("At most this many rows; 0 for all.", valueName: "n"))
    var limit = ListOptions.defaultLimit

    func validate() throws {
        if limit < 0 { throw ValidationError("--limit is a count of rows (0 for all), not \(limit).") }
    }

    /// The limit as a store wants it: nil for all.
    var rows: Int? { limit == 0 ? nil : limit }

    /// `items` cut to the limit, and how many were left out (for ``noteCut(shown:total:)`` after the list).
    func cut<T>(_ items: [T]) -> (rows: [T], total: Int) {
        guard let rows, items.count > rows else { return (items, items.count) }
        return (Array(items.prefix(rows)), items.count)
    }

    /// Says on standard error, after the list, that `total - shown` rows were left out.
    func noteCut(shown: Int, total: Int) {
        guard total > shown else { return }
        CommandIO.current.writeError("… \(total - shown) more (use --limit 0 for all)\n")
    }
}
