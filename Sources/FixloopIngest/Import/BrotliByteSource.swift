import CBrotli
import FixloopCore

/// Decompresses a brotli stream as it is read (Debian's libbrotli decoder, streaming).
///
/// The decoder's state lives in a heap box freed when the source is released.
public struct BrotliByteSource<Upstream: ByteSource>: ByteSource {
    private var upstream: Upstream
    private let decoder: BrotliDecoderBox
    private let name: String
    private var input: [UInt8] = []
    private var inputOffset = 0
    private var upstreamDone = false
    private var finished = false

    /// Wraps `upstream`; `name` (a file name) only goes into error messages.
    public init(_ upstream: Upstream, name: String) throws {
        self.upstream = upstream
        self.name = name
        guard let decoder = BrotliDecoderBox() else {
            throw IngestError(.corruptArchive, "Could not start a brotli decoder for \(name); check memory.")
        }
        self.decoder = decoder
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
            let offset = inputOffset
            let decoder = self.decoder
            let (consumed, produced, result) = input.withUnsafeBufferPointer { inBuffer in
                output.withUnsafeMutableBufferPointer { outBuffer in
                    decoder.decompress(
                        input: available == 0 ? nil : inBuffer.baseAddress! + offset, count: available,
                        output: outBuffer.baseAddress!, capacity: outBuffer.count)
                }
            }
            inputOffset += consumed
            switch result {
            case BROTLI_DECODER_RESULT_SUCCESS:
                finished = true
            case BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT:
                if upstreamDone, inputOffset == input.count {
                    throw IngestError(.corruptArchive, "\(name) ends inside its brotli stream; the file is cut off.")
                }
            case BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT:
                break
            default:
                throw IngestError(.corruptArchive, "\(name) is not a valid brotli stream; check the file.")
            }
            if produced > 0 { return Array(output[0..<produced]) }
        }
        return nil
    }
}

/// Owns one `BrotliDecoderState`.
final class BrotliDecoderBox: @unchecked Sendable {
    private let state: OpaquePointer

    init?() {
        guard let state = BrotliDecoderCreateInstance(nil, nil, nil) else { return nil }
        self.state = state
    }

    deinit { BrotliDecoderDestroyInstance(state) }

    /// One decompression step: how many bytes it consumed and produced, and brotli's result.
    func decompress(
        input: UnsafePointer<UInt8>?, count: Int, output: UnsafeMutablePointer<UInt8>, capacity: Int
    ) -> (Int, Int, BrotliDecoderResult) {
        var availableIn = count
        var nextIn = input
        var availableOut = capacity
        var nextOut: UnsafeMutablePointer<UInt8>? = output
        let result = BrotliDecoderDecompressStream(state, &availableIn, &nextIn, &availableOut, &nextOut, nil)
        return (count - availableIn, capacity - availableOut, result)
    }
}
