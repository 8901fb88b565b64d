import Foundation

/// One end of a period as a user writes it on the command line: `30m`, `24h`, `7d`, `2w` (that long before now),
/// a date `2026-11-30` (its midnight, UTC), an ISO 8601 timestamp `2026-11-30T08:00:00Z` or with an offset, or
/// `all` (no bound). Every command that reads `--since` or `--until` parses it here.
public struct PeriodBound: Sendable, Equatable, CustomStringConvertible {
    /// What the bound is, once parsed.
    public enum Kind: Sendable, Equatable {
        /// No bound: from the beginning, or until now.
        case all
        /// That many seconds before now.
        case ago(TimeInterval)
        /// A fixed instant.
        case instant(Date)
    }

    /// The text as written, shown in help defaults and errors.
    public let text: String
    /// The parsed bound.
    public let kind: Kind

    /// The forms accepted, for help and error text.
    public static let acceptedForms = "30m, 24h, 7d, 2w, a date (2026-11-30), an ISO 8601 timestamp (2026-11-30T08:00:00Z), or all"

    /// Parses a bound.
    /// - Parameter text: what the user wrote.
    /// - Throws: ``PeriodError`` naming the value and the accepted forms.
    public init(parsing text: String) throws(PeriodError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        self.text = trimmed
        if trimmed.lowercased() == "all" {
            kind = .all
        } else if let seconds = Self.duration(trimmed) {
            kind = .ago(seconds)
        } else if let date = Self.instant(trimmed) {
            kind = .instant(date)
        } else {
            throw PeriodError(value: text)
        }
    }

    public var description: String { text }

    /// The instant the bound names, seen from `now`; nil for `all`.
    public func date(relativeTo now: Date) -> Date? {
        switch kind {
        case .all: return nil
        case .ago(let seconds): return now.addingTimeInterval(-seconds)
        case .instant(let date): return date
        }
    }

    private static func duration(_ text: String) -> TimeInterval? {
        DurationText.seconds(text, units: [.minutes, .hours, .days, .weeks]).map(Double.init)
    }

    private static func instant(_ text: String) -> Date? {
        if text.count == 10 {
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withFullDate]
            formatter.timeZone = TimeZone(identifier: "UTC")
            return formatter.date(from: text)
        }
        for options: ISO8601DateFormatter.Options in [[.withInternetDateTime], [.withInternetDateTime, .withFractionalSeconds]] {
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = options
            if let date = formatter.date(from: text) { return date }
        }
        return nil
    }
}

/// A `--since` or `--until` value that is none of the accepted forms.
public struct PeriodError: FixloopError, Equatable {
    /// The value as written.
    public let value: String

    /// The error for `value`.
    public init(value: String) { self.value = value }

    public var code: String { "cli.invalid_period" }

    public var message: String {
        "The period '\(value)' is not understood; write \(PeriodBound.acceptedForms)."
    }
}
