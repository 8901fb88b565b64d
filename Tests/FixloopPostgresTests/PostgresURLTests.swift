import FixloopCore
import FixloopPostgres
import Testing

/// `postgres://` URLs: the parts, the TLS default, and a text for people that never shows the password.
struct PostgresURLTests {
    @Test func aURLGivesItsPartsAndItsTextLeavesThePasswordOut() throws {
        let url = try PostgresURL(parsing: "postgres://analyst:p%40ss@warehouse.example.com:6543/analytics?sslmode=require")
        #expect(url.user == "analyst" && url.password?.reveal() == "p@ss")
        #expect(url.host == "warehouse.example.com" && url.port == 6543 && url.database == "analytics")
        #expect(url.tls == .require)
        #expect("\(url)" == "postgres://analyst@warehouse.example.com:6543/analytics")
    }

    @Test func tlsIsOffOnLoopbackAndPreferredElsewhereUnlessSslmodeSays() throws {
        #expect(try PostgresURL(parsing: "postgres://u@127.0.0.1/db").tls == .disable)
        #expect(try PostgresURL(parsing: "postgresql://u@localhost:5432/db").tls == .disable)
        #expect(try PostgresURL(parsing: "postgres://u@db.internal/db").tls == .prefer)
        #expect(try PostgresURL(parsing: "postgres://u@db.internal/db?sslmode=verify-full").tls == .verifyFull)
        #expect(try PostgresURL(parsing: "postgres://u@127.0.0.1/db?sslmode=require").tls == .require)
        #expect(try PostgresURL(parsing: "postgres://u@127.0.0.1/db").port == 5432)
    }

    @Test func aBadURLIsRefusedWithoutShowingItsPassword() {
        for text in ["mysql://u:hunter22@h/db", "postgres://u:hunter22@h", "postgres://u:hunter22@h/db?sslmode=maybe"] {
            #expect {
                try PostgresURL(parsing: text)
            } throws: { error in
                let error = error as? PostgresError
                return error?.code == "postgres.bad_url" && error?.message.contains("hunter22") == false
                    && error?.message.contains("postgres://user:password@host:5432/database") == true
            }
        }
    }

    @Test func tableNamesAreQuotedPartByPart() throws {
        #expect(try PostgresTableName("events").sql == #""events""#)
        #expect(try PostgresTableName("posthog.events").sql == #""posthog"."events""#)
        #expect(try PostgresTableName(#"we"ird"#).sql == #""we""ird""#)
        #expect(throws: PostgresError.self) { try PostgresTableName("a.b.c") }
        #expect(throws: PostgresError.self) { try PostgresTableName("") }
    }
}
