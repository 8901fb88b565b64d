import Synchronization

/// A sleep function for clients under test: records each requested wait instead of waiting.
public final class RecordingSleeper: Sendable {
    private let recorded = Mutex<[Duration]>([])

    public init() {}

    /// The waits asked for, in order.
    public var waits: [Duration] { recorded.withLock { $0 } }

    /// Pass this as the client's `sleep`.
    public var sleep: @Sendable (Duration) async throws -> Void {
        { [self] duration in recorded.withLock { $0.append(duration) } }
    }
}
