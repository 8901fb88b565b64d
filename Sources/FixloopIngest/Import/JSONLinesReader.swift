import FixloopCore
import Foundation

/// Cuts a byte stream into JSON lines, one record per non-blank line.
///
/// A line longer than `maximumLineLength` is skipped and reported as unreadable, so memory stays bounded.
struct JSONLinesReader<Source: ByteSource>: RawRecordReader {
    private var source: Source
    private var buffer: [UInt8] = []
    private var start = 0
    private var line = 0
    private var endOfInput = false
    private var skippingLongLine = false
    private let maximumLineLength: Int

    init(_ source: Source, maximumLineLength: Int = 8 * 1024 * 1024) {
        self.source = source
        self.maximumLineLength = maximumLineLength
    }

    mutating func next() throws -> RawRecord? {
        while true {
            if let newline = Self.newline(in: buffer, from: start) {
                let range = start..<newline
                start = newline + 1
                line += 1
                if skippingLongLine {
                    skippingLongLine = false
                    return RawRecord(line: line, payload: .unreadable(longLineReason))
                }
                if let record = record(in: range) { return record }
                continue
            }
            if endOfInput {
                guard start < buffer.count || skippingLongLine else { return nil }
                let range = start..<buffer.count
                start = buffer.count
                line += 1
                if skippingLongLine {
                    skippingLongLine = false
                    return RawRecord(line: line, payload: .unreadable(longLineReason))
                }
                if let record = record(in: range) { return record }
                return nil
            }
            buffer.removeSubrange(0..<start)
            start = 0
            if buffer.count > maximumLineLength {
                skippingLongLine = true
                buffer.removeAll(keepingCapacity: true)
            }
            if let chunk = try source.nextChunk() {
                buffer.append(contentsOf: chunk)
            } else {
                endOfInput = true
            }
        }
    }

    private var longLineReason: String { "line longer than \(maximumLineLength) bytes" }

    /// The index of the first newline at or after `start` (`memchr`: many bytes at a time).
    private static func newline(in buffer: [UInt8], from start: Int) -> Int? {
        buffer.withUnsafeBufferPointer { bytes in
            guard start < bytes.count, let base = bytes.baseAddress,
                let found = memchr(base + start, 0x0A, bytes.count - start)
            else { return nil }
            return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
        }
    }

    private func record(in range: Range<Int>) -> RawRecord? {
        var lower = range.lowerBound
        var upper = range.upperBound
        if line == 1, buffer[lower..<upper].starts(with: [0xEF, 0xBB, 0xBF]) { lower += 3 }
        while lower < upper, buffer[lower].isJSONWhitespace { lower += 1 }
        while upper > lower, buffer[upper - 1].isJSONWhitespace { upper -= 1 }
        guard lower < upper else { return nil }
        return RawRecord(line: line, payload: .json(buffer[lower..<upper]))
    }
}

extension UInt8 {
    var isJSONWhitespace: Bool {
        self == 0x20 || self == 0x0A || self == 0x0D || self == 0x09
    }
}
