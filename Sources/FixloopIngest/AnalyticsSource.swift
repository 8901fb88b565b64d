/// The analytics product an export came from.
public enum AnalyticsSource: String, Sendable, Hashable, Codable, CaseIterable {
    /// PostHog: JSON array, JSON lines or CSV exports.
    case posthog
    /// Amplitude: the export API's zip of gzipped JSON lines.
    case amplitude
    /// Segment: spec calls as JSON lines or an array.
    case segment
}
