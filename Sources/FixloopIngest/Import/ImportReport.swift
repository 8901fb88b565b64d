/// What an import did: counts, and the first few malformed records with their line numbers.
public struct ImportReport: Sendable, Hashable, Codable {
    /// One record that could not be used.
    public struct Problem: Sendable, Hashable, Codable {
        /// The file, or `archive.zip:entry.json.gz` for a zip entry.
        public var file: String
        /// The 1-based line where the record starts.
        public var line: Int
        /// Why it was rejected; never the record's content.
        public var reason: String
    }

    /// Records read, whatever became of them.
    public var read = 0
    /// Records that could not be parsed or lacked a required field.
    public var malformed = 0
    /// Events whose id was already seen earlier in this import.
    public var duplicates = 0
    /// Records that are not events (Segment `identify`, `group`, `alias`).
    public var skipped = 0
    /// Events handed to the sink that it newly stored.
    public var stored = 0
    /// Events the sink already held from an earlier import.
    public var alreadyStored = 0
    /// Sessions among the imported events (source session ids, otherwise a 30-minute idle gap per user).
    public var sessions = 0
    /// The first malformed records (at most ``AnalyticsImporter/maximumReportedProblems``).
    public var problems: [Problem] = []
    /// The format the records of the last file were read as (`.auto` if none decoded).
    public var format: ExportFormat = .auto
    /// The container of the last file read.
    public var container: ExportContainer?

    /// Creates an empty report.
    public init() {}

    /// Events accepted: read minus malformed, duplicates and skipped.
    public var accepted: Int { read - malformed - duplicates - skipped }
}
