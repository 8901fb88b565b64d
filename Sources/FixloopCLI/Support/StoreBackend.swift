import FixloopConfig
import FixloopCore
import FixloopPlanner
import FixloopPostgres
import FixloopStore
import Foundation

/// Where the store lives (the queue, runs, ledger, events, sessions, scores, plans, tickets, merges), chosen in one place:
/// `FIXLOOP_DATABASE_URL` (through ``EdgeSecrets``: the variable, its `_FILE`, or the credential), else
/// `[store] url`, else the state directory's SQLite file.
enum StoreLocation: Sendable, Equatable, CustomStringConvertible {
    /// A SQLite file: the state directory's, or the one `sqlite:PATH` names (processes on one machine may share it).
    case sqlite(URL)
    /// A PostgreSQL database several processes on several machines share; the password is the URL's, else
    /// `FIXLOOP_DATABASE_PASSWORD`.
    case postgres(PostgresURL, password: Secret?, poolSize: Int)

    /// The location the context names.
    /// - Throws: ``PostgresError`` (`postgres.bad_url`) or ``CommandError`` (`store.bad_url`) for a URL that is neither.
    static func resolve(_ context: CommandContext) throws -> StoreLocation {
        let secrets = EdgeSecrets(context.environment)
        let settings = context.configuration.store
        guard let text = secrets.databaseURL?.reveal() ?? settings.url else { return .sqlite(context.state.database) }
        return try parse(text, password: secrets.databasePassword, poolSize: settings.poolSize,
                         origin: secrets.databaseURL == nil ? "[store] url" : "FIXLOOP_DATABASE_URL")
    }

    /// `sqlite:PATH` (relative to the current folder) or `postgres://…`; `origin` names where the text came from.
    static func parse(_ text: String, password: Secret?, poolSize: Int, origin: String) throws -> StoreLocation {
        let lowered = text.lowercased()
        if lowered.hasPrefix("sqlite:") {
            var path = String(text.dropFirst("sqlite:".count))
            if path.hasPrefix("//") { path = String(path.dropFirst(2)) }
            guard !path.isEmpty else {
                throw CommandError(code: "store.bad_url", message: "\(origin) is sqlite: without a path; write sqlite:/var/lib/fixloop/fixloop.sqlite.")
            }
            return .sqlite(URL(fileURLWithPath: path).standardizedFileURL)
        }
        guard lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://") else {
            throw CommandError(code: "store.bad_url", message: "\(origin) is neither postgres://USER@HOST:PORT/DATABASE nor sqlite:PATH; fix it, or unset it for the state directory's SQLite file.")
        }
        return .postgres(try PostgresURL(parsing: text), password: password, poolSize: poolSize)
    }

    /// The SQLite file that holds what has no PostgreSQL store yet: the named file, else the state directory's.
    func localDatabase(_ state: StateDirectory) -> URL {
        if case .sqlite(let url) = self { return url }
        return state.database
    }

    var isPostgres: Bool { if case .postgres = self { return true } else { return false } }

    /// For people: the file's path, or the URL without its password.
    var description: String {
        switch self {
        case .sqlite(let url): return "sqlite:\(url.path)"
        case .postgres(let url, _, _): return url.description
        }
    }
}

/// The stores a command uses, built once from ``StoreLocation``: every command takes them from here and constructs none
/// itself. With PostgreSQL every table of the store is there, and the SQLite file keeps only what a command writes apart.
struct StoreBackend: Sendable {
    let location: StoreLocation
    /// The job queue: jobs, webhook deliveries, triggers.
    let jobs: any JobStore
    /// The spend ledger with its budget holds: shared in PostgreSQL, so machines spend against one `[budgets]`.
    let ledger: any LedgerStore
    /// The machine's SQLite store: with PostgreSQL it holds nothing of the store's; without, everything.
    let database: FixloopDatabase
    /// Fix runs and ticket branches (a job retaken on another machine reuses its branch and pull request).
    let runs: any RunStore & RunHistory
    /// The PostgreSQL pool (migrated at open), when the store is there.
    let postgres: PostgresStore?
    /// The healing loop's merges (every machine's webhook intake records into it) and fixes' lives (announced once).
    var healing: any HealingStore { postgres.map { PostgresHealingStore(store: $0) } ?? SQLiteHealingStore(database: database) }
    /// The review's cached pull-request states.
    var pullRequestStates: any PullRequestStateStore {
        postgres.map { PostgresPullRequestStateStore(store: $0) } ?? SQLitePullRequestStateStore(database: database)
    }
    /// The scorer's submitted grading batches (`score --batch` on one machine, `score --collect` on another).
    var gradingBatches: any GradingBatchStore {
        postgres.map { PostgresGradingBatchStore(store: $0) } ?? SQLiteGradingBatchStore(database: database)
    }
    /// The scorer's events, import cursors, sessions, timelines, facts and scores (`score`, `sessions`).
    var scorer: ScorerStores {
        postgres.map(ScorerStores.init(postgres:)) ?? ScorerStores(sqlite: database)
    }
    /// The planner's plan runs, patterns and tickets, and the scored sessions it reads (`plan`, `tickets`, `fix local:N`).
    var plans: any PlanStore { postgres.map { PostgresPlanStore(store: $0) } ?? SQLitePlanStore(database: database) }

    /// Opens the context's stores, migrating them.
    /// - Throws: ``StoreError`` for a SQLite file that cannot be opened; ``PostgresError`` when PostgreSQL cannot
    ///   be reached or migrated.
    static func open(_ context: CommandContext) async throws -> StoreBackend {
        try await open(StoreLocation.resolve(context), state: context.state)
    }

    /// Opens the stores at `location`; what stays per machine goes in `state`.
    static func open(_ location: StoreLocation, state: StateDirectory) async throws -> StoreBackend {
        try state.prepare()
        let database = try FixloopDatabase(url: location.localDatabase(state))
        switch location {
        case .sqlite:
            return StoreBackend(location: location, jobs: SQLiteJobStore(database: database), ledger: SQLiteLedgerStore(database: database),
                                database: database, runs: SQLiteRunStore(database: database), postgres: nil)
        case .postgres(let url, let password, let poolSize):
            // A connection waits at most 5 s: a webhook then answers 503 well within GitHub's 10 s.
            let postgres = try await PostgresStore.open(url: url, password: password, poolSize: poolSize, acquireTimeout: .seconds(5))
            return StoreBackend(location: location, jobs: PostgresJobStore(store: postgres), ledger: PostgresLedgerStore(store: postgres),
                                database: database, runs: PostgresRunStore(store: postgres), postgres: postgres)
        }
    }
}

extension StoreBackend {
    /// The stores of one SQLite file, as ``open(_:state:)`` gives them without `[store] url` (tests, and builders
    /// handed a file).
    static func sqlite(_ database: FixloopDatabase) -> StoreBackend {
        StoreBackend(location: .sqlite(URL(fileURLWithPath: database.pool.path)), jobs: SQLiteJobStore(database: database),
                     ledger: SQLiteLedgerStore(database: database), database: database, runs: SQLiteRunStore(database: database), postgres: nil)
    }
}
