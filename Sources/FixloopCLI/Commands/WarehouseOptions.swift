import ArgumentParser
import FixloopPostgres

/// `score --from postgres://…/analytics --table events`: the warehouse way in.
struct WarehouseOptions: ParsableArguments {
    @Option(name: .customLong("from"),
            help: ArgumentHelp("A PostgreSQL warehouse to import PostHog-shaped events from, past where the last run stopped.", valueName: "postgres-url"))
    var url: String?

    @Option(help: ArgumentHelp("The events table (PostHog's batch-export columns) in --from's database.", valueName: "table"))
    var table = "events"

    /// The import these options ask for, or nil without `--from`.
    /// - Throws: a usage error for `--from` with `--import`; ``PostgresError`` for a bad URL or table name.
    func source(context: CommandContext, files: [String]) throws -> WarehouseImport? {
        guard let url else { return nil }
        guard files.isEmpty else { throw ValidationError("--from and --import cannot be used together; import the files and the warehouse in two runs.") }
        return WarehouseImport(
            url: try PostgresURL(parsing: url), table: try PostgresTableName(table),
            password: EdgeSecrets(context.environment).databasePassword)
    }
}
