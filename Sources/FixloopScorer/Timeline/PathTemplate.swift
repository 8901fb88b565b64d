/// Turns URLs and paths into route templates: `/users/123` → `/users/:id`, so sessions compare by route.
///
/// Per segment: digits → `:id`, a UUID → `:uuid`, 16+ hex digits → `:hash`, an email → `:email`, and a token of
/// 20+ characters mixing letters and digits → `:token`. The scheme, host, query and fragment are dropped.
public enum PathTemplate {
    /// The templated path of `urlOrPath`; `/` for an empty one.
    public static func template(_ urlOrPath: String) -> String {
        var path = Substring(urlOrPath)
        if let scheme = path.range(of: "://") {
            path = path[scheme.upperBound...]
            path = path.firstIndex(of: "/").map { path[$0...] } ?? "/"
        }
        if let cut = path.firstIndex(where: { $0 == "?" || $0 == "#" }) { path = path[..<cut] }
        let segments = path.split(separator: "/", omittingEmptySubsequences: true).map(templateSegment)
        return "/" + segments.joined(separator: "/")
    }

    static func templateSegment(_ segment: Substring) -> String {
        if segment.allSatisfy(\.isASCIIDigit) { return ":id" }
        if segment.contains("@") { return ":email" }
        if isUUID(segment) { return ":uuid" }
        if segment.count >= 16, segment.allSatisfy(\.isHexDigit) { return ":hash" }
        if segment.count >= 20, segment.contains(where: \.isASCIIDigit), segment.contains(where: \.isLetter),
            segment.allSatisfy({ $0.isLetter || $0.isASCIIDigit || $0 == "_" || $0 == "-" }) {
            return ":token"
        }
        return String(segment)
    }

    static func isUUID(_ segment: Substring) -> Bool {
        let groups = segment.split(separator: "-", omittingEmptySubsequences: false)
        return groups.map(\.count) == [8, 4, 4, 4, 12] && groups.allSatisfy { $0.allSatisfy(\.isHexDigit) }
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

extension PathTemplate {
    /// The path of a URL with its scheme and host removed, query kept out; `urlOrPath` as is when it has none.
    static func stripOrigin(_ urlOrPath: String) -> String {
        guard let scheme = urlOrPath.range(of: "://") else { return urlOrPath }
        let rest = urlOrPath[scheme.upperBound...]
        guard let slash = rest.firstIndex(of: "/") else { return "/" }
        var path = rest[slash...]
        if let cut = path.firstIndex(where: { $0 == "?" || $0 == "#" }) { path = path[..<cut] }
        return String(path)
    }
}
