import FixloopConfig
import Foundation

/// Which host paths the operator may show inside the sandbox.
///
/// Only the operator mounts host paths (`--ro`, `[sandbox] read_only`, the workspace of `sandbox run`), and even
/// then never the state directory (database, mirrors, tokens), `$HOME` or its dot-folders (`~/.ssh`, `~/.config`,
/// …; an installed toolchain such as `~/.pyenv/versions/3.11.7` or `~/.cargo/bin` may be shown), a secret's file (`NAME_FILE`, `$CREDENTIALS_DIRECTORY`) or a folder holding it, or a key file by its name (`*.pem`, `*.key`,
/// `id_*`). Each path is checked as given and with its symbolic links resolved, since bubblewrap follows them.
extension SandboxChoice {
    /// The operator's extra read-only paths: `--ro` then `[sandbox] read_only` from `fixloop.toml`, checked.
    /// - Throws: ``CommandError`` naming the first path that would expose a secret.
    static func readOnlyPaths(_ flags: [String], context: CommandContext) throws -> [String] {
        let paths = flags + context.configuration.sandbox.readOnlyPaths
        try refuseExposedPaths(paths, context: context)
        return paths
    }

    /// Refuses any path that would show the state directory, `$HOME`'s dot-folders or a key file.
    /// - Throws: ``CommandError`` naming the path, what it would expose, and what to do.
    static func refuseExposedPaths(_ paths: [String], context: CommandContext) throws {
        let state = context.state.root.standardizedFileURL.path
        let workspaces = context.state.workspaces.standardizedFileURL.path
        let home = (context.environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory())
        let homes = [home, URL(fileURLWithPath: home).resolvingSymlinksInPath().path].map(standardized).filter { $0 != "/" }
        let keys = EdgeSecrets.secretFiles(context.environment).flatMap { [standardized($0), URL(fileURLWithPath: $0).resolvingSymlinksInPath().path] }
        for raw in paths {
            let given = standardized(raw)
            for path in [given, URL(fileURLWithPath: given).resolvingSymlinksInPath().path] {
                let containsState = path == "/" || state == path || state.hasPrefix(path + "/")
                let insideState = path.hasPrefix(state + "/") && !(path == workspaces || path.hasPrefix(workspaces + "/"))
                if containsState || insideState {
                    throw CommandError(
                        code: "cli.state_directory_exposed",
                        message: "The path \(given) would show Fixloop's state directory \(state) inside the sandbox; "
                            + "give a path outside it.")
                }
                if let home = homes.first(where: { Self.exposesDotFolders(path, home: $0) }) {
                    throw CommandError(
                        code: "cli.home_dot_folders_exposed",
                        message: "The path \(given) would show the dot-folders of \(home) (~/.ssh, ~/.config, …) inside "
                            + "the sandbox; give a path outside them.")
                }
                if keys.contains(where: { $0 == path || $0.hasPrefix(path + "/") }) || Self.looksLikeKeyFile(path) {
                    throw CommandError(
                        code: "cli.key_file_exposed",
                        message: "The path \(given) is or holds a private key or secret file, which is never shown inside the "
                            + "sandbox; give a path without keys.")
                }
            }
        }
    }

    /// Installed toolchains under dot-folders, which may be shown: one version of pyenv, rustup, nvm or asdf, and
    /// `~/.cargo/bin` (never `~/.cargo` itself, which holds `credentials.toml`). A trailing `/` means "a folder
    /// below, not this one".
    static let toolchainFolders = [".pyenv/versions/", ".rustup/toolchains/", ".cargo/bin", ".nvm/versions/node/",
                                   ".asdf/installs/"]

    /// True for `$HOME` itself, a folder above it, or anything under one of its dot-folders other than an installed
    /// toolchain (``toolchainFolders``).
    static func exposesDotFolders(_ path: String, home: String) -> Bool {
        if path == "/" || path == home || home.hasPrefix(path + "/") { return true }
        guard path.hasPrefix(home + "/") else { return false }
        let relative = String(path.dropFirst(home.count + 1))
        let toolchain = toolchainFolders.contains { folder in
            folder.hasSuffix("/") ? relative.hasPrefix(folder) && relative.count > folder.count
                : relative == folder || relative.hasPrefix(folder + "/")
        }
        return !toolchain && relative.split(separator: "/").first?.hasPrefix(".") == true
    }

    /// Key files by name: `*.pem`, `*.key`, `id_rsa`, `id_ed25519`, … (and their `.pub` halves, for simplicity).
    static func looksLikeKeyFile(_ path: String) -> Bool {
        let name = (path as NSString).lastPathComponent
        return name.hasSuffix(".pem") || name.hasSuffix(".key") || name.hasPrefix("id_")
    }

    private static func standardized(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }
}
