import FixloopCore

/// What the first bytes and the name of an export say about its container before it is read.
enum CompressedExport {
    /// Refuses a Parquet file (`PAR1` at its start), naming the export format to choose instead.
    /// - Throws: ``IngestError`` `scorer.unknown_format`.
    static func refuseParquet(_ head: [UInt8], name: String) throws {
        guard head.starts(with: Array("PAR1".utf8)) else { return }
        throw IngestError(
            .unknownFormat,
            "\(name) is a Parquet file, which Fixloop does not read; export from PostHog as JSONLines instead "
                + "(the batch export's or file download export's file format JSONLines, uncompressed, gzip or brotli), "
                + "or pull with `fixloop score --posthog`.")
    }

    /// Whether the stream is brotli-compressed. Brotli has no magic bytes, so only the name tells (`….br`, as
    /// PostHog's batch exports name such files); a name ending `.br` whose first byte is JSON is read as it is.
    static func isBrotli(name: String, head: [UInt8]) -> Bool {
        guard name.lowercased().hasSuffix(".br") else { return false }
        guard let first = head.first else { return false }
        return first != UInt8(ascii: "{") && first != UInt8(ascii: "[")
    }
}
