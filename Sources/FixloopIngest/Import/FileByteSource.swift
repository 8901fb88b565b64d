import FixloopCore
import Foundation

/// A file read in chunks from its current position.
public struct FileByteSource: ByteSource {
    private let handle: FileHandle
    private let chunkSize: Int
    private var remaining: UInt64?
    private let path: String

    /// Opens `url` for reading.
    /// - Throws: ``IngestError`` `scorer.unreadable_file` when the file cannot be opened.
    public init(url: URL, chunkSize: Int = 256 * 1024) throws {
        do {
            handle = try FileHandle(forReadingFrom: url)
        } catch {
            throw IngestError(
                .unreadableFile, "Could not open \(url.path) for reading; check that it exists and is readable.",
                underlying: error as? any Error & Sendable)
        }
        self.chunkSize = chunkSize
        self.path = url.path
    }

    /// A source over `length` bytes of `handle` starting at `offset` (a zip entry's data).
    init(handle: FileHandle, path: String, offset: UInt64, length: UInt64, chunkSize: Int = 256 * 1024) throws {
        try handle.seek(toOffset: offset)
        self.handle = handle
        self.path = path
        self.chunkSize = chunkSize
        self.remaining = length
    }

    /// The next chunk, or `nil` at the end.
    public mutating func nextChunk() throws -> [UInt8]? {
        var want = chunkSize
        if let remaining {
            guard remaining > 0 else { return nil }
            want = Int(min(UInt64(chunkSize), remaining))
        }
        // Straight into the chunk with read(2): no `Data` in between to copy from.
        let descriptor = handle.fileDescriptor
        var failed = false
        let chunk = [UInt8](unsafeUninitializedCapacity: want) { buffer, count in
            count = 0
            while count < want {
                let result = read(descriptor, buffer.baseAddress! + count, want - count)
                if result < 0, errno == EINTR { continue }
                if result < 0 { failed = true }
                if result <= 0 { break }
                count += result
            }
        }
        if failed {
            throw IngestError(.unreadableFile, "Reading \(path) failed (errno \(errno)); check the disk and the file.")
        }
        guard !chunk.isEmpty else { return nil }
        if let remaining { self.remaining = remaining - UInt64(chunk.count) }
        return chunk
    }
}
