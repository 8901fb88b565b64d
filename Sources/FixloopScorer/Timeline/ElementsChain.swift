/// PostHog's autocapture elements chain, parsed: the clicked element first, then its ancestors.
///
/// The format is `tag.class1.class2:attr__key="value"href="…"nth-child="N"text="…"` per element, elements
/// separated by `;`, quotes inside values backslash-escaped. Attribute order varies across SDK versions, so
/// attributes are read by name.
public struct ElementsChain: Sendable, Hashable {
    /// One element of the chain.
    public struct Element: Sendable, Hashable {
        /// The tag name, such as `button`.
        public var tag: String
        /// The CSS classes.
        public var classes: [String]
        /// Attributes by name (`text`, `href`, `attr__id`, `attr__aria-label`…).
        public var attributes: [String: String]

        /// The element's visible text, if any.
        public var text: String? { attributes["text"].flatMap { $0.isEmpty ? nil : $0 } }
    }

    /// The elements, the clicked one first.
    public var elements: [Element]

    /// Parses `chain`; unparseable pieces are skipped.
    public init(_ chain: String) {
        elements = Self.splitElements(chain).map(Self.parseElement)
    }

    /// The label a person would use for the click: the nearest text, else an aria-label, else the tag with its
    /// id or first class.
    public var label: String? {
        if let text = elements.lazy.compactMap(\.text).first { return text }
        if let aria = elements.first?.attributes["attr__aria-label"], !aria.isEmpty { return aria }
        guard let first = elements.first else { return nil }
        if let id = first.attributes["attr__id"] { return "\(first.tag)#\(id)" }
        if let cls = first.classes.first { return "\(first.tag).\(cls)" }
        return first.tag.isEmpty ? nil : first.tag
    }

    static func splitElements(_ chain: String) -> [Substring] {
        var pieces: [Substring] = []
        var start = chain.startIndex
        var inQuotes = false
        var escaped = false
        var index = chain.startIndex
        while index < chain.endIndex {
            let character = chain[index]
            if escaped {
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "\"" {
                inQuotes.toggle()
            } else if character == ";", !inQuotes {
                pieces.append(chain[start..<index])
                start = chain.index(after: index)
            }
            index = chain.index(after: index)
        }
        pieces.append(chain[start...])
        return pieces.filter { !$0.isEmpty }
    }

    static func parseElement(_ piece: Substring) -> Element {
        // The selector ends at the first ':' followed by an attribute name and '=' (class names may hold ':').
        var selectorEnd = piece.endIndex
        var search = piece.startIndex
        while let colon = piece[search...].firstIndex(of: ":") {
            let after = piece[piece.index(after: colon)...]
            let name = after.prefix { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
            if name.endIndex < after.endIndex, after[name.endIndex] == "=" {
                selectorEnd = colon
                break
            }
            search = piece.index(after: colon)
        }
        let selector = piece[..<selectorEnd].split(separator: ".", omittingEmptySubsequences: true)
        let tag = selector.first.map(String.init) ?? ""
        let classes = selector.dropFirst().map(String.init)
        var attributes: [String: String] = [:]
        var rest = selectorEnd < piece.endIndex ? piece[piece.index(after: selectorEnd)...] : ""
        while let equals = rest.range(of: "=\"") {
            let name = String(rest[..<equals.lowerBound])
            var value = ""
            var index = equals.upperBound
            var escaped = false
            while index < rest.endIndex {
                let character = rest[index]
                if escaped {
                    value.append(character)
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                } else if character == "\"" {
                    break
                } else {
                    value.append(character)
                }
                index = rest.index(after: index)
            }
            attributes[name] = value
            rest = index < rest.endIndex ? rest[rest.index(after: index)...] : ""
        }
        return Element(tag: tag, classes: classes, attributes: attributes)
    }
}
