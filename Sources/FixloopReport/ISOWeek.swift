import Foundation

/// An ISO 8601 week (`2025-W23`): Monday 00:00 UTC to the next Monday, the review's default period.
public struct ISOWeek: Sendable, Hashable, CustomStringConvertible {
    public let year: Int
    public let week: Int

    private static let calendar: Calendar = {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    /// The week written `YYYY-Www` (`2025-W23`), or nil when the text is not one or the year has no such week.
    public init?(parsing text: String) {
        let parts = text.uppercased().split(separator: "-W", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, (1...2).contains(parts[1].count),
              let year = Int(parts[0]), let week = Int(parts[1]), (1...53).contains(week) else { return nil }
        self.year = year
        self.week = week
        // Week 53 exists only in some years: the week's Monday must fall back into the same ISO week.
        guard ISOWeek(containing: start).week == week else { return nil }
    }

    /// The week that contains `date` (UTC).
    public init(containing date: Date) {
        let parts = Self.calendar.dateComponents([.yearForWeekOfYear, .weekOfYear], from: date)
        year = parts.yearForWeekOfYear!
        week = parts.weekOfYear!
    }

    /// Monday 00:00 UTC.
    public var start: Date {
        Self.calendar.date(from: DateComponents(weekday: 2, weekOfYear: week, yearForWeekOfYear: year))!
    }

    /// The next Monday 00:00 UTC (exclusive).
    public var end: Date { start.addingTimeInterval(7 * 86_400) }

    public var description: String { String(format: "%04d-W%02d", year, week) }
}
