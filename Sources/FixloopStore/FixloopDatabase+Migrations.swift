import Foundation
import GRDB

extension FixloopDatabase {
    /// Every migration's identifier, in the order they run.
    public static var migrationIdentifiers: [String] { migrator.migrations }

    /// Opens (creating and migrating) the file at `url`, and says which migrations this opening applied, in order
    /// (none for a file that was up to date); `fixloop migrate` prints them.
    /// - Throws: ``StoreError`` when the file cannot be read, opened or migrated.
    public static func openReportingMigrations(url: URL) throws -> (database: FixloopDatabase, applied: [String]) {
        var before: Set<String> = []
        if FileManager.default.fileExists(atPath: url.path) {
            do {
                let queue = try DatabaseQueue(path: url.path)
                before = try queue.read { db in try migrator.appliedIdentifiers(db) }
                try queue.close()
            } catch let error as DatabaseError {
                throw StoreError(operation: "open", path: url.path, resultCode: error.resultCode.rawValue)
            }
        }
        let database = try FixloopDatabase(url: url)
        return (database, migrator.migrations.filter { !before.contains($0) })
    }
}
