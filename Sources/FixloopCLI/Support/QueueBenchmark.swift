import FixloopConfig
import FixloopCore
import FixloopTesting
import Foundation

/// `fixloop bench queue`'s measurement: a queue of `jobs` jobs, emptied by worker processes of this binary that
/// claim (with a lease) and finish each job, as `fixloop serve`'s workers do. Claims per second run from a start
/// time given to every process (their start-up is not counted) to the last process's last claim.
struct QueueBenchmark {
    var jobs: Int
    var workers: [Int]
    /// A PostgreSQL store to measure; nil: a throwaway cluster when PostgreSQL is installed.
    var url: String?
    var stage: @Sendable (String) -> Void

    /// One measurement.
    struct Row: Codable, Equatable, Sendable {
        var store: String
        var processes: Int
        var claims: Int
        var seconds: Double
        var claimsPerSecond: Double
    }

    /// Every measurement; the baseline is SQLite with one process.
    struct Result: Codable, Sendable {
        var jobs: Int
        var baseline: Row
        var rows: [Row]
        /// What the shared rows ran against when it is not PostgreSQL, and why.
        var note: String?
    }

    /// What one worker process reports.
    struct WorkerFigures: Codable, Sendable {
        var name: String
        var claims: Int
        var started: Double
        var ended: Double
    }

    func measure() async throws -> Result {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fixloop-bench-queue-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var cluster: PostgresTestCluster?
        defer { cluster?.stop() }
        stage("baseline: SQLite, one process")
        let baseline = try await run(store: "sqlite:" + folder.appendingPathComponent("baseline.sqlite").path, label: "sqlite", processes: 1, folder: folder)
        var rows = [baseline]
        var note: String?
        for count in workers {
            let store: String
            let label: String
            if let url {
                (store, label) = (url, "postgresql")
            } else if PostgresTestCluster.isAvailable {
                if cluster == nil {
                    stage("starting a throwaway PostgreSQL cluster")
                    cluster = try PostgresTestCluster.start()
                }
                (store, label) = (cluster!.url(database: try cluster!.makeDatabase()), "postgresql")
            } else {
                (store, label) = ("sqlite:" + folder.appendingPathComponent("shared-\(count).sqlite").path, "sqlite (shared file)")
                note = "PostgreSQL is not installed here (apt-get install postgresql), so the worker processes shared one SQLite file."
            }
            stage("\(label), \(count) worker process\(count == 1 ? "" : "es")")
            rows.append(try await run(store: store, label: label, processes: count, folder: folder))
        }
        return Result(jobs: jobs, baseline: baseline, rows: rows, note: note)
    }

    /// Queues the jobs in `store`, then lets `processes` workers empty it.
    private func run(store: String, label: String, processes: Int, folder: URL) async throws -> Row {
        let location = try StoreLocation.parse(store, password: nil, poolSize: 4, origin: "the benchmark's store")
        let backend = try await StoreBackend.open(location, state: StateDirectory(root: folder.appendingPathComponent("state")))
        let now = Date()
        for index in 0..<jobs {
            let repository = "bench/r\(index % 32)"
            _ = try await backend.jobs.enqueue(JobRequest(ticket: "gh:\(repository)#\(index)-\(UUID().uuidString.prefix(6))", repository: repository, trigger: "bench"), now: now)
        }
        let start = Date().addingTimeInterval(2).timeIntervalSince1970
        // This binary; under the tests (an .xctest process) the fixloop built beside it.
        let running = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let binary = running.lastPathComponent == "fixloop" ? running : running.deletingLastPathComponent().appendingPathComponent("fixloop")
        var children: [(Process, Pipe)] = []
        for index in 0..<processes {
            let process = Process()
            process.executableURL = binary
            process.arguments = ["bench", "queue", "--child-store", store, "--child-start", String(start), "--child-name", "w\(index)",
                                 "--state-dir", folder.appendingPathComponent("child-\(index)").path]
            let output = Pipe()
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            children.append((process, output))
        }
        var figures: [WorkerFigures] = []
        for (process, output) in children {
            let data = await output.fileHandleForReading.readAllOffThePool()
            let status = await process.exitStatus()
            guard status == 0, let worker = try? JSONDecoder().decode(WorkerFigures.self, from: data) else {
                throw CommandError(code: "bench.queue_worker", message: "A worker process of bench queue failed (exit \(status)): \(String(decoding: data, as: UTF8.self).prefix(300))")
            }
            figures.append(worker)
        }
        let claims = figures.reduce(0) { $0 + $1.claims }
        let seconds = max((figures.map(\.ended).max() ?? start) - start, 0.000_001)
        return Row(store: label, processes: processes, claims: claims, seconds: seconds, claimsPerSecond: Double(claims) / seconds)
    }

    /// A worker process: from `start`, claims and finishes until the queue is empty.
    static func work(store: String, start: Date, name: String, state: StateDirectory) async throws -> WorkerFigures {
        let location = try StoreLocation.parse(store, password: nil, poolSize: 2, origin: "--child-store")
        let jobs = try await StoreBackend.open(location, state: state).jobs
        let wait = start.timeIntervalSinceNow
        if wait > 0 { try await Task.sleep(for: .milliseconds(Int(wait * 1000))) }
        let started = Date()
        var claims = 0
        while let job = try await jobs.claim(worker: name, now: Date(), lease: .seconds(60), perRepositoryLimit: 64) {
            try await jobs.finish(job.id, worker: name, state: .done, summary: "bench", prURL: nil, costUSD: 0, now: Date())
            claims += 1
        }
        return WorkerFigures(name: name, claims: claims, started: started.timeIntervalSince1970, ended: Date().timeIntervalSince1970)
    }
}
