import FixloopCore

/// Collects one stream's bytes as head and tail within a cap, counting what falls between.
struct OutputCapture {
    private let headLimit: Int
    private let tailLimit: Int
    private var head: [UInt8] = []
    private var tail: [UInt8] = []
    private(set) var totalBytes = 0

    /// - Parameter limit: bytes kept in all; half for the head, half for the tail.
    init(limit: Int) {
        headLimit = max(limit / 2, 0)
        tailLimit = max(limit - limit / 2, 0)
        head.reserveCapacity(min(headLimit, 1 << 16))
    }

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        totalBytes += bytes.count
        var rest = bytes[...]
        if head.count < headLimit {
            let take = min(headLimit - head.count, rest.count)
            head.append(contentsOf: rest.prefix(take))
            rest = rest.dropFirst(take)
        }
        guard !rest.isEmpty, tailLimit > 0 else { return }
        if rest.count >= tailLimit {
            tail = Array(rest.suffix(tailLimit))
        } else {
            tail.append(contentsOf: rest)
            if tail.count > 2 * tailLimit { tail.removeFirst(tail.count - tailLimit) }
        }
    }

    /// The captured value: head and tail decoded as UTF-8, with the elided count.
    func finish() -> CapturedOutput {
        let keptTail = tail.count > tailLimit ? Array(tail.suffix(tailLimit)) : tail
        let elided = totalBytes - head.count - keptTail.count
        return CapturedOutput(
            head: String(decoding: head, as: UTF8.self), tail: String(decoding: keptTail, as: UTF8.self),
            totalBytes: totalBytes, elidedBytes: max(elided, 0))
    }
}
