import FixloopCore
import Foundation

/// A zip archive read from its central directory, each entry streamed on demand (Amplitude exports).
///
/// Stored and deflated entries are supported, including zip64 sizes and offsets. Nothing is loaded whole. Each
/// entry's bytes are checked against the CRC-32 and size its directory record gives, so a damaged archive is
/// refused rather than imported (a flipped byte inside a stored gzip header or a JSON value parses fine).
public struct ZipArchive {
    /// One file inside the archive.
    public struct Entry: Sendable, Hashable {
        /// The entry's path inside the archive.
        public var name: String
        /// 0 for stored, 8 for deflated.
        var method: UInt16
        var compressedSize: UInt64
        /// The size and CRC-32 of the entry's bytes once inflated, from the central directory.
        var uncompressedSize: UInt64
        var crc32: UInt32
        var localHeaderOffset: UInt64
    }

    /// The entries in directory order, folders left out.
    public let entries: [Entry]
    private let url: URL

    /// Reads the central directory of the zip file at `url`.
    /// - Throws: ``IngestError`` when the file cannot be read or is not a zip archive.
    public init(url: URL) throws {
        self.url = url
        let handle = try Self.open(url)
        defer { try? handle.close() }
        let size = try handle.seekToEnd()
        let tailLength = min(size, 65_535 + 22)
        let tail = try Self.read(handle, at: size - tailLength, count: Int(tailLength), url: url)
        guard let eocd = Self.lastIndex(of: 0x0605_4b50, in: tail) else {
            throw Self.corrupt(url, "it has no end-of-directory record")
        }
        var count = UInt64(tail.uint16(at: eocd + 10))
        var directoryOffset = UInt64(tail.uint32(at: eocd + 16))
        if count == 0xFFFF || directoryOffset == 0xFFFF_FFFF, eocd >= 20,
            tail.uint32(at: eocd - 20) == 0x0706_4b50 {
            let recordOffset = tail.uint64(at: eocd - 20 + 8)
            let record = try Self.read(handle, at: recordOffset, count: 56, url: url)
            guard record.uint32(at: 0) == 0x0606_4b50 else { throw Self.corrupt(url, "its zip64 record is damaged") }
            count = record.uint64(at: 32)
            directoryOffset = record.uint64(at: 48)
        }
        let directoryEnd = size - tailLength + UInt64(eocd)
        guard directoryOffset <= directoryEnd else { throw Self.corrupt(url, "its directory offset is out of range") }
        let directory = try Self.read(
            handle, at: directoryOffset, count: Int(directoryEnd - directoryOffset), url: url)
        entries = try Self.parseDirectory(directory, count: count, url: url)
    }

    /// The entry's uncompressed bytes as a stream.
    public func byteSource(for entry: Entry) throws -> ZipEntryByteSource {
        let handle = try Self.open(url)
        let header = try Self.read(handle, at: entry.localHeaderOffset, count: 30, url: url)
        guard header.uint32(at: 0) == 0x0403_4b50 else { throw Self.corrupt(url, "an entry's header is damaged") }
        let dataOffset = entry.localHeaderOffset + 30 + UInt64(header.uint16(at: 26)) + UInt64(header.uint16(at: 28))
        let raw = try FileByteSource(
            handle: handle, path: url.path, offset: dataOffset, length: entry.compressedSize)
        let check = ZipEntryByteSource.Check(
            crc32: entry.crc32, size: entry.uncompressedSize, entry: entry.name, archive: url.lastPathComponent)
        switch entry.method {
        case 0: return ZipEntryByteSource(kind: .stored(raw), check: check)
        case 8:
            return ZipEntryByteSource(
                kind: .deflated(try InflatingByteSource(raw, framing: .rawDeflate, name: entry.name)), check: check)
        default:
            throw IngestError(
                .corruptArchive,
                "Zip entry \(entry.name) in \(url.lastPathComponent) uses compression method \(entry.method); "
                    + "only stored and deflated entries are supported, re-create the archive with deflate.")
        }
    }

    private static func parseDirectory(_ bytes: [UInt8], count: UInt64, url: URL) throws -> [Entry] {
        var entries: [Entry] = []
        var offset = 0
        for _ in 0..<count {
            guard offset + 46 <= bytes.count, bytes.uint32(at: offset) == 0x0201_4b50 else {
                throw corrupt(url, "its central directory is damaged")
            }
            let nameLength = Int(bytes.uint16(at: offset + 28))
            let extraLength = Int(bytes.uint16(at: offset + 30))
            let commentLength = Int(bytes.uint16(at: offset + 32))
            guard offset + 46 + nameLength + extraLength <= bytes.count else {
                throw corrupt(url, "its central directory is damaged")
            }
            let name = String(decoding: bytes[(offset + 46)..<(offset + 46 + nameLength)], as: UTF8.self)
            let crc32 = bytes.uint32(at: offset + 16)
            var compressed = UInt64(bytes.uint32(at: offset + 20))
            var uncompressed = UInt64(bytes.uint32(at: offset + 24))
            var localOffset = UInt64(bytes.uint32(at: offset + 42))
            // zip64: the extra field holds, in order, whichever of the three values overflowed.
            var extra = offset + 46 + nameLength
            let extraEnd = extra + extraLength
            while extra + 4 <= extraEnd {
                let id = bytes.uint16(at: extra)
                let size = Int(bytes.uint16(at: extra + 2))
                if id == 0x0001 {
                    var field = extra + 4
                    if uncompressed == 0xFFFF_FFFF { uncompressed = bytes.uint64(at: field); field += 8 }
                    if compressed == 0xFFFF_FFFF { compressed = bytes.uint64(at: field); field += 8 }
                    if localOffset == 0xFFFF_FFFF { localOffset = bytes.uint64(at: field) }
                }
                extra += 4 + size
            }
            if !name.hasSuffix("/") {
                entries.append(
                    Entry(
                        name: name, method: bytes.uint16(at: offset + 10), compressedSize: compressed,
                        uncompressedSize: uncompressed, crc32: crc32, localHeaderOffset: localOffset))
            }
            offset += 46 + nameLength + extraLength + commentLength
        }
        return entries
    }

    private static func open(_ url: URL) throws -> FileHandle {
        do {
            return try FileHandle(forReadingFrom: url)
        } catch {
            throw IngestError(
                .unreadableFile, "Could not open \(url.path) for reading; check that it exists and is readable.",
                underlying: error as? any Error & Sendable)
        }
    }

    private static func read(_ handle: FileHandle, at offset: UInt64, count: Int, url: URL) throws -> [UInt8] {
        try handle.seek(toOffset: offset)
        let data = try handle.read(upToCount: count) ?? Data()
        guard data.count == count else { throw corrupt(url, "it ends early") }
        return [UInt8](data)
    }

    private static func lastIndex(of signature: UInt32, in bytes: [UInt8]) -> Int? {
        var index = bytes.count - 22
        while index >= 0 {
            if bytes.uint32(at: index) == signature { return index }
            index -= 1
        }
        return nil
    }

    private static func corrupt(_ url: URL, _ reason: String) -> IngestError {
        IngestError(
            .corruptArchive, "\(url.lastPathComponent) is not a readable zip archive: \(reason); re-download it.")
    }
}
