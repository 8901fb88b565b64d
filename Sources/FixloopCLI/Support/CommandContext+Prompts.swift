import FixloopPrompts
import Foundation

extension CommandContext {
    /// The prompt templates every command renders: `prompts_dir` from `fixloop.toml` first, then the bundled
    /// `prompts/`. The one place a command's ``PromptLibrary`` is made, so an override reaches every template.
    var prompts: PromptLibrary {
        PromptLibrary(overrides: configuration.promptsDirectory.map { URL(fileURLWithPath: $0, isDirectory: true) })
    }
}
