import FixloopCore
import Foundation

/// Parses the timestamps analytics exports carry, without a formatter per call.
///
/// Accepts ISO 8601 with `T` or a space, any number of fraction digits, and `Z`, `±hh:mm`, `±hhmm` or no zone
/// (read as UTC, as Amplitude and ClickHouse write it); and epoch numbers in seconds or milliseconds.
public enum AnalyticsTimestamp {
    /// The date in `text`, or `nil` when it is not a timestamp.
    public static func parse(_ text: String) -> Date? {
        if !text.utf8.contains(0x2D) { return Double(text).flatMap(epoch) }
        var text = text
        return text.withUTF8 { bytes in
            var count = bytes.count
            while count > 0, bytes[count - 1] == 0x20 { count -= 1 }
            return iso(UnsafeBufferPointer(rebasing: bytes[0..<count]))
        }
    }

    /// An ISO 8601 date from its UTF-8 bytes (trailing spaces already cut).
    private static func iso(_ utf8: UnsafeBufferPointer<UInt8>) -> Date? {
        guard utf8.count >= 19 else { return nil }
        func digits(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                let byte = utf8[index]
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        guard utf8[4] == 0x2D, utf8[7] == 0x2D, utf8[10] == 0x54 || utf8[10] == 0x20,
            utf8[13] == 0x3A, utf8[16] == 0x3A,
            let year = digits(0..<4), let month = digits(5..<7), let day = digits(8..<10),
            let hour = digits(11..<13), let minute = digits(14..<16), let second = digits(17..<19),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var index = 19
        var fraction = 0.0
        if index < utf8.count, utf8[index] == 0x2E {
            index += 1
            var scale = 0.1
            while index < utf8.count, utf8[index] >= 0x30, utf8[index] <= 0x39 {
                fraction += Double(utf8[index] - 0x30) * scale
                scale /= 10
                index += 1
            }
        }
        var offsetSeconds = 0
        if index < utf8.count {
            let sign = utf8[index]
            if sign == 0x5A || sign == 0x7A {
                index += 1
            } else if sign == 0x2B || sign == 0x2D {
                let rest = utf8.count - index - 1
                let hours: Int?
                let minutes: Int?
                if rest == 5, utf8[index + 3] == 0x3A {
                    hours = digits((index + 1)..<(index + 3))
                    minutes = digits((index + 4)..<(index + 6))
                } else if rest == 4 {
                    hours = digits((index + 1)..<(index + 3))
                    minutes = digits((index + 3)..<(index + 5))
                } else if rest == 2 {
                    hours = digits((index + 1)..<(index + 3))
                    minutes = 0
                } else {
                    return nil
                }
                guard let hours, let minutes else { return nil }
                offsetSeconds = (hours * 3600 + minutes * 60) * (sign == 0x2D ? -1 : 1)
                index = utf8.count
            }
        }
        guard index == utf8.count else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = Double(days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds) + fraction
        return Date(timeIntervalSince1970: seconds)
    }

    /// A date from an epoch number: milliseconds when it is larger than any plausible seconds value.
    public static func epoch(_ number: Double) -> Date? {
        guard number.isFinite, number > 0 else { return nil }
        return Date(timeIntervalSince1970: number > 100_000_000_000 ? number / 1000 : number)
    }

    /// A date from a JSON value: a timestamp string or an epoch number.
    public static func parse(_ value: JSONValue?) -> Date? {
        switch value {
        case .string(let text): return parse(text)
        case .integer(let number): return epoch(Double(number))
        case .number(let number): return epoch(number)
        default: return nil
        }
    }

    /// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
    package static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// `2025-06-03T14:02:11Z`: the UTC second of `date`, without a formatter.
    package static func isoSecond(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let (year, month, day) = civil(fromDays: days)
        let rest = seconds - days * 86_400
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", year, month, day, rest / 3600, (rest % 3600) / 60, rest % 60)
    }

    /// The calendar date of a day count since 1970-01-01 (Howard Hinnant's algorithm).
    package static func civil(fromDays days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
