import FixloopCore
import FixloopHTTP
import FixloopModels
import FixloopTesting
import Foundation
import Testing

/// Retries, their limits and the classification of failures, against loopback servers.
@Suite struct ModelRetryTests {
    @Test(arguments: bothProtocols)
    func rateLimitHonoursRetryAfterThenSucceeds(wire: LoopbackModelServer.WireProtocol) async throws {
        try await withLoopbackModelServer(wire) { server in
            await server.enqueue(.status(429, retryAfter: "7"), .text("ok"))
            let log = SleepLog()
            let reply = try await client(for: server, retry: instantRetry(log)).send(ModelRequest(messages: [.user("hi")])).requireReply()
            #expect(reply.message.content == "ok")
            #expect(await log.delays == [.seconds(7)])
            #expect(await server.received().count == 2)
        }
    }

    @Test(arguments: bothProtocols)
    func rateLimitWithoutRetryAfterBacksOffExponentially(wire: LoopbackModelServer.WireProtocol) async throws {
        try await withLoopbackModelServer(wire) { server in
            await server.enqueue(.status(429), .status(429), .status(503), .text("ok"))
            let log = SleepLog()
            _ = try await client(for: server, retry: instantRetry(log, attempts: 5)).send(ModelRequest(messages: [.user("hi")])).requireReply()
            #expect(await log.delays == [.milliseconds(100), .milliseconds(200), .milliseconds(400)])
        }
    }

    @Test func retryAfterIsCappedByTheMaximumDelay() async throws {
        try await withLoopbackModelServer(.openAI) { server in
            await server.enqueue(.status(429, retryAfter: "3600"), .text("ok"))
            let log = SleepLog()
            _ = try await client(for: server, retry: instantRetry(log)).send(ModelRequest(messages: [.user("hi")]))
            #expect(await log.delays == [.seconds(30)])
        }
    }

