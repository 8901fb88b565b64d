import CZlib
import FixloopCore

/// Decompresses a byte source as it is read: gzip (including several concatenated members) or raw deflate.
///
/// zlib's state lives in a heap box freed when the source is released.
public struct InflatingByteSource<Upstream: ByteSource>: ByteSource {
    /// The compressed framing.
    public enum Framing: Sendable {
        /// gzip files (`.gz`), members read one after another.
        case gzip
        /// raw deflate, as inside a zip entry.
        case rawDeflate
    }

    private var upstream: Upstream
    private let stream: ZStreamBox
    private let framing: Framing
    private let name: String
    private var input: [UInt8] = []
    private var inputOffset = 0
    private var upstreamDone = false
    private var finished = false

    /// Wraps `upstream`; `name` (a file name) only goes into error messages.
    public init(_ upstream: Upstream, framing: Framing, name: String) throws {
        self.upstream = upstream
        self.framing = framing
        self.name = name
        self.stream = try ZStreamBox(windowBits: framing == .gzip ? 15 + 16 : -15, name: name)
    }

    /// The next chunk of decompressed bytes, or `nil` at the end.
    public mutating func nextChunk() throws -> [UInt8]? {
        var output = [UInt8](repeating: 0, count: 256 * 1024)
        while !finished {
            if inputOffset == input.count, !upstreamDone {
                if let chunk = try upstream.nextChunk() {
                    input = chunk
                    inputOffset = 0
                } else {
                    upstreamDone = true
                }
            }
            let available = input.count - inputOffset
            if available == 0, upstreamDone {
                // Input ended inside a stream: fine after a completed member, corrupt otherwise.
                if stream.inMember { throw truncated() }
                finished = true
                break
            }
            let offset = inputOffset
            let stream = self.stream
            let (consumed, produced, status) = input.withUnsafeMutableBufferPointer { inBuffer in
                output.withUnsafeMutableBufferPointer { outBuffer in
                    stream.inflate(
                        input: inBuffer.baseAddress! + offset, count: available,
                        output: outBuffer.baseAddress!, capacity: outBuffer.count)
                }
            }
            inputOffset += consumed
            if status == Z_STREAM_END {
                stream.inMember = false
                if framing == .rawDeflate {
                    finished = true
                } else {
                    stream.reset()
                }
            } else if status != Z_OK && status != Z_BUF_ERROR {
                throw IngestError(
                    .corruptArchive,
                    "The compressed data in \(name) is damaged (zlib status \(status)); re-export or re-download it.")
            } else if status == Z_BUF_ERROR && consumed == 0 && produced == 0 && upstreamDone {
                throw truncated()
            } else {
                stream.inMember = true
            }
            if produced > 0 { return Array(output[0..<produced]) }
        }
        return nil
    }

    private func truncated() -> IngestError {
        IngestError(.corruptArchive, "The compressed data in \(name) ends early; the file is truncated, re-export it.")
    }
}

/// Owns a zlib `z_stream` on the heap, so its address stays put.
final class ZStreamBox {
    private let pointer: UnsafeMutablePointer<z_stream>
    var inMember = false

    init(windowBits: Int32, name: String) throws {
        pointer = .allocate(capacity: 1)
        pointer.initialize(to: z_stream())
        let status = fixloop_inflate_init2(pointer, windowBits)
        guard status == Z_OK else {
            pointer.deallocate()
            throw IngestError(.corruptArchive, "zlib could not start inflating \(name) (status \(status)).")
        }
    }

    deinit {
        inflateEnd(pointer)
        pointer.deallocate()
    }

    func reset() { inflateReset(pointer) }

    func inflate(
        input: UnsafeMutablePointer<UInt8>, count: Int, output: UnsafeMutablePointer<UInt8>, capacity: Int
    ) -> (consumed: Int, produced: Int, status: Int32) {
        pointer.pointee.next_in = input
        pointer.pointee.avail_in = UInt32(count)
        pointer.pointee.next_out = output
        pointer.pointee.avail_out = UInt32(capacity)
        let status = CZlib.inflate(pointer, Z_NO_FLUSH)
        let consumed = count - Int(pointer.pointee.avail_in)
        let produced = capacity - Int(pointer.pointee.avail_out)
        return (consumed, produced, status)
    }
}
