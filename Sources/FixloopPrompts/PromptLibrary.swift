import FixloopCore
import FixloopResources
import Foundation
import Mustache

/// A prompt's typed context: the template it fills and the values it may use.
public protocol PromptContext: Encodable, Sendable {
    /// The template's path under `prompts/` without the extension, e.g. `engineer/system`.
    static var templateName: String { get }
}

/// A rendered prompt and what identifies its template.
public struct RenderedPrompt: Sendable, Equatable {
    public let text: String
    /// The template's name.
    public let template: String
    /// A stable hash of the template's text: stored with every grade or run so results can be tied to a version.
    public let templateHash: String
    /// True when the template came from the user's override folder.
    public let overridden: Bool
}

/// Loads Mustache templates from the user's override folder first, then from the bundled `prompts/` folder,
/// and renders them strictly: a name the template uses that the context does not have is an error, not a blank.
///
/// Templates render as plain text (no HTML escaping) unless they declare `{{% CONTENT_TYPE: HTML}}`.
public struct PromptLibrary: Sendable {
    /// Folders searched in order.
    public let folders: [URL]

    /// - Parameter overrides: the user's folder of templates (`prompts_dir` in fixloop.toml), searched first.
    public init(overrides: URL? = nil) {
        folders = [overrides, ResourceLocator.standard.url(.prompts)].compactMap { $0 }
    }

    /// Renders the template of `context`'s type.
    /// - Throws: ``PromptError`` when the template is missing, does not parse, or uses names the context lacks.
    public func render<Context: PromptContext>(_ context: Context) throws -> RenderedPrompt {
        let name = Context.templateName
        guard let (url, overridden) = locate(name) else {
            throw PromptError(code: "prompt.missing", message: "The prompt template '\(name).mustache' was not found in \(folders.map(\.path).joined(separator: " or ")); reinstall Fixloop or fix prompts_dir.")
        }
        let source = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        let text = source.contains("{{% CONTENT_TYPE") ? source : "{{% CONTENT_TYPE: TEXT}}" + source
        let template: MustacheTemplate
        do {
            template = try MustacheTemplate(string: text)
        } catch {
            throw PromptError(code: "prompt.malformed", message: "The prompt template \(url.path) does not parse (\(error)); fix its Mustache syntax.")
        }
        let recorder = LookupRecorder()
        let root = try PromptValue.tree(from: context, recorder: recorder)
        let rendered = template.render(root)
        let missing = recorder.missing
        guard missing.isEmpty else {
            throw PromptError(code: "prompt.missing_key", message: "The prompt template \(url.path) uses \(missing.sorted().joined(separator: ", ")) which \(Context.self) does not provide; fix the template or the context.")
        }
        return RenderedPrompt(text: rendered, template: name, templateHash: Self.hash(source), overridden: overridden)
    }

    /// A model-facing file that is not a template (e.g. `engineer/tools.json`), from the override folder first.
    /// - Parameter file: the path under `prompts/` with its extension.
    /// - Throws: ``PromptError`` when the file is missing or unreadable.
    public func text(of file: String) throws -> String {
        guard let (url, _) = locate(file, extension: "") else {
            throw PromptError(code: "prompt.missing", message: "The prompt file '\(file)' was not found in \(folders.map(\.path).joined(separator: " or ")); reinstall Fixloop or fix prompts_dir.")
        }
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw PromptError(code: "prompt.unreadable", message: "The prompt file \(url.path) cannot be read as UTF-8; fix or remove it.")
        }
        return text
    }

    private func locate(_ name: String, extension suffix: String = ".mustache") -> (URL, Bool)? {
        for (index, folder) in folders.enumerated() {
            let url = folder.appendingPathComponent(name + suffix)
            if FileManager.default.fileExists(atPath: url.path) { return (url, index == 0 && folders.count > 1) }
        }
        return nil
    }

    /// FNV-1a, 64 bits, as 16 hex digits: stable across runs and machines.
    static func hash(_ text: String) -> String {
        var value: UInt64 = 0xcbf29ce484222325
        for byte in text.utf8 {
            value ^= UInt64(byte)
            value = value &* 0x100000001b3
        }
        return String(value, radix: 16).leftPadded(to: 16)
    }
}

/// A template that cannot be rendered.
public struct PromptError: FixloopError {
    public let code: String
    public let message: String

    /// Makes an error; layers that read their own prompt files (tool descriptions) use the same codes.
    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }
}

extension String {
    fileprivate func leftPadded(to length: Int) -> String {
        count >= length ? self : String(repeating: "0", count: length - count) + self
    }
}
