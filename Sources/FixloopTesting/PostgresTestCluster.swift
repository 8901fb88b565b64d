import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A throwaway PostgreSQL server for tests: Debian's `initdb` and `pg_ctl` (`/usr/lib/postgresql/*/bin`) in a
/// temporary folder, listening on a free port of 127.0.0.1 with its unix socket inside the folder.
///
/// One cluster per test process (``shared``), started on first use and stopped when the process exits; each test
/// takes a fresh database with ``makeDatabase()``. `pg_hba.conf` trusts every user on 127.0.0.1 except
/// ``passwordUser``, who must give ``password`` (SCRAM), so the password path is tested too. The server refuses to
/// run as root, so as root the folder is given to the `postgres` user and the programs run as that user
/// (`runuser`). Without PostgreSQL installed, ``isAvailable`` is false and the suites that need it are skipped.
public final class PostgresTestCluster: Sendable {
    /// The port on 127.0.0.1.
    public let port: Int
    /// The cluster's folder (data, socket, log).
    public let folder: URL
    private let binaries: URL
    private let runAs: String?

    /// The superuser, trusted on 127.0.0.1 and the socket.
    public static let superuser = "postgres"
    /// A user that must give ``password``.
    public static let passwordUser = "fixloop_secret"
    public static let password = "s3cret-Passw0rd"

    /// Debian's PostgreSQL binaries folder (the newest version), if the server is installed.
    public static let binaryFolder: URL? = {
        let root = URL(fileURLWithPath: "/usr/lib/postgresql")
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return versions.compactMap { Int($0) }.sorted().reversed()
            .map { root.appendingPathComponent("\($0)/bin") }
            .first { FileManager.default.isExecutableFile(atPath: $0.appendingPathComponent("pg_ctl").path) }
    }()

    /// Whether a PostgreSQL server can be started here (for `.enabled(if:)`).
    public static var isAvailable: Bool { binaryFolder != nil }

    /// The process's cluster, started on first use and stopped at exit.
    public static func shared() throws -> PostgresTestCluster { try sharedCluster.get() }

    private static let sharedCluster: Result<PostgresTestCluster, any Error> = Result {
        let cluster = try PostgresTestCluster.start()
        PostgresTestCluster.stopAtExit(cluster)
        return cluster
    }

    private init(port: Int, folder: URL, binaries: URL, runAs: String?) {
        self.port = port
        self.folder = folder
        self.binaries = binaries
        self.runAs = runAs
    }

