import ArgumentParser
import FixloopCore
import Foundation

/// `--since` and `--until`: one parser (``PeriodBound``), one help text, one error, on every command that reads a
/// period. Commands declare `@Option(help: .since(…), transform: PeriodBound.argument) var since: PeriodBound = …`.
extension PeriodBound {
    /// Parses a command-line value; a bad one fails the parse (exit 2) with the value and the accepted forms.
    static func argument(_ text: String) throws -> PeriodBound {
        do {
            return try PeriodBound(parsing: text)
        } catch {
            throw ValidationError(error.message)
        }
    }

    /// A bound the code knows to be valid (defaults).
    static func known(_ text: String) -> PeriodBound {
        // The literals passed here are accepted forms; a typo is a programming error caught by every test run.
        try! PeriodBound(parsing: text)
    }

    /// The instant from `now`, or `fallback` for `all`.
    func date(relativeTo now: Date, orElse fallback: Date?) -> Date? {
        date(relativeTo: now) ?? fallback
    }
}

extension ArgumentHelp {
    /// The help of a `--since` option: what it starts, the accepted forms, and its default the way
    /// swift-argument-parser writes one (a transformed option's default is not shown by the parser itself).
    static func since(_ what: String, default value: String? = nil) -> ArgumentHelp {
        ArgumentHelp("\(what) since: \(PeriodBound.acceptedForms).\(value.map { " (default: \($0))" } ?? "")", valueName: "period")
    }

    /// The help of an `--until` option (all, its default, is now).
    static func until(_ what: String, default value: String? = "now") -> ArgumentHelp {
        ArgumentHelp("\(what) before: the same forms as --since.\(value.map { " (default: \($0))" } ?? "")", valueName: "period")
    }
}

extension ArgumentHelp {
    /// The help of every `--sandbox` option.
    static let sandbox = ArgumentHelp(
        "The sandbox: bubblewrap, or none (no isolation, only for already-isolated machines).", valueName: "sandbox")
}
