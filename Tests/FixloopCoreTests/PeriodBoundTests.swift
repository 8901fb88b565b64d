import FixloopCore
import Foundation
import Testing

struct PeriodBoundTests {
    static let now = Date(timeIntervalSince1970: 1_796_000_000)

    @Test(arguments: [("30m", 1800.0), ("24h", 86_400), ("7d", 604_800), ("2w", 1_209_600), ("0d", 0)])
    func aDurationCountsBackFromNow(text: String, seconds: Double) throws {
        #expect(try PeriodBound(parsing: text).date(relativeTo: Self.now) == Self.now.addingTimeInterval(-seconds))
    }

    @Test(arguments: [
        ("2026-11-30", "2026-11-30T00:00:00Z"),
        ("2026-11-30T08:15:00Z", "2026-11-30T08:15:00Z"),
        ("2026-11-30T10:15:00+02:00", "2026-11-30T08:15:00Z"),
        ("2026-11-30T08:15:00.250Z", "2026-11-30T08:15:00Z"),
    ])
    func aDateOrTimestampIsThatInstant(text: String, utc: String) throws {
        let date = try #require(try PeriodBound(parsing: text).date(relativeTo: Self.now))
        let formatter = ISO8601DateFormatter()
        #expect(formatter.string(from: date) == utc)
    }

    @Test func allIsNoBound() throws {
        #expect(try PeriodBound(parsing: "all").date(relativeTo: Self.now) == nil)
        #expect(try PeriodBound(parsing: "ALL").kind == .all)
    }

    @Test(arguments: ["yesterday", "7", "d", "-3d", "7 days", "2026-13-01", "2026-11-30 08:00", ""])
    func anythingElseIsRefusedNamingTheValueAndTheForms(text: String) {
        #expect(throws: PeriodError(value: text)) { try PeriodBound(parsing: text) }
        let message = PeriodError(value: text).message
        #expect(message.contains("'\(text)'") && message.contains("2w") && message.contains("ISO 8601") && message.contains("all"))
    }
}
