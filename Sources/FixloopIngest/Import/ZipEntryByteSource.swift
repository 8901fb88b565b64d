import CZlib
import FixloopCore

/// The bytes of one zip entry, inflated if the entry is deflated, checked at their end against the CRC-32 and size
/// the archive's directory gives for the entry.
public struct ZipEntryByteSource: ByteSource {
    enum Kind {
        case stored(FileByteSource)
        case deflated(InflatingByteSource<FileByteSource>)
    }

    /// What the entry's bytes must add up to, and the names for the error when they do not.
    struct Check {
        var crc32: UInt32
        var size: UInt64
        var entry: String
        var archive: String
    }

    var kind: Kind
    let check: Check
    private var crc: UInt = 0
    private var size: UInt64 = 0
    private var verified = false

    init(kind: Kind, check: Check) {
        self.kind = kind
        self.check = check
    }

    /// The next chunk, or `nil` at the end.
    /// - Throws: ``IngestError`` `scorer.corrupt_archive` at the end when the bytes do not match the entry's CRC-32
    ///   or size.
    public mutating func nextChunk() throws -> [UInt8]? {
        let chunk: [UInt8]?
        switch kind {
        case .stored(var source):
            defer { kind = .stored(source) }
            chunk = try source.nextChunk()
        case .deflated(var source):
            defer { kind = .deflated(source) }
            chunk = try source.nextChunk()
        }
        guard let chunk else {
            try verify()
            return nil
        }
        // zlib's crc32 (table-driven, several bytes a step): a small cost beside inflating and parsing.
        crc = chunk.withUnsafeBufferPointer { CZlib.crc32(crc, $0.baseAddress, UInt32($0.count)) }
        size += UInt64(chunk.count)
        return chunk
    }

    private mutating func verify() throws {
        guard !verified else { return }
        verified = true
        guard UInt32(truncatingIfNeeded: crc) == check.crc32, size == check.size else {
            throw IngestError(
                .corruptArchive,
                "Zip entry \(check.entry) in \(check.archive) does not match its CRC-32 or size (the archive is "
                    + "damaged); re-download the export.")
        }
    }
}
