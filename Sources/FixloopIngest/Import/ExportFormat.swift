/// Which product's export to read; `auto` decides from the first record that decodes.
public enum ExportFormat: String, Sendable, Hashable, CaseIterable, Codable {
    /// Decide from the first record that decodes.
    case auto
    /// PostHog records only.
    case posthog
    /// Amplitude records only.
    case amplitude
    /// Segment calls only.
    case segment
}

/// How records are laid out in a file, found from its first bytes.
public enum ExportContainer: String, Sendable, Hashable, Codable {
    /// One JSON object per line (PostHog batch exports, Segment, Amplitude's inner files).
    case jsonLines = "json-lines"
    /// One top-level JSON array of objects.
    case jsonArray = "json-array"
    /// A CSV export with a header row.
    case csv
    /// A zip of (usually gzipped) JSON-lines files, as Amplitude's export API returns.
    case zip
    /// A PostHog API response saved to a file: the Events API's or the query API's object with `results`.
    case apiResponse = "api-response"
}