    @Test(arguments: bothProtocols)
    func serverErrorsStopAfterTheAttemptLimit(wire: LoopbackModelServer.WireProtocol) async throws {
        try await withLoopbackModelServer(wire) { server in
            await server.enqueue(.status(500), .status(500), .status(500), .text("never reached"))
            let log = SleepLog()
            let error = await #expect(throws: ModelError.self) {
                try await client(for: server, retry: instantRetry(log, attempts: 3)).send(ModelRequest(messages: [.user("hi")]))
            }
            #expect(error?.kind == .serverError)
            #expect(error?.isRetryable == true)
            #expect(error?.attempts == 3)
            #expect(error?.status == 500)
            #expect(await server.received().count == 3)
            #expect(await log.delays.count == 2)
            #expect(error?.message.contains("after 3 attempts") == true)
        }
    }

    @Test(arguments: [(400, ModelError.Kind.badRequest), (401, .unauthorized), (403, .unauthorized), (404, .notFound)])
    func otherClientErrorsAreNotRetriedAndSayWhatToCheck(status: Int, kind: ModelError.Kind) async throws {
        try await withLoopbackModelServer(.openAI) { server in
            await server.enqueue(.status(status, message: "no such model"), .text("never reached"))
            let log = SleepLog()
            let error = await #expect(throws: ModelError.self) {
                try await client(for: server, retry: instantRetry(log), model: "gpt-typo").send(ModelRequest(messages: [.user("hi")]))
            }
            #expect(error?.kind == kind)
            #expect(error?.isRetryable == false)
            #expect(await server.received().count == 1)
            #expect(await log.delays.isEmpty)
            let message = error?.message ?? ""
            #expect(message.contains("no such model"))
            #expect(message.contains("gpt-typo") || message.contains("API key"))
            #expect(message.contains(server.baseURL.absoluteString) || kind == .unauthorized)
        }
    }

    @Test(arguments: bothProtocols)
    func aHangPastTheTimeoutIsRetriedAsATimeout(wire: LoopbackModelServer.WireProtocol) async throws {
        try await withLoopbackModelServer(wire) { server in
            await server.enqueue(.hang(.seconds(20)), .text("after the hang"))
            let log = SleepLog()
            let started = ContinuousClock.now
            // 2 s: short of the 20 s hang, and long enough that a loaded machine answers the second attempt inside it.
            let reply = try await client(for: server, retry: instantRetry(log), timeout: .seconds(2))
                .send(ModelRequest(messages: [.user("hi")])).requireReply()
            #expect(reply.message.content == "after the hang")
            #expect(await log.delays.count == 1)
            // Well before the hang would have ended, with room for a busy machine.
            #expect(ContinuousClock.now - started < .seconds(15))
        }
    }

    @Test func aTimeoutOnEveryAttemptIsClassifiedAsTimeout() async throws {
        try await withLoopbackModelServer(.openAI) { server in
            await server.enqueue(.hang(.seconds(3)), .hang(.seconds(3)))
            let error = await #expect(throws: ModelError.self) {
                try await client(for: server, retry: instantRetry(SleepLog(), attempts: 2), timeout: .milliseconds(400))
                    .send(ModelRequest(messages: [.user("hi")]))
            }
            #expect(error?.kind == .timeout)
            #expect(error?.attempts == 2)
        }
    }

    @Test(arguments: bothProtocols)
    func malformedJSONIsNotRetried(wire: LoopbackModelServer.WireProtocol) async throws {
        try await withLoopbackModelServer(wire) { server in
            await server.enqueue(.malformedJSON, .text("never reached"))
            let error = await #expect(throws: ModelError.self) {
                try await client(for: server, retry: instantRetry(SleepLog())).send(ModelRequest(messages: [.user("hi")]))
            }
            #expect(error?.kind == .malformedReply)
            #expect(await server.received().count == 1)
        }
    }

    @Test(arguments: bothProtocols)
    func aTruncatedBodyIsRetriedAsAConnectionFailure(wire: LoopbackModelServer.WireProtocol) async throws {
        try await withLoopbackModelServer(wire) { server in
            await server.enqueue(.truncatedBody, .text("whole"))
            let log = SleepLog()
            let reply = try await client(for: server, retry: instantRetry(log), timeout: .seconds(5))
                .send(ModelRequest(messages: [.user("hi")])).requireReply()
            #expect(reply.message.content == "whole")
            #expect(await log.delays.count == 1)
            #expect(await server.received().count == 2)
        }
    }

    @Test func aRefusedConnectionIsAConnectionError() async throws {
        // A port that was just free: nothing listens there once the server stops.
        let server = try await LoopbackModelServer.start(.openAI)
        let url = server.baseURL
        await server.stop()
        let refused = OpenAICompatibleModelClient(
            model: "m", endpoint: ModelEndpoint(baseURL: url), retry: instantRetry(SleepLog(), attempts: 2))
        let error = await #expect(throws: ModelError.self) {
            try await refused.send(ModelRequest(messages: [.user("hi")]))
        }
        #expect(error?.kind == .connection)
        #expect(error?.attempts == 2)
    }

    @Test func cancellingACallInFlightEndsItPromptly() async throws {
        try await withLoopbackModelServer(.openAI) { server in
            // The hang is far longer than the bound, so a slow but real cancellation (a loaded CI machine) passes and
            // an ignored one (waiting out the hang) cannot.
            await server.enqueue(.hang(.seconds(30)))
            let hanging = client(for: server, retry: instantRetry(SleepLog()), timeout: .seconds(60))
            let task = Task { try await hanging.send(ModelRequest(messages: [.user("hi")])) }
            try await Task.sleep(for: .milliseconds(200))
            let started = ContinuousClock.now
            task.cancel()
            let result = await task.result
            #expect(ContinuousClock.now - started < .seconds(8))
            #expect(throws: CancellationError.self) { try result.get() }
        }
    }
}