    /// Starts a new cluster (most tests want ``shared()``).
    public static func start() throws -> PostgresTestCluster {
        guard let binaries = binaryFolder else { throw PostgresTestClusterError("PostgreSQL is not installed (apt-get install postgresql)") }
        let folder = URL(fileURLWithPath: "/tmp", isDirectory: true)
            .appendingPathComponent("fixloop-pg-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let runAs = geteuid() == 0 ? "postgres" : nil
        if let runAs {
            guard let user = getpwnam(runAs) else { throw PostgresTestClusterError("running as root needs the user postgres, which Debian's postgresql package creates") }
            chown(folder.path, user.pointee.pw_uid, user.pointee.pw_gid)
        }
        chmod(folder.path, 0o700)
        var lastError: (any Error)?
        // The free port is found by binding port 0 and closing it; another process could take it first.
        for _ in 0..<3 {
            let cluster = PostgresTestCluster(port: try freePort(), folder: folder, binaries: binaries, runAs: runAs)
            do {
                try cluster.initialize()
                try cluster.startServer()
                return cluster
            } catch {
                lastError = error
                try? FileManager.default.removeItem(at: folder.appendingPathComponent("data"))
            }
        }
        throw lastError ?? PostgresTestClusterError("the server did not start")
    }

    private var data: URL { folder.appendingPathComponent("data") }

    private func initialize() throws {
        try run("initdb", ["-D", data.path, "-U", Self.superuser, "-A", "trust", "-E", "UTF8", "--no-sync", "--locale=C"])
        let hba = """
            local all all trust
            host all \(Self.passwordUser) 127.0.0.1/32 scram-sha-256
            host all all 127.0.0.1/32 trust

            """
        try run("sh", ["-c", "cat > '\(data.path)/pg_hba.conf'"], input: hba)
    }

    private func startServer() throws {
        let options = "-p \(port) -k \(folder.path) -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c synchronous_commit=off -c max_connections=400"
        try run("pg_ctl", ["-D", data.path, "-l", folder.appendingPathComponent("server.log").path, "-o", options, "-w", "-t", "60", "start"])
        try psql(database: "postgres", "CREATE ROLE \(Self.passwordUser) LOGIN SUPERUSER PASSWORD '\(Self.password)'")
    }

    /// Stops the server and removes its folder.
    public func stop() {
        try? run("pg_ctl", ["-D", data.path, "-m", "immediate", "-w", "stop"])
        try? FileManager.default.removeItem(at: folder)
    }

    private static func stopAtExit(_ cluster: PostgresTestCluster) {
        atExitClusters.withLock { $0.append(cluster) }
        atexit {
            for cluster in PostgresTestCluster.atExitClusters.withLock({ $0 }) { cluster.stop() }
        }
    }

    private static let atExitClusters = LockedList()

    /// A new empty database; its name.
    public func makeDatabase() throws -> String {
        let name = "t_" + UUID().uuidString.prefix(12).lowercased().replacingOccurrences(of: "-", with: "")
        try psql(database: "postgres", "CREATE DATABASE \(name)")
        return name
    }

    /// `postgres://USER@127.0.0.1:PORT/DATABASE` (the superuser: trusted, no password).
    public func url(database: String, user: String = PostgresTestCluster.superuser, password: String? = nil) -> String {
        "postgres://\(user)\(password.map { ":" + $0 } ?? "")@127.0.0.1:\(port)/\(database)"
    }

    /// Runs `sql` with `psql` through the socket (a witness independent of the product's client) and returns its
    /// unaligned, tuples-only output.
    @discardableResult
    public func psql(database: String, _ sql: String) throws -> String {
        try run("psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-A", "-t", "-h", folder.path, "-p", "\(port)", "-U", Self.superuser, "-d", database], input: sql)
    }

    /// Runs a PostgreSQL program (or `sh`) as the cluster's user, its input, output and errors through files.
    ///
    /// `posix_spawn` and `waitpid` directly: Foundation's `Process` did not see `runuser` exit inside the test
    /// process (left a zombie and waited for ever).
    @discardableResult
    private func run(_ program: String, _ arguments: [String], input: String? = nil) throws -> String {
        let path = program == "sh" ? "/bin/sh" : binaries.appendingPathComponent(program).path
        // As another user, from `/` (the test's folder may be closed to that user).
        let command = (runAs.map { ["/usr/sbin/runuser", "-u", $0, "--", "/bin/sh", "-c", "cd / && exec \"$@\"", "sh"] } ?? []) + [path] + arguments
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("fixloop-pg-io-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let inputPath = scratch.appendingPathComponent("in").path
        let outputPath = scratch.appendingPathComponent("out").path
        let errorPath = scratch.appendingPathComponent("err").path
        try (input ?? "").write(toFile: inputPath, atomically: false, encoding: .utf8)

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, inputPath, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errorPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let argv: [UnsafeMutablePointer<CChar>?] = command.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, command[0], &actions, nil, argv, environ)
        guard spawned == 0 else { throw PostgresTestClusterError("could not start \(command[0]): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw PostgresTestClusterError("waitpid failed for \(program): \(String(cString: strerror(errno)))") }
        }
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        // Exited normally with 0: the low 7 bits (the signal) and the next 8 (the exit code) all zero.
        guard status == 0 else {
            let errors = (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? ""
            throw PostgresTestClusterError("\(program) failed (wait status \(status)): \(errors)")
        }
        return output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A loopback port nothing listens on (bound to port 0, then closed).
    public static func unusedPort() throws -> Int { try freePort() }

    private static func freePort() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw PostgresTestClusterError("no socket for a free port") }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) }
        }
        guard bound == 0 else { throw PostgresTestClusterError("could not bind a free port") }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// Clusters to stop when the process exits.
private final class LockedList: @unchecked Sendable {
    private let lock = NSLock()
    private var clusters: [PostgresTestCluster] = []
    func withLock<T>(_ body: (inout [PostgresTestCluster]) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body(&clusters)
    }
}

/// The test cluster could not be started or a command failed.
public struct PostgresTestClusterError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
