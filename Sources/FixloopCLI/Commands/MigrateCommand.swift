import ArgumentParser
import FixloopCore
import FixloopPostgres
import FixloopStore
import Foundation

/// `fixloop migrate`: brings the configured store's schema up to date and says what ran; with `--from
/// sqlite:PATH`, copies an existing SQLite store's queue into the configured PostgreSQL store.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply the store's migrations, or copy a SQLite store into PostgreSQL.",
        discussion: """
            Every command migrates the store when it opens it; `fixloop migrate` does it on its own, before the \
            servers start, and prints the migrations that ran. --from sqlite:PATH copies that file's jobs, webhook \
            deliveries and triggers into the PostgreSQL store [store] url (or FIXLOOP_DATABASE_URL) names; a rerun \
            copies nothing twice.
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
            report = try await MigrationRun.copy(from: source, to: location)
        } else {
            report = try await MigrationRun.migrate(location)
        }
        if json { return try context.printJSON(report) }
        context.print(report.applied.isEmpty ? "\(report.store): up to date, no migration ran"
                                             : "\(report.store): applied \(report.applied.joined(separator: ", "))")
        if let copied = report.copied {
            let parts = copied.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }
            context.print("copied from \(from ?? "-"): \(parts.joined(separator: ", "))\(copied.values.reduce(0, +) == 0 ? " (nothing new)" : "")")
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

    /// The tables `--from` copies: the queue's, as the one schema description names them.
    static let copiedTables = ["job", "webhook_delivery", "webhook_trigger"]

    /// Copies `source`'s queue into the PostgreSQL `location`, after migrating both; rows already there (by key or
    /// a ticket's active job) are skipped, so a rerun copies nothing twice.
    static func copy(from source: URL, to location: StoreLocation) async throws -> MigrateCommand.Report {
        guard case .postgres(let url, let password, let poolSize) = location else {
            throw CommandError(code: "migrate.not_postgres", message: "--from copies into PostgreSQL, but the store is \(location).")
        }
        let sqlite = try FixloopDatabase(url: source)
        let store = try await PostgresStore.open(url: url, password: password, poolSize: poolSize, migrate: false)
        defer { store.close() }
        let applied = try await store.migrate()
        var copied: [String: Int] = [:]
        for name in copiedTables {
            guard let table = StoreSchema.shared.tables.first(where: { $0.name == name }) else { continue }
            let rows = try sqlite.rows(of: name, columns: table.columns.map(\.name))
            copied[name] = try await store.insertMissing(table, rows: rows)
        }
        return MigrateCommand.Report(store: location.description, applied: applied, copied: copied)
    }
}
