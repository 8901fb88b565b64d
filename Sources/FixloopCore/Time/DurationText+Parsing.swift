/// Reading a length of time as a user writes it: a whole number and a unit letter, `90s`, `20m`, `1h`, `7d`, `2w`.
/// The one parser of such text: `PeriodBound` reads its relative bounds (`30m`, `7d`) with it, `fix` and `revise`
/// their `--timeout` (`90s`, `20m`, `1h`, or plain seconds). Each caller names the units it accepts.
///
/// Providers' reset headers (`1m30s`, `250ms`, FixloopModels' `RateLimitHeaders`) are another format and are not
/// read here.
extension DurationText {
    /// A unit letter.
    public enum Unit: Character, Sendable, CaseIterable {
        case seconds = "s", minutes = "m", hours = "h", days = "d", weeks = "w"

        /// Seconds in one of it.
        public var seconds: Int64 {
            switch self {
            case .seconds: 1
            case .minutes: 60
            case .hours: 3600
            case .days: 86_400
            case .weeks: 604_800
            }
        }
    }

    /// The whole seconds `text` names: digits and one of `units` (`20m`), or, when `bareSeconds`, digits alone as
    /// seconds (`90`). No spaces, signs other than a leading `+`, fractions or compound forms (`1h30m`).
    /// - Parameters:
    ///   - text: what the user wrote, already trimmed if the caller trims.
    ///   - units: the unit letters the caller accepts.
    ///   - bareSeconds: whether a number without a unit is seconds.
    /// - Returns: the seconds, zero or more; nil for anything else, a negative number, or one too large for `Int64`.
    public static func seconds(_ text: String, units: Set<Unit>, bareSeconds: Bool = false) -> Int64? {
        if bareSeconds, let value = Int64(text) { return value >= 0 ? value : nil }
        guard let letter = text.last, let unit = Unit(rawValue: letter), units.contains(unit),
              let count = Int64(text.dropLast()), count >= 0 else { return nil }
        let (total, overflow) = count.multipliedReportingOverflow(by: unit.seconds)
        return overflow ? nil : total
    }
}
