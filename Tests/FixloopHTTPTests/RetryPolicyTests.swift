import FixloopHTTP
import FixloopTesting
import Foundation
import Testing

/// The retry loop itself: back-off, server-named waits, the attempt limit, the deadline and cancellation.
struct RetryPolicyTests {
    func policy(
        _ sleeper: RecordingSleeper, attempts: Int = 4, longestServerWait: Duration? = nil, deadline: Duration? = nil
    ) -> RetryPolicy {
        RetryPolicy(maxAttempts: attempts, initialDelay: .seconds(1), maxDelay: .seconds(8), longestServerWait: longestServerWait,
                    deadline: deadline, sleep: sleeper.sleep, random: { 1 })
    }

    /// Runs the loop over scripted decisions, one per attempt; the result is the attempt's number.
    func run(_ policy: RetryPolicy, _ decisions: [RetryDecision]) async throws -> RetryOutcome<Int> {
        try await policy.run({ $0 }, decide: { decisions[min($0, decisions.count) - 1] })
    }

    @Test func backOffGrowsExponentiallyWithJitterAndStaysUnderTheCap() {
        let policy = RetryPolicy(maxAttempts: 10, initialDelay: .seconds(1), maxDelay: .seconds(8), sleep: { _ in }, random: { 0 })
        #expect(policy.delay(afterAttempt: 1, retryAfter: nil) == .milliseconds(500))
        #expect(policy.delay(afterAttempt: 3, retryAfter: nil) == .seconds(2))
        #expect(policy.delay(afterAttempt: 9, retryAfter: nil) == .seconds(4))
        #expect(policy.delay(afterAttempt: 2, retryAfter: .seconds(20)) == .seconds(8))
    }

    @Test func anAcceptedResultEndsTheCallWithoutWaiting() async throws {
        let sleeper = RecordingSleeper()
        let outcome = try await run(policy(sleeper), [.backOff, .backOff, .accept])
        #expect(outcome.result == 3 && outcome.attempts == 3 && outcome.ending == .accepted)
        #expect(sleeper.waits == [.seconds(1), .seconds(2)])
    }

    @Test func stopsAfterTheAttemptLimit() async throws {
        let sleeper = RecordingSleeper()
        let outcome = try await run(policy(sleeper, attempts: 3), [.backOff])
        #expect(outcome.attempts == 3 && outcome.ending == .attemptsSpent)
        #expect(sleeper.waits.count == 2)
    }

    @Test func aServerWaitIsUsedAsNamedUpToTheLongestServerWait() async throws {
        let sleeper = RecordingSleeper()
        let outcome = try await run(policy(sleeper, longestServerWait: .seconds(120)), [.wait(.seconds(90)), .accept])
        #expect(outcome.ending == .accepted)
        #expect(sleeper.waits == [.seconds(90)])
    }

    @Test func aServerWaitLongerThanTheLongestEndsTheCallWithoutWaiting() async throws {
        let sleeper = RecordingSleeper()
        let outcome = try await run(policy(sleeper, longestServerWait: .seconds(120)), [.wait(.seconds(600))])
        #expect(outcome.attempts == 1 && outcome.ending == .serverWaitTooLong(.seconds(600)))
        #expect(sleeper.waits.isEmpty)
    }

    @Test func withoutALongestServerWaitTheServersWaitIsCutToTheLongestBackOff() async throws {
        let sleeper = RecordingSleeper()
        _ = try await run(policy(sleeper), [.wait(.seconds(3600)), .accept])
        #expect(sleeper.waits == [.seconds(8)])
    }

    @Test func aWaitThatWouldEndPastTheDeadlineIsNotBegun() async throws {
        let sleeper = RecordingSleeper()
        let outcome = try await run(policy(sleeper, longestServerWait: .seconds(120), deadline: .seconds(10)), [.wait(.seconds(30))])
        #expect(outcome.attempts == 1 && outcome.ending == .deadlinePassed)
        #expect(sleeper.waits.isEmpty)
    }

    @Test func theWaiterIsToldBeforeEachWaitWhetherTheServerNamedIt() async throws {
        let told = Told()
        let policy = policy(RecordingSleeper())
        _ = try await policy.run({ $0 }, decide: { [RetryDecision.wait(.seconds(3)), .backOff, .accept][$0 - 1] },
                                 willWait: { delay, named in await told.add(delay, named) })
        #expect(await told.entries == [Told.Entry(delay: .seconds(3), named: true), Told.Entry(delay: .seconds(2), named: false)])
    }

    @Test func aCancelledCallEndsBeforeTheNextAttempt() async throws {
        let attempts = Told()
        let task = Task {
            try await policy(RecordingSleeper(), attempts: 100).run({ number in
                await attempts.add(.zero, false)
                if number == 2 { withUnsafeCurrentTask { $0?.cancel() } }
                return number
            }, decide: { _ in .backOff })
        }
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(await attempts.entries.count == 2)
    }

    actor Told {
        struct Entry: Equatable {
            var delay: Duration
            var named: Bool
        }
        var entries: [Entry] = []
        func add(_ delay: Duration, _ named: Bool) { entries.append(Entry(delay: delay, named: named)) }
    }
}
