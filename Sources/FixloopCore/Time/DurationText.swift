import Foundation

/// Short durations for people: `45s`, `3m05s`, `1h02m`; with `precise`, tenths of a second under ten seconds
/// (`3.9s`). The timelines, the rubric's reasons and the progress lines write durations this one way.
public enum DurationText {
    public static func short(_ seconds: TimeInterval, precise: Bool = false) -> String {
        if precise, seconds < 10 { return String(format: "%.1fs", seconds) }
        let total = Int(seconds.rounded())
        if total < 60 { return "\(total)s" }
        if total < 3600 { return String(format: "%dm%02ds", total / 60, total % 60) }
        return String(format: "%dh%02dm", total / 3600, (total % 3600) / 60)
    }
}
