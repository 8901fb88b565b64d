import FixloopCore
import FixloopPostgres
import FixloopTesting
import Foundation
import PostgresNIO
import Testing

/// Connections to a real PostgreSQL server (the test cluster): the errors a person meets, each naming the URL
/// without its password.
@Suite(.enabled(if: PostgresTestCluster.isAvailable, "PostgreSQL is not installed (apt-get install postgresql)"))
struct PostgresConnectorTests {
    func connector(_ text: String, password: Secret? = nil) throws -> PostgresConnector {
        PostgresConnector(url: try PostgresURL(parsing: text), password: password)
    }

    func selectOne(_ connector: PostgresConnector) async throws -> Int {
        try await connector.withConnection { connection, logger in
            var value = 0
            for try await one in try await connection.query("SELECT 1::int", logger: logger).decode(Int.self) { value = one }
            return value
        }
    }

    @Test func aTrustedUserConnectsAndAPasswordUserConnectsWithThePasswordGivenApart() async throws {
        let cluster = try PostgresTestCluster.shared()
        let database = try cluster.makeDatabase()
        #expect(try await selectOne(try connector(cluster.url(database: database))) == 1)
        let passwordURL = cluster.url(database: database, user: PostgresTestCluster.passwordUser)
        #expect(try await selectOne(try connector(passwordURL, password: Secret(PostgresTestCluster.password))) == 1)
        // The URL's own password wins over the one given apart.
        let inURL = cluster.url(database: database, user: PostgresTestCluster.passwordUser, password: PostgresTestCluster.password)
        #expect(try await selectOne(try connector(inURL, password: Secret("wrong"))) == 1)
    }

    @Test func aWrongPasswordIsAnAuthenticationErrorThatNamesTheUserButNotThePassword() async throws {
        let cluster = try PostgresTestCluster.shared()
        let url = cluster.url(database: "postgres", user: PostgresTestCluster.passwordUser, password: "not-the-password")
        await #expect {
            try await selectOne(try connector(url))
        } throws: { error in
            let error = error as? FixloopPostgres.PostgresError
            return error?.code == "postgres.auth_failed" && error?.message.contains("not-the-password") == false
                && error?.message.contains("postgres://\(PostgresTestCluster.passwordUser)@127.0.0.1:\(cluster.port)/postgres") == true
        }
        await #expect {
            try await selectOne(try connector(cluster.url(database: "postgres", user: PostgresTestCluster.passwordUser)))
        } throws: { ($0 as? FixloopPostgres.PostgresError)?.code == "postgres.auth_failed" }
    }

    @Test func aMissingDatabaseIsNamed() async throws {
        let cluster = try PostgresTestCluster.shared()
        await #expect {
            try await selectOne(try connector(cluster.url(database: "no_such_db")))
        } throws: { error in
            let error = error as? FixloopPostgres.PostgresError
            return error?.code == "postgres.database_missing" && error?.message.contains("no database no_such_db") == true
        }
    }

    @Test func nothingListeningIsUnreachableNamingTheURL() async throws {
        let port = try PostgresTestCluster.unusedPort()
        await #expect {
            try await selectOne(try connector("postgres://someone:hunter22@127.0.0.1:\(port)/analytics"))
        } throws: { error in
            let error = error as? FixloopPostgres.PostgresError
            return error?.code == "postgres.unreachable" && error?.message.contains("hunter22") == false
                && error?.message.contains("postgres://someone@127.0.0.1:\(port)/analytics") == true
        }
    }
}
