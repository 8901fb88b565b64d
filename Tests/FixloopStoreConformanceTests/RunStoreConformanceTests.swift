import FixloopCore
import FixloopPostgres
import FixloopStore
import FixloopTesting
import Foundation
import Testing

/// What the run-store tests read besides the protocol, which both stores have.
protocol RunStoreUnderTest: RunStore, RunHistory {
    var isAlive: @Sendable (Int32) -> Bool { get set }
    func runs(ticket: String) async throws -> [RunRecord]
}

extension SQLiteRunStore: RunStoreUnderTest {}
extension PostgresRunStore: RunStoreUnderTest {}

extension StoreBackend {
    /// Runs `body` with a fresh, empty run store of this backend, and a way to open another handle on the same data
    /// (its own connections, as another process or machine).
    func withRunStore(_ body: (any RunStoreUnderTest, @escaping @Sendable () async throws -> any RunStoreUnderTest) async throws -> Void) async throws {
        switch self {
        case .sqlite:
            try await withTemporaryDirectory("fixloop-conformance") { root in
                let file = root.appendingPathComponent("fixloop.sqlite")
                let open: @Sendable () async throws -> any RunStoreUnderTest = { SQLiteRunStore(database: try FixloopDatabase(url: file)) }
                try await body(try await open(), open)
            }
        case .postgres:
            guard Self.postgresAvailable else { throw PostgresTestClusterError(Self.unavailableReason) }
            let cluster = try PostgresTestCluster.shared()
            let url = try PostgresURL(parsing: cluster.url(database: try cluster.makeDatabase()))
            let opened = OpenedStores()
            defer { opened.closeAll() }
            let open: @Sendable () async throws -> any RunStoreUnderTest = {
                let store = try await PostgresStore.open(url: url, poolSize: 1)
                opened.add(store)
                return PostgresRunStore(store: store)
            }
            try await body(try await open(), open)
        }
    }
}

/// The run store's behaviour on both backends (moved from the CLI tests' `RunStoreTests`).
struct RunStoreConformanceTests {
    @Test(arguments: StoreBackend.available)
    func aTicketHeldByALiveRunIsRefusedAndADeadRunIsInterrupted(backend: StoreBackend) async throws {
        try await backend.withRunStore { store, _ in
            var store = store
            let host = ProcessInfo.processInfo.hostName
            #expect(try await store.start(RunRecord(id: "run-1", ticket: "gh:o/r#1", repository: "/r", host: host, pid: getpid())) == nil)
            let refused = try await store.start(RunRecord(id: "run-2", ticket: "gh:o/r#1", repository: "/r", host: host, pid: getpid()))
            #expect(refused?.id == "run-1")
            #expect(try await store.start(RunRecord(id: "run-3", ticket: "gh:o/r#2", repository: "/r", host: host, pid: getpid())) == nil)
            store.isAlive = { _ in false }
            var round = RunRecord(id: "run-4", ticket: "gh:o/r#1", repository: "/r", host: host, pid: 1)
            round.kind = .revision
            round.pullRequest = "gh:o/r#9"
            #expect(try await store.start(round) == nil)
            #expect(try await store.run("run-1")?.status == .interrupted)
            try await store.finish("run-4", status: .fixed, branch: "fixloop/x", prURL: "https://example/pull/1", reason: "verified")
            let runs = try await store.runs(ticket: "gh:o/r#1")
            #expect(runs.map(\.id) == ["run-4", "run-1"])
            #expect(runs.first?.prURL == "https://example/pull/1" && runs.first?.finishedAt != nil && runs.first?.status == .fixed)
            #expect(runs.first?.kind == .revision && runs.first?.pullRequest == "gh:o/r#9" && runs.first?.branch == "fixloop/x")
        }
    }

    @Test(arguments: StoreBackend.available)
    func aPullRequestsRoundsAndRunIDsByPrefixAreReadBack(backend: StoreBackend) async throws {
        try await backend.withRunStore { store, _ in
            let host = ProcessInfo.processInfo.hostName
            let start = Date(timeIntervalSince1970: 1_800_000_000)
            for (index, kind) in [RunKind.fix, .revision, .ci, .rebase].enumerated() {
                var record = RunRecord(id: "run-\(kind.rawValue)", ticket: kind == .fix ? "gh:o/r#1" : "gh:o/r#2", repository: "/r", host: host,
                                       pid: getpid(), startedAt: start.addingTimeInterval(Double(index)))
                record.kind = kind
                record.pullRequest = kind == .fix ? nil : "gh:o/r#2"
                #expect(try await store.start(record) == nil)
                try await store.finish(record.id, status: .fixed, branch: nil, prURL: nil, reason: nil)
            }
            #expect(try await store.rounds(pullRequest: "gh:o/r#2").map(\.kind) == [.revision, .ci, .rebase], "oldest first, the fix left out")
            #expect(try await store.rounds(pullRequest: "gh:o/r#9").isEmpty)
            #expect(try await store.runIDs(prefix: "run-re", limit: 11) == ["run-rebase", "run-revision"])
            #expect(try await store.runIDs(prefix: "run-", limit: 2) == ["run-ci", "run-fix"])
            #expect(try await store.run("latest")?.id == "run-rebase")
        }
    }

    @Test(arguments: StoreBackend.available)
    func aTicketKeepsTheBranchItWasFirstGiven(backend: StoreBackend) async throws {
        try await backend.withRunStore { store, _ in
            let first = try await store.branch(ticket: "gh:o/r#1", repository: "o/r", proposed: "fixloop/1-checkout-crash")
            let later = try await store.branch(ticket: "gh:o/r#1", repository: "o/r", proposed: "fixloop/1-a-new-title")
            let elsewhere = try await store.branch(ticket: "gh:o/r#1", repository: "o/fork", proposed: "fixloop/1-a-new-title")
            #expect(first == "fixloop/1-checkout-crash" && later == first && elsewhere == "fixloop/1-a-new-title")
        }
    }

    @Test(arguments: StoreBackend.available)
    func concurrentStartsOfOneTicketStartOneRun(backend: StoreBackend) async throws {
        try await backend.withRunStore { _, open in
            let stores = try await withThrowingTaskGroup(of: (any RunStoreUnderTest).self) { group in
                for _ in 0..<6 { group.addTask { try await open() } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let host = ProcessInfo.processInfo.hostName
            // Every store tries to start each of five tickets at once.
            let started = try await withThrowingTaskGroup(of: String?.self) { group in
                for (index, store) in stores.enumerated() {
                    group.addTask {
                        var mine: [String] = []
                        for ticket in 1...5 {
                            let record = RunRecord(id: "run-\(index)-\(ticket)", ticket: "gh:o/r#\(ticket)", repository: "/r", host: host, pid: getpid())
                            if try await store.start(record) == nil { mine.append(record.ticket) }
                        }
                        return mine.joined(separator: ",")
                    }
                }
                return try await group.reduce(into: [String]()) { $0 += ($1 ?? "").split(separator: ",").map(String.init) }
            }
            #expect(started.sorted() == (1...5).map { "gh:o/r#\($0)" }, "each ticket started exactly once")
            #expect(try await stores[0].runs(ticket: "gh:o/r#5").count == 1)
        }
    }
}
