import FixloopCore
import Testing

@testable import FixloopSandbox

@Suite struct BubblewrapArgumentsTests {
    func make(network: Bool = false) throws -> [String] {
        var policy = try SandboxPolicyCatalog(directories: []).policy(network ? "setup" : "test")
        policy.readOnlyPaths += ["/missing/path"]
        let builder = BubblewrapArguments(
            hostSymlinks: ["/bin": "usr/bin"], hostEnvironment: ["TERM": "vt100", "GITHUB_TOKEN": "secret-token"],
            hostPathExists: { $0 != "/missing/path" })
        let descriptors = BubblewrapArguments.Descriptors(
            workspace: 3, gitDirectory: 4, extraReadOnly: [(6, "/data")], seccomp: 5)
        return builder.make(policy: policy, command: ["make", "test"], descriptors: descriptors, limitsInside: false)
    }

    /// The value after each occurrence of `flag`.
    func values(_ args: [String], _ flag: String, width: Int = 1) -> [[String]] {
        args.indices.filter { args[$0] == flag }.map { Array(args[($0 + 1)...($0 + width)]) }
    }

    @Test func isolatesEverythingForTheTestPolicy() throws {
        let args = try make()
        for flag in ["--unshare-all", "--unshare-user", "--disable-userns", "--die-with-parent", "--new-session",
                     "--clearenv", "--remount-ro"] {
            #expect(args.contains(flag), "\(flag)")
        }
        #expect(values(args, "--cap-drop") == [["ALL"]])
        #expect(!args.contains("--share-net"))
        #expect(!values(args, "--ro-bind-try", width: 2).contains(["/", "/"]))
        #expect(!args.contains("/missing/path"))
        #expect(values(args, "--symlink", width: 2).contains(["usr/bin", "/bin"]))
        #expect(values(args, "--seccomp") == [["5"]])
        #expect(Array(args.suffix(3)) == ["--", "make", "test"])
    }

    @Test func devIsRemountedReadOnlyBeforeASizedShmIsMounted() throws {
        let args = try make()
        let dev = try #require(args.indices.first { args[$0] == "--remount-ro" && args[$0 + 1] == "/dev" })
        let shm = try #require(args.indices.first { args[$0] == "--tmpfs" && args[$0 + 1] == "/dev/shm" })
        #expect(args.firstIndex(of: "--dev").map { $0 < dev } == true)
        #expect(dev < shm)
        #expect(Array(args[(shm - 2)..<shm]) == ["--size", String(64 << 20)])
    }

    @Test func theWorkspaceIsWritableButItsGitIsNot() throws {
        let args = try make()
        let workspace = try #require(args.firstIndex(of: "--bind-fd"))
        let git = try #require(args.firstIndex(of: "--ro-bind-fd").flatMap { _ in
            args.indices.first { args[$0] == "--ro-bind-fd" && args[$0 + 2] == "/workspace/.git" }
        })
        #expect(args[workspace + 1] == "3" && args[workspace + 2] == "/workspace")
        #expect(git > workspace, ".git is bound read-only on top of the workspace")
        #expect(values(args, "--ro-bind-fd", width: 2).contains(["6", "/data"]))
    }

    @Test func onlyAllowListedVariablesPass() throws {
        let env = values(try make(), "--setenv", width: 2)
        #expect(env.contains(["TERM", "vt100"]))
        #expect(env.contains(["HOME", "/home/sandbox"]))
        #expect(!env.contains { $0[0] == "GITHUB_TOKEN" })
        #expect(!env.joined().joined().contains("secret-token"))
    }

    @Test func theSetupPolicyGetsANetworkNamespaceOfItsOwn() throws {
        var policy = try SandboxPolicyCatalog(directories: []).policy("setup")
        policy.readOnlyPaths += ["/etc/resolv.conf"]
        let descriptors = BubblewrapArguments.Descriptors(
            workspace: 3, gitDirectory: nil, extraReadOnly: [], seccomp: nil,
            network: .init(info: 6, block: 7, resolvConf: 8))
        let args = BubblewrapArguments(hostSymlinks: [:], hostEnvironment: [:], hostPathExists: { _ in true })
            .make(policy: policy, command: ["pip", "install", "."], descriptors: descriptors, limitsInside: false)
        #expect(!args.contains("--share-net") && args.contains("--unshare-all"))
        #expect(values(args, "--info-fd") == [["6"]] && values(args, "--block-fd") == [["7"]])
        let resolv = try #require(args.firstIndex(of: "--ro-bind-data"))
        #expect(Array(args[resolv...].prefix(3)) == ["--ro-bind-data", "8", "/etc/resolv.conf"])
        let hostResolv = try #require(args.indices.last { args[$0] == "/etc/resolv.conf" && args[$0 - 2] == "--ro-bind-try" })
        #expect(resolv > hostResolv, "the sandbox's resolv.conf is bound over any host copy")
        #expect(try !make(network: true).contains("--share-net"), "without a network hand-over it stays offline")
    }
}
