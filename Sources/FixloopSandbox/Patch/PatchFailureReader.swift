import FixloopCore

/// Reads `git apply` and `patch` messages into a ``PatchFailure`` that names the file and hunk.
enum PatchFailureReader {
    static func failure(from result: SandboxResult, diff: UnifiedDiff) -> PatchFailure {
        failure(output: result.standardError.text + "\n" + result.standardOutput.text, diff: diff)
    }

    static func failure(output: String, diff: UnifiedDiff) -> PatchFailure {
        let lines = output.split(separator: "\n").map(String.init)
        var currentPatchFile: String?
        for line in lines {
            // git apply: "error: patch failed: src/calc.py:12"
            if let rest = line.after("error: patch failed: "), let colon = rest.lastIndex(of: ":") {
                let file = String(rest[..<colon])
                let start = Int(rest[rest.index(after: colon)...]) ?? 0
                return PatchFailure(
                    reason: "conflict", file: file, hunk: diff.hunkNumber(file: file, oldStart: start),
                    detail: "the hunk starting at line \(start) does not match the file")
            }
            if let rest = line.after("error: affected file '") {
                let file = String(rest.prefix(while: { $0 != "'" }))
                return PatchFailure(reason: "refused", file: file, detail: "the file is beyond a symbolic link")
            }
            if let rest = line.after("patching file ") { currentPatchFile = rest.trimmingQuotes() }
            // patch: "Hunk #2 FAILED at 30."
            if let rest = line.after("Hunk #"), line.contains(" FAILED") {
                let number = Int(rest.prefix(while: \.isNumber))
                return PatchFailure(reason: "conflict", file: currentPatchFile, hunk: number, detail: line)
            }
        }
        for line in lines {
            if let rest = line.after("error: "), let colon = rest.range(of: ": ") {
                let file = String(rest[..<colon.lowerBound])
                let detail = String(rest[colon.upperBound...])
                let reason = detail.contains("No such file") || detail.contains("does not exist in index")
                    ? "missing_file" : "conflict"
                if !file.contains(" ") { return PatchFailure(reason: reason, file: file, detail: detail) }
            }
            if line.contains("corrupt patch") || line.contains("No valid patches") || line.contains("malformed") {
                return PatchFailure(reason: "malformed", detail: line)
            }
            if line.contains("can't find file to patch") {
                return PatchFailure(reason: "missing_file", detail: line)
            }
        }
        let first = lines.first ?? "the applier gave no reason"
        return PatchFailure(reason: "conflict", detail: first)
    }
}

extension String {
    fileprivate func after(_ prefix: String) -> Substring? {
        hasPrefix(prefix) ? dropFirst(prefix.count) : nil
    }
}

extension Substring {
    fileprivate func trimmingQuotes() -> String {
        var text = String(self)
        if text.hasPrefix("'") || text.hasPrefix("\"") { text.removeFirst() }
        if text.hasSuffix("'") || text.hasSuffix("\"") { text.removeLast() }
        return text
    }
}
