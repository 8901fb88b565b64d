import Foundation

/// Finds `fixloop-sandbox-exec`, which is built beside the `fixloop` binary (and beside the test bundle).
public enum SandboxHelper {
    /// The helper's file name.
    public static let name = "fixloop-sandbox-exec"

    /// The helper next to the running executable, or nil when it is not there.
    public static func defaultPath() -> String? {
        guard let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else {
            return nil
        }
        let candidate = URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent(name).path
        return FileManager.default.isExecutableFile(atPath: candidate) ? candidate : nil
    }
}
