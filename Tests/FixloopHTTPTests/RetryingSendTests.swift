import FixloopHTTP
import FixloopTesting
import Foundation
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `RetryPolicy.send` against a scripted server on 127.0.0.1.
struct RetryingSendTests {
    func request(_ server: LoopbackModelServer) -> URLRequest {
        var request = URLRequest(url: server.baseURL.appendingPathComponent("chat/completions"))
        request.httpMethod = "POST"
        request.httpBody = Data(#"{"model": "m", "messages": []}"#.utf8)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        return request
    }

    @Test func aRateLimitAndAServerErrorAreRetriedUntilTheAnswer() async throws {
        try await withLoopbackModelServer(.openAI) { server in
            await server.enqueue(.status(429, retryAfter: "7"), .status(503), .text("ok"))
            let sleeper = RecordingSleeper()
            let policy = RetryPolicy(initialDelay: .seconds(1), sleep: sleeper.sleep, random: { 1 })
            let outcome = try await policy.send(request(server), session: .shared, timeout: .seconds(10))
            guard case .answer(let answer) = outcome.result else { Issue.record("no answer: \(outcome.result)"); return }
            #expect(answer.status == 200 && outcome.attempts == 3 && outcome.ending == .accepted)
            #expect(sleeper.waits == [.seconds(7), .seconds(2)])
            #expect(await server.received().count == 3)
        }
    }

    @Test func anExchangePastItsDeadlineIsNoAnswerAndIsRetried() async throws {
        try await withLoopbackModelServer(.openAI) { server in
            await server.enqueue(.hang(.seconds(5)), .text("ok"))
            let policy = RetryPolicy(sleep: RecordingSleeper().sleep)
            let outcome = try await policy.send(request(server), session: .shared, timeout: .milliseconds(300))
            #expect(outcome.attempts == 2 && outcome.ending == .accepted)
        }
    }

    @Test func aClientErrorIsTheAnswerAtOnce() async throws {
        try await withLoopbackModelServer(.openAI) { server in
            await server.enqueue(.status(404), .text("never reached"))
            let outcome = try await RetryPolicy(sleep: RecordingSleeper().sleep).send(request(server), session: .shared, timeout: .seconds(10))
            guard case .answer(let answer) = outcome.result else { Issue.record("no answer"); return }
            #expect(answer.status == 404 && outcome.attempts == 1)
        }
    }
}
