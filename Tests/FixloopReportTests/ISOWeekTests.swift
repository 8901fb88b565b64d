import Foundation
import Testing

@testable import FixloopReport

/// `--week 2025-W23`: Monday to Monday UTC, and only weeks the year has.
struct ISOWeekTests {
    @Test func aWeekRunsFromMondayToMondayUTC() throws {
        let week = try #require(ISOWeek(parsing: "2025-W23"))
        #expect(week.start == Date(timeIntervalSince1970: 1_748_822_400))  // Mon 2 Jun 2025
        #expect(week.end == week.start.addingTimeInterval(7 * 86_400))
        #expect(week.description == "2025-W23")
    }

    @Test func theWeekOfADateIsTheISOWeekThatHoldsIt() {
        // Sun 1 Jun 2025 23:59 UTC belongs to the week that began on Monday 26 May.
        #expect(ISOWeek(containing: Date(timeIntervalSince1970: 1_748_822_340)).description == "2025-W22")
        #expect(ISOWeek(containing: Date(timeIntervalSince1970: 1_748_822_400)).description == "2025-W23")
        // 1 Jan 2027 is a Friday: it belongs to 2026's week 53.
        #expect(ISOWeek(containing: Date(timeIntervalSince1970: 1_798_761_600)).description == "2026-W53")
    }

    @Test(arguments: ["2025-W53", "2025-W00", "2025-23", "W23", "2025-W", "25-W23"])
    func textThatIsNoWeekOfItsYearIsRejected(text: String) {
        #expect(ISOWeek(parsing: text) == nil)
    }
}
