import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The interpreter a virtualenv points to, so an operator's `--ro VENV` brings its Python along.
///
/// A virtualenv's `bin/python` is a link to the interpreter it was made from (pyenv's
/// `~/.pyenv/versions/3.11.7/bin/python`, a `/usr/bin/python3`), and its `pyvenv.cfg` names that interpreter's
/// folder as `home = …/bin`; the standard library lives under the folder above it. Only paths the operator named
/// are followed — never a virtualenv found in the repository, whose `pyvenv.cfg` could name any host folder — and
/// `home` only when it holds a `python3` or `python`.
enum VirtualenvInterpreter {
    /// The interpreter prefixes that the virtualenv at `path` needs, not already under one of `covered`.
    /// - Returns: an empty list when `path` is not a virtualenv.
    static func extraPaths(for path: String, covered: [String]) -> [String] {
        let root = URL(fileURLWithPath: path).standardizedFileURL.path
        guard let config = try? String(contentsOfFile: root + "/pyvenv.cfg", encoding: .utf8) else { return [] }
        var prefixes: [String] = []
        for line in config.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            // Only a folder that holds a Python: `home` could name any host folder.
            if parts.count == 2, parts[0] == "home", parts[1].hasPrefix("/"),
               ["python3", "python"].contains(where: { access(parts[1] + "/" + $0, X_OK) == 0 }) {
                prefixes.append(prefix(ofBin: parts[1]))
            }
        }
        for name in ["python", "python3"] {
            guard let target = realPath(root + "/bin/" + name), !target.hasPrefix(root + "/") else { continue }
            prefixes.append(prefix(ofBin: (target as NSString).deletingLastPathComponent))
        }
        var result: [String] = []
        for prefix in prefixes where prefix != "/" && access(prefix, F_OK) == 0 {
            let all = covered + [root] + result
            if !all.contains(where: { prefix == $0 || prefix.hasPrefix($0.hasSuffix("/") ? $0 : $0 + "/") }) {
                result.append(prefix)
            }
        }
        return result
    }

    /// The folder above a `bin` folder (where the standard library is), else the folder itself.
    static func prefix(ofBin folder: String) -> String {
        let url = URL(fileURLWithPath: folder).standardizedFileURL
        return url.lastPathComponent == "bin" ? url.deletingLastPathComponent().path : url.path
    }

    /// The path with every link resolved, or nil when it does not resolve.
    static func realPath(_ path: String) -> String? {
        guard let resolved = Glibc.realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
