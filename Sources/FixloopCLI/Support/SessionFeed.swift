import Dispatch
import FixloopIngest
import FixloopScorer
import FixloopSessionTypes
import FixloopStore
import Foundation
import Synchronization

/// One stored session, assessed: what a grader works on.
struct AssessedSession: Sendable {
    var assessment: SessionAssessment
    var hasSourceID: Bool
    var facts: SessionFacts
}

/// The stored sessions, assessed one at a time on a thread of their own (the store's reader and the assessment block), handed
/// over never more than `capacity` ahead of the consumer, so memory does not grow with the number of sessions.
///
/// Each iteration reads the store again. Dropping the iterator stops the reading thread at its next session.
struct SessionFeed: AsyncSequence, Sendable {
    typealias Element = AssessedSession
    typealias Failure = any Error

    let reader: any SessionReading
    let assessor: SessionAssessor
    let since: Date?
    var until: Date? = nil
    /// Sessions read ahead of the consumer at most.
    var capacity = 32

    struct AsyncIterator: AsyncIteratorProtocol {
        var inner: AsyncThrowingStream<AssessedSession, any Error>.Iterator
        let credits: DispatchSemaphore

        mutating func next() async throws -> AssessedSession? {
            let session = try await inner.next()
            if session != nil { credits.signal() }
            return session
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        let credits = DispatchSemaphore(value: capacity)
        let stopped = StopSignal()
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: AssessedSession.self)
        continuation.onTermination = { _ in
            stopped.stop()
            credits.signal()
        }
        let (reader, assessor, since, until) = (reader, assessor, since, until)
        let thread = Thread {
            do {
                try reader.forEachSession(since: since, until: until) { session in
                    credits.wait()
                    if stopped.isStopped { throw CancellationError() }
                    let assessment = try assessor.assess(session)
                    continuation.yield(AssessedSession(
                        assessment: assessment, hasSourceID: session.hasSourceID,
                        facts: SessionFacts(session: session, timeline: assessment.timeline)))
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        thread.name = "fixloop.session-feed"
        thread.start()
        return AsyncIterator(inner: stream.makeAsyncIterator(), credits: credits)
    }
}

/// Set once by the consumer's side to stop the reading thread.
private final class StopSignal: Sendable {
    private let stopped = Atomic(false)
    func stop() { stopped.store(true, ordering: .releasing) }
    var isStopped: Bool { stopped.load(ordering: .acquiring) }
}
