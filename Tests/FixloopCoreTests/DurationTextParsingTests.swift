import FixloopCore
import Testing

struct DurationTextParsingTests {
    static let all = Set(DurationText.Unit.allCases)

    @Test(arguments: [("90s", Int64(90)), ("20m", 1200), ("1h", 3600), ("7d", 604_800), ("2w", 1_209_600), ("0m", 0), ("+5m", 300)])
    func aNumberAndAUnitLetterIsThatManySeconds(text: String, seconds: Int64) {
        #expect(DurationText.seconds(text, units: Self.all) == seconds)
    }

    @Test func onlyTheUnitsTheCallerNamesAreRead() {
        #expect(DurationText.seconds("90s", units: [.minutes, .hours]) == nil)
        #expect(DurationText.seconds("7d", units: [.seconds, .minutes, .hours]) == nil)
        #expect(DurationText.seconds("7d", units: [.days]) == 604_800)
    }

    @Test func aBareNumberIsSecondsOnlyWhenTheCallerSaysSo() {
        #expect(DurationText.seconds("90", units: Self.all) == nil)
        #expect(DurationText.seconds("90", units: Self.all, bareSeconds: true) == 90)
    }

    @Test(arguments: ["", "m", "-3m", "-3", "1.5h", "1h30m", "7 d", " 7d", "7D", "7x", "ten m", "99999999999999999w", "9223372036854775807m"])
    func anythingElseIsNotADuration(text: String) {
        #expect(DurationText.seconds(text, units: Self.all, bareSeconds: true) == nil)
    }
}
