import ArgumentParser
import FixloopCore
import Foundation

/// `fixloop init`: writes a commented `fixloop.toml` where commands will find it, or with `--repo PATH` a
/// repository's `.fixloop.toml` guessed from its files. Never overwrites a file without `--force`.
struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a commented fixloop.toml, or .fixloop.toml with --repo.",
        discussion: """
            fixloop.toml goes where commands look for it: the --config path, else $FIXLOOP_CONFIG, else ./fixloop.toml. \
            Every table is written with the built-in defaults. With --repo PATH, PATH/.fixloop.toml is written instead, \
            with the set-up and test commands guessed from the repository (pytest, swift test, go test, cargo test, npm test).
            """)

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: ArgumentHelp("Write the repository's .fixloop.toml instead, guessed from its files.", valueName: "path"))
    var repo: String?

    @Flag(name: .long, help: "Overwrite a file that is already there.")
    var force = false

    @Flag(name: .long, help: "Print the file instead of writing it.")
    var stdout = false

    func run() async throws {
        let io = CommandIO.current
        let environment = io.environment ?? ProcessInfo.processInfo.environment
        let current = FileManager.default.currentDirectoryPath
        let text: String
        let path: String
        if let repo {
            let folder = Self.absolute(repo, in: current)
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
                throw CommandError(code: "init.no_repository", message: "The repository folder \(folder) does not exist; give --repo the path of a checkout.")
            }
            text = RepositoryTemplate.render(for: URL(fileURLWithPath: folder, isDirectory: true))
            path = (folder as NSString).appendingPathComponent(".fixloop.toml")
        } else {
            text = ConfigTemplate.render()
            let named = global.config ?? environment["FIXLOOP_CONFIG"].flatMap { $0.isEmpty ? nil : $0 }
            path = Self.absolute(named ?? "fixloop.toml", in: current)
        }
        if stdout {
            io.write(text)
            return
        }
        try Self.write(text, to: path, force: force)
        io.write("wrote \(path)\n")
        io.write(repo == nil ? "next: fixloop doctor\n" : "next: check the commands in it, then commit it to the repository\n")
    }

    static func absolute(_ path: String, in current: String) -> String {
        ((path.hasPrefix("/") ? path : (current as NSString).appendingPathComponent(path)) as NSString).standardizingPath
    }

    /// Writes `text` to `path`, refusing an existing file unless `force`.
    /// - Throws: ``CommandError`` `init.exists` (exit 2) or `init.cannot_write`.
    static func write(_ text: String, to path: String, force: Bool) throws {
        if !force, FileManager.default.fileExists(atPath: path) {
            throw CommandError(code: "init.exists", message: "\(path) already exists; pass --force to overwrite it, or move it away first.")
        }
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw CommandError(code: "init.cannot_write", message: "\(path) cannot be written (\(error.localizedDescription)); check that its folder exists and is writable.")
        }
    }
}
