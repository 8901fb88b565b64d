import ArgumentParser
import FixloopConfig
import FixloopCore
import Foundation

/// `fixloop bench queue`: claims per second from the PR bot's queue, by worker processes sharing one store.
struct BenchQueueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue",
        abstract: "Claim jobs from a shared queue with 1, 4, … worker processes; print claims/s beside SQLite with one process.",
        discussion: """
            Each worker is a process of this binary that claims and finishes jobs until the queue is empty, as \
            `fixloop serve` does. The shared store is --url (a postgres:// URL; its database gets a throwaway \
            schema's tables), else a throwaway PostgreSQL cluster started like the tests' (Debian's postgresql), \
            else, without PostgreSQL, one SQLite file. The baseline is one process on a SQLite file.
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp("Worker process counts to measure, comma-separated.", valueName: "n,n"), transform: BenchQueueCommand.counts)
    var workers: [Int] = [1, 4]
    @Option(help: ArgumentHelp("Jobs queued for each measurement.", valueName: "n")) var jobs = 2000
    @Option(help: ArgumentHelp("The PostgreSQL store to measure (default: a throwaway cluster).", valueName: "postgres://…")) var url: String?
    @Flag(help: "Print the figures as JSON.") var json = false

    // A worker process's part (hidden): claim from --child-store until empty, from --child-start on.
    @Option(help: .hidden) var childStore: String?
    @Option(help: .hidden) var childStart: Double?
    @Option(help: .hidden) var childName: String?

    static func counts(_ text: String) throws -> [Int] {
        let counts = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !counts.isEmpty, counts.allSatisfy({ ($0 ?? 0) >= 1 && ($0 ?? 0) <= 64 }) else {
            throw ValidationError("--workers takes worker counts from 1 to 64, comma-separated (1,4).")
        }
        return counts.compactMap { $0 }
    }

    func validate() throws {
        guard (1...1_000_000).contains(jobs) else { throw ValidationError("--jobs must be between 1 and 1000000.") }
    }

    func run() async throws {
        let context = try global.context()
        if let childStore {
            let figures = try await QueueBenchmark.work(store: childStore, start: Date(timeIntervalSince1970: childStart ?? 0),
                                                       name: childName ?? "worker-\(getpid())", state: context.state)
            return try context.printJSON(figures)
        }
        let stage = BenchStages.writer("queue", json: json)
        let result = try await QueueBenchmark(jobs: jobs, workers: workers, url: url, stage: stage).measure()
        if json { return try context.printJSON(result) }
        var table = TextTable(header: ["store", "processes", "claims", "seconds", "claims/s", "vs sqlite ×1", "vs its ×1"],
                              alignments: [.left, .right, .right, .right, .right, .right, .right])
        for row in result.rows {
            let single = result.rows.dropFirst().first { $0.store == row.store && $0.processes == 1 } ?? result.baseline
            table.append([row.store, String(row.processes), String(row.claims), String(format: "%.2f", row.seconds),
                          String(format: "%.0f", row.claimsPerSecond), String(format: "%.2f×", row.claimsPerSecond / max(result.baseline.claimsPerSecond, 0.001)),
                          String(format: "%.2f×", row.claimsPerSecond / max(single.claimsPerSecond, 0.001))])
        }
        context.print("queue: \(jobs) jobs claimed and finished by worker processes (claim with a lease, then finish), each row a fresh queue")
        context.printTable(table)
        if let note = result.note { context.print(note) }
    }
}
