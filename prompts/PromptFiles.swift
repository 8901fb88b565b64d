// The top-level prompts/ folder is a resource target so the templates ship with the binary.
// Templates are `.mustache` files; this file only exposes where they were bundled.
import Foundation

/// Where the bundled templates are.
public enum PromptFiles {
    /// The bundle folder that holds `engineer/`, `scorer/` and `planner/`.
    public static var directory: URL? { Bundle.module.resourceURL }
}
