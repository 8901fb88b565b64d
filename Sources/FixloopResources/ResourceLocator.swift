import Foundation

/// Finds the files Fixloop ships beside its binary: prompts, sandbox policies, the price list, the examples and the
/// `VERSION` file. The one place that knows where they are.
///
/// Roots are searched in order: the installed layout next to the running executable's real path (`bin/fixloop` →
/// `share/fixloop/`, what `scripts/package` writes, wherever the tarball was unpacked), then the source checkout the
/// binary was built from (development builds and tests). The current directory is never searched.
public struct ResourceLocator: Sendable {
    /// A shipped resource, by its folder under a root.
    public enum Resource: String, Sendable, CaseIterable {
        /// `prompts/`: the Mustache templates.
        case prompts
        /// `sandbox/`: the bundled sandbox policies.
        case sandboxPolicies = "sandbox"
        /// `prices/`: `prices.toml`, the dated list prices.
        case prices
        /// `examples/`: what `fixloop demo` runs on.
        case examples
    }

    /// The roots searched in order.
    public let roots: [URL]
    /// The folder of the running executable (after links), where `fixloop-sandbox-exec` sits beside `fixloop`.
    public let executableFolder: URL?

    /// A locator over the given roots.
    /// - Parameters:
    ///   - roots: folders holding `prompts/`, `sandbox/`, `prices/`, `examples/`, searched in order.
    ///   - executableFolder: the folder of the running executable.
    public init(roots: [URL], executableFolder: URL?) {
        self.roots = roots
        self.executableFolder = executableFolder
    }

    /// The running process's locator: `<executable's real folder>/../share/fixloop`, then the source checkout.
    public static let standard: ResourceLocator = {
        let folder = runningExecutable()?.deletingLastPathComponent()
        let installed = folder?.deletingLastPathComponent().appendingPathComponent("share/fixloop", isDirectory: true)
        return ResourceLocator(roots: [installed, sourceTree].compactMap { $0 }, executableFolder: folder)
    }()

    /// The checkout this file was compiled in (`Sources/FixloopResources/ResourceLocator.swift` → the root).
    public static let sourceTree = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The running executable's real path (`/proc/self/exe`), or nil when it cannot be read.
    public static func runningExecutable() -> URL? {
        guard let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else { return nil }
        return URL(fileURLWithPath: path).resolvingSymlinksInPath()
    }

    /// The first root that holds `resource`, joined with it; nil when no root does.
    public func url(_ resource: Resource) -> URL? {
        roots.lazy.map { $0.appendingPathComponent(resource.rawValue, isDirectory: true) }
            .first { FileManager.default.fileExists(atPath: $0.path) }
    }

    /// The root the prompts come from: where this binary's resources are, for `--version` and messages.
    public var root: URL? { url(.prompts)?.deletingLastPathComponent() }

    /// An executable named `name` beside the running one, or nil when it is not there.
    public func executableBeside(named name: String) -> URL? {
        guard let candidate = executableFolder?.appendingPathComponent(name) else { return nil }
        return FileManager.default.isExecutableFile(atPath: candidate.path) ? candidate : nil
    }
}
