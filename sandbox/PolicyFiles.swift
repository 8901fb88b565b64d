// The top-level sandbox/ folder is a resource target so the policies ship with the binary, as prompts/ does.
// Policies are the `.toml` files beside this one; this file only exposes where they were bundled.
import Foundation

/// Where the bundled sandbox policies are.
public enum SandboxPolicyFiles {
    /// The bundle folder that holds `test.toml` and `setup.toml`.
    public static var directory: URL? { Bundle.module.resourceURL }
}
