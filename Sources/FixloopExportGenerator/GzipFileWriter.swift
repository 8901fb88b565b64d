import CZlib
import Foundation

/// Writes a gzip file as bytes arrive (zlib's deflate with gzip framing, no name or time in the header, so equal
/// input gives equal files). Used to write generated exports in the form analytics tools hand them out.
public final class GzipFileWriter {
    private let handle: FileHandle
    private let url: URL
    private var stream = z_stream()
    private var output = [UInt8](repeating: 0, count: 256 * 1024)
    private var closed = false

    /// Creates (or truncates) `url`.
    public init(url: URL, level: Int32 = 9) throws {
        guard FileManager.default.createFile(atPath: url.path, contents: nil),
            let handle = try? FileHandle(forWritingTo: url)
        else {
            throw ExportGeneratorError("Could not create \(url.path); check the folder exists and is writable.")
        }
        self.handle = handle
        self.url = url
        guard fixloop_deflate_init_gzip(&stream, level) == Z_OK else {
            try? handle.close()
            throw ExportGeneratorError("zlib could not start compressing \(url.path).")
        }
    }

    deinit {
        if !closed { deflateEnd(&stream) }
        try? handle.close()
    }

    /// Compresses and writes `bytes`.
    public func write(_ bytes: [UInt8]) throws {
        try run(bytes, flush: Z_NO_FLUSH)
    }

    /// Finishes the gzip member and closes the file.
    public func close() throws {
        guard !closed else { return }
        try run([], flush: Z_FINISH)
        deflateEnd(&stream)
        closed = true
        try handle.close()
    }

    private func run(_ bytes: [UInt8], flush: Int32) throws {
        var input = bytes
        try input.withUnsafeMutableBufferPointer { inBuffer in
            stream.next_in = inBuffer.baseAddress
            stream.avail_in = UInt32(inBuffer.count)
            repeat {
                let capacity = output.count
                let status = output.withUnsafeMutableBufferPointer { outBuffer -> Int32 in
                    stream.next_out = outBuffer.baseAddress
                    stream.avail_out = UInt32(capacity)
                    return deflate(&stream, flush)
                }
                guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else {
                    throw ExportGeneratorError("zlib failed (\(status)) while compressing \(url.path).")
                }
                let produced = capacity - Int(stream.avail_out)
                if produced > 0 { try handle.write(contentsOf: output[0..<produced]) }
                if flush == Z_FINISH, status == Z_STREAM_END { break }
            } while stream.avail_out == 0 || (flush == Z_FINISH)
            stream.next_in = nil
        }
    }
}

extension PostHogExportGenerator {
    /// Writes the export to `url` as gzipped JSON lines.
    public func writeGzip(to url: URL) throws -> [GeneratedSession] {
        let writer = try GzipFileWriter(url: url)
        let manifest = try generate(inChunks: writer.write)
        try writer.close()
        return manifest
    }
}
