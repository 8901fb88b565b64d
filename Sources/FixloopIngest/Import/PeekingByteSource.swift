import FixloopCore
/// A byte source whose first bytes can be looked at before they are read (format detection).
public struct PeekingByteSource<Upstream: ByteSource>: ByteSource {
    private var upstream: Upstream
    private var pending: [UInt8] = []
    private var upstreamDone = false

    /// Wraps `upstream`.
    public init(_ upstream: Upstream) { self.upstream = upstream }

    /// At least `minimum` bytes from the start (fewer only if the stream is shorter), without consuming them.
    public mutating func peek(minimum: Int) throws -> [UInt8] {
        while pending.count < minimum, !upstreamDone {
            if let chunk = try upstream.nextChunk() {
                pending.append(contentsOf: chunk)
            } else {
                upstreamDone = true
            }
        }
        return pending
    }

    /// The next chunk: the peeked bytes first.
    public mutating func nextChunk() throws -> [UInt8]? {
        if !pending.isEmpty {
            defer { pending = [] }
            return pending
        }
        guard !upstreamDone else { return nil }
        return try upstream.nextChunk()
    }
}
