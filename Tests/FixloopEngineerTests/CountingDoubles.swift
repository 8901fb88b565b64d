import FixloopCore
import Foundation

/// The real sandbox, counting the runs it is asked for and the most that ran at once.
actor CountingSandbox: Sandbox {
    nonisolated let inner: any Sandbox
    nonisolated var kind: String { inner.kind }
    private(set) var runs = 0
    private(set) var mostAtOnce = 0
    private var running = 0

    init(_ inner: any Sandbox) { self.inner = inner }

    func run(_ request: SandboxRequest) async throws -> SandboxResult {
        runs += 1
        running += 1
        mostAtOnce = max(mostAtOnce, running)
        defer { running -= 1 }
        return try await inner.run(request)
    }
}

/// A model client passed through, counting the most calls in flight at once.
actor OverlapCountingModel: ModelClient {
    nonisolated let inner: any ModelClient
    nonisolated var spec: ModelSpec { inner.spec }
    private(set) var mostAtOnce = 0
    private var inFlight = 0

    init(_ inner: any ModelClient) { self.inner = inner }

    func send(_ request: ModelRequest) async throws -> ModelOutcome {
        inFlight += 1
        mostAtOnce = max(mostAtOnce, inFlight)
        defer { inFlight -= 1 }
        return try await inner.send(request)
    }
}
