/// Mines message templates Drain-style (He et al., 2017): masked messages are grouped by a key (for
/// exceptions the type and frames) and their token count, and a message joins the group's most similar template
/// when the share of equal tokens reaches ``similarity``; positions that differ become `<*>`.
///
/// Masking already turns values into placeholders; Drain catches what masks miss (names, words that vary).
public struct DrainMiner: Sendable {
    /// The share of positions that must be equal for a message to join a template.
    public var similarity: Double

    struct Cluster {
        var tokens: [Substring]
    }

    private var groups: [String: [Cluster]] = [:]

    public init(similarity: Double = 0.6) { self.similarity = similarity }

    /// Adds a masked message under `key`.
    public mutating func add(_ message: String, key: String) {
        let tokens = message.split(separator: " ")
        let groupKey = "\(key)\u{1F}\(tokens.count)\u{1F}\(tokens.first ?? "")"
        var clusters = groups[groupKey] ?? []
        if let index = bestMatch(tokens, in: clusters) {
            clusters[index].tokens = zip(clusters[index].tokens, tokens).map { $0 == $1 ? $0 : "<*>" }
        } else {
            clusters.append(Cluster(tokens: tokens))
        }
        groups[groupKey] = clusters
    }

    /// The template `message` ends up in after every message was added (the message itself if it was never added).
    public func template(for message: String, key: String) -> String {
        let tokens = message.split(separator: " ")
        let groupKey = "\(key)\u{1F}\(tokens.count)\u{1F}\(tokens.first ?? "")"
        let clusters = groups[groupKey] ?? []
        guard let index = bestMatch(tokens, in: clusters) else { return message }
        return clusters[index].tokens.joined(separator: " ")
    }

    private func bestMatch(_ tokens: [Substring], in clusters: [Cluster]) -> Int? {
        guard !tokens.isEmpty else { return clusters.isEmpty ? nil : 0 }
        var best: (index: Int, score: Double)?
        for (index, cluster) in clusters.enumerated() {
            let equal = zip(cluster.tokens, tokens).filter { $0 == $1 || $0 == "<*>" }.count
            let score = Double(equal) / Double(tokens.count)
            if score >= similarity, score > (best?.score ?? -1) { best = (index, score) }
        }
        return best?.index
    }
}
