import FixloopResources
import Foundation

/// Finds `fixloop-sandbox-exec`, which is built (and packaged) beside the `fixloop` binary, and beside the test bundle.
public enum SandboxHelper {
    /// The helper's file name.
    public static let name = "fixloop-sandbox-exec"

    /// The helper next to the running executable, or nil when it is not there.
    public static func defaultPath() -> String? {
        ResourceLocator.standard.executableBeside(named: name)?.path
    }
}
