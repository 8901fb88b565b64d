import ArgumentParser
import FixloopCore
import FixloopPostgres
import FixloopStore
import Foundation

/// `fixloop migrate`: brings the configured store's schema up to date and says what ran; with `--from
/// sqlite:PATH`, copies every table of an existing SQLite store into the configured PostgreSQL store.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply the store's migrations, or copy a SQLite store into PostgreSQL.",
        discussion: """
            Every command migrates the store when it opens it; `fixloop migrate` does it on its own, before the \
            servers start, and prints the migrations that ran. --from sqlite:PATH copies every table of that file \
            (the queue, runs, branches, the spend ledger, events, sessions, scores, batches, plans, tickets, merges, \
            fixes' lives and pull-request states) into the PostgreSQL store [store] url (or FIXLOOP_DATABASE_URL) \
            names, in chunks, with progress on standard error; rows already there are skipped, so a rerun copies \
            nothing twice.
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp("A SQLite store to copy into the PostgreSQL store.", valueName: "sqlite:PATH")) var from: String?
    @Flag(help: "Print the result as JSON.") var json = false

    /// What `migrate` did.
    struct Report: Encodable, Equatable {
        /// The store, without its password.
        var store: String
        /// The migrations that ran, in order (empty: it was up to date).
        var applied: [String]
        /// With `--from`: the rows copied, by table (rows already there are not counted).
        var copied: [String: Int]?
        /// With `--from`: the source's rows already in PostgreSQL (an earlier copy, or a colliding key), by table.
        var skipped: [String: Int]?
    }

    func run() async throws {
        let context = try global.context()
        let location = try StoreLocation.resolve(context)
        var report: Report
        if let from {
            guard case .sqlite(let source) = try StoreLocation.parse(from, password: nil, poolSize: 1, origin: "--from") else {
                throw ValidationError("--from takes sqlite:PATH, the SQLite store to copy.")
            }
            guard FileManager.default.fileExists(atPath: source.path) else {
                throw CommandError(code: "migrate.no_source", message: "--from names \(source.path), which does not exist; give the SQLite store to copy (usually ~/.fixloop/fixloop.sqlite).")
            }
            guard location.isPostgres else {
                throw CommandError(code: "migrate.not_postgres", message: "--from copies into PostgreSQL, but the store is \(location); set [store] url or FIXLOOP_DATABASE_URL to the postgres:// URL first.")
            }
            report = try await MigrationRun.copy(from: source, to: location, showsProgress: !json)
        } else {
            report = try await MigrationRun.migrate(location)
        }
        if json { return try context.printJSON(report) }
        context.print(report.applied.isEmpty ? "\(report.store): up to date, no migration ran"
                                             : "\(report.store): applied \(report.applied.joined(separator: ", "))")
        if let copied = report.copied {
            var table = TextTable(header: ["TABLE", "COPIED", "ALREADY THERE"], alignments: [.left, .right, .right])
            for name in copied.keys.sorted() where copied[name, default: 0] + (report.skipped?[name] ?? 0) > 0 {
                table.append([name, "\(copied[name, default: 0])", "\(report.skipped?[name] ?? 0)"])
            }
            table.lines.forEach { context.print($0) }
            let total = copied.values.reduce(0, +)
            context.print("copied \(total) rows from \(from ?? "-")\(total == 0 ? " (nothing new)" : "")")
        }
    }
}

/// The migrations and the SQLite-to-PostgreSQL copy behind `fixloop migrate`.
enum MigrationRun {
    /// Applies `location`'s migrations. - Returns: what ran.
    static func migrate(_ location: StoreLocation) async throws -> MigrateCommand.Report {
        switch location {
        case .sqlite(let url):
            let (_, applied) = try FixloopDatabase.openReportingMigrations(url: url)
            return MigrateCommand.Report(store: location.description, applied: applied)
        case .postgres(let url, let password, let poolSize):
            let store = try await PostgresStore.open(url: url, password: password, poolSize: poolSize, migrate: false)
            defer { store.close() }
            return MigrateCommand.Report(store: location.description, applied: try await store.migrate())
        }
    }

    /// How many rows `--from` reads from SQLite and writes at once (one PostgreSQL transaction per 500).
    static let chunkRows = 1_000

    /// Copies every table of ``StoreSchema/shared`` from `source` into the PostgreSQL `location`, after migrating
    /// both, one chunk of rows at a time (by rowid, so a table of millions of events is never all in memory); rows
    /// already there (by key or any unique index: a ticket's active job) are skipped, so a rerun copies nothing
    /// twice. Identity sequences are moved past the ids copied. With `showsProgress`, one progress line per table
    /// on standard error.
    static func copy(from source: URL, to location: StoreLocation, showsProgress: Bool = false) async throws -> MigrateCommand.Report {
        guard case .postgres(let url, let password, let poolSize) = location else {
            throw CommandError(code: "migrate.not_postgres", message: "--from copies into PostgreSQL, but the store is \(location).")
        }
        let sqlite = try FixloopDatabase(url: source)
        let store = try await PostgresStore.open(url: url, password: password, poolSize: poolSize, migrate: false)
        defer { store.close() }
        let applied = try await store.migrate()
        var copied: [String: Int] = [:], skipped: [String: Int] = [:]
        for table in StoreSchema.shared.tables {
            let progress = showsProgress ? ProgressLine("migrate: \(table.name)", pipeInterval: .seconds(10)) : nil
            var read = 0, inserted = 0, after = Int64.min
            while let chunk = try sqlite.rows(of: table.name, columns: table.columns.map(\.name), afterRowID: after, limit: chunkRows) {
                inserted += try await store.insertMissing(table, rows: chunk.rows)
                read += chunk.rows.count
                after = chunk.lastRowID
                progress?.update("read \(read), copied \(inserted)")
            }
            try await store.advanceSequence(of: table)
            progress?.finish("read \(read), copied \(inserted)")
            copied[table.name] = inserted
            skipped[table.name] = read - inserted
        }
        return MigrateCommand.Report(store: location.description, applied: applied, copied: copied, skipped: skipped)
    }
}
