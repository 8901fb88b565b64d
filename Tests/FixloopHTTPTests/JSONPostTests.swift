import FixloopCore
import FixloopHTTP
import FixloopTesting
import Foundation
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `RetryPolicy.postJSON`, the shared JSON transport, against a scripted server on 127.0.0.1.
struct JSONPostTests {
    struct Query: Encodable { var operationName: String; var variables: [String: Int] }
    struct Completion: Decodable { var choices: [Choice]; struct Choice: Decodable {} }

    static func endpoint(_ server: LoopbackModelServer) -> URL { server.baseURL.appendingPathComponent("chat/completions") }

    @Test func theBodyIsPostedAsJSONWithTheHeadersAndRetriedUntilTheAnswer() async throws {
        try await withLoopbackModelServer(.openAI) { server in
            await server.enqueue(.status(503), .text("ok"))
            let sleeper = RecordingSleeper()
            let reply = try await RetryPolicy(sleep: sleeper.sleep, random: { 1 }).postJSON(
                Query(operationName: "Issue", variables: ["n": 7]), to: Self.endpoint(server),
                headers: ["Authorization": "Bearer k"], session: .shared, timeout: .seconds(10))
            guard case .answer(let answer) = reply else { Issue.record("not an answer: \(reply)"); return }
            #expect(answer.status == 200 && answer.decoded(Completion.self)?.choices.count == 1)
            #expect(sleeper.waits.count == 1)
            let received = await server.received()
            #expect(received.count == 2 && received.allSatisfy { $0.path == "/v1/chat/completions" })
            #expect(received.last?.headers["content-type"] == "application/json")
            #expect(received.last?.headers["authorization"] == "Bearer k")
            #expect(received.last?.body["operationName"]?.stringValue == "Issue")
            #expect(received.last?.body["variables"]?["n"]?.intValue == 7)
        }
    }

    @Test func aNamedContentTypeReplacesTheDefault() async throws {
        try await withLoopbackModelServer(.openAI) { server in
            await server.enqueue(.text("ok"))
            _ = try await RetryPolicy(sleep: RecordingSleeper().sleep).postJSON(
                ["text": "hi"], to: Self.endpoint(server), headers: ["Content-Type": "application/json; charset=utf-8"],
                session: .shared, timeout: .seconds(10))
            #expect(await server.received().first?.headers["content-type"] == "application/json; charset=utf-8")
        }
    }

    @Test func aServerWaitLongerThanThePolicyAllowsIsThatReplyWithTheAnswer() async throws {
        try await withLoopbackModelServer(.openAI) { server in
            await server.enqueue(.status(429, retryAfter: "600"), .text("never reached"))
            let policy = RetryPolicy(longestServerWait: .seconds(120), sleep: RecordingSleeper().sleep)
            let reply = try await policy.postJSON(["q": 1], to: Self.endpoint(server), session: .shared, timeout: .seconds(10))
            guard case .serverWaitTooLong(let wait, let answer) = reply else { Issue.record("not too long: \(reply)"); return }
            #expect(wait == .seconds(600) && answer.status == 429)
            #expect(await server.received().count == 1)
        }
    }

    @Test func noAnswerInAnyAttemptIsNoAnswerWithTheAttemptsMade() async throws {
        let server = try await LoopbackModelServer.start(.openAI)
        let url = Self.endpoint(server)
        await server.stop()
        let reply = try await RetryPolicy(maxAttempts: 3, sleep: RecordingSleeper().sleep)
            .postJSON(["q": 1], to: url, session: .shared, timeout: .seconds(5))
        guard case .noAnswer(_, let attempts) = reply else { Issue.record("an answer: \(reply)"); return }
        #expect(attempts == 3)
    }
}
