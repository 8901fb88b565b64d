/// The analytics product an export came from.
public enum AnalyticsSource: String, Sendable, Hashable, Codable, CaseIterable {
    case posthog
    case amplitude
    case segment
}
