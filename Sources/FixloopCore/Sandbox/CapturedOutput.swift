/// The output of one stream, kept as head and tail within a byte cap; the middle is counted, not kept.
public struct CapturedOutput: Sendable, Equatable, Codable {
    /// The first bytes, decoded as UTF-8 (invalid bytes replaced).
    public var head: String
    /// The last bytes, decoded as UTF-8 (invalid bytes replaced); empty when nothing was elided.
    public var tail: String
    /// Every byte the stream produced.
    public var totalBytes: Int
    /// Bytes between head and tail that were dropped.
    public var elidedBytes: Int

    /// Creates a captured output.
    public init(head: String = "", tail: String = "", totalBytes: Int = 0, elidedBytes: Int = 0) {
        self.head = head
        self.tail = tail
        self.totalBytes = totalBytes
        self.elidedBytes = elidedBytes
    }

    enum CodingKeys: String, CodingKey {
        case head, tail
        case totalBytes = "total_bytes"
        case elidedBytes = "elided_bytes"
    }

    /// Head and tail joined by a one-line note of how much was elided.
    public var text: String {
        elidedBytes == 0 ? head + tail : head + "\n[… \(elidedBytes) bytes elided …]\n" + tail
    }
}
