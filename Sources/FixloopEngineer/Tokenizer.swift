import Foundation

/// Splits code and prose into lowercase words: identifiers are broken at `_`, `-` and camelCase humps,
/// and the whole identifier is kept too.
enum Tokenizer {
    private static let stopwords: Set<String> = [
        "the", "a", "an", "and", "or", "of", "to", "in", "is", "it", "on", "for", "with", "when", "this", "that",
        "be", "are", "was", "not", "but", "as", "at", "by", "from", "if", "i", "we", "you", "my", "our", "should",
        "self", "return", "def", "let", "var", "func", "import", "true", "false", "none", "nil", "null",
    ]

    static func words(in text: String) -> [String] {
        var result: [String] = []
        var current = ""
        func flush() {
            guard current.count >= 2 else { current = ""; return }
            let lower = current.lowercased()
            if !stopwords.contains(lower) { result.append(lower) }
            let parts = splitIdentifier(current)
            if parts.count > 1 {
                result += parts.map { $0.lowercased() }.filter { $0.count >= 2 && !stopwords.contains($0) }
            }
            current = ""
        }
        for character in text {
            if character.isLetter || character.isNumber || character == "_" { current.append(character) } else { flush() }
        }
        flush()
        return result
    }

    private static func splitIdentifier(_ identifier: String) -> [String] {
        var parts: [String] = []
        var current = ""
        var previousLower = false
        for character in identifier {
            if character == "_" || character == "-" {
                if !current.isEmpty { parts.append(current) }
                current = ""
                previousLower = false
                continue
            }
            if character.isUppercase && previousLower {
                parts.append(current)
                current = ""
            }
            current.append(character)
            previousLower = character.isLowercase || character.isNumber
        }
        if !current.isEmpty { parts.append(current) }
        return parts
    }
}

/// Okapi BM25 over tokenized documents.
struct BM25 {
    private let documents: [String: [String: Int]]
    private let lengths: [String: Int]
    private let documentFrequency: [String: Int]
    private let averageLength: Double
    private let k1 = 1.2, b = 0.75

    init(documents: [String: [String]]) {
        var frequencies: [String: [String: Int]] = [:]
        var lengths: [String: Int] = [:]
        var documentFrequency: [String: Int] = [:]
        for (name, words) in documents {
            var counts: [String: Int] = [:]
            for word in words { counts[word, default: 0] += 1 }
            frequencies[name] = counts
            lengths[name] = words.count
            for word in counts.keys { documentFrequency[word, default: 0] += 1 }
        }
        self.documents = frequencies
        self.lengths = lengths
        self.documentFrequency = documentFrequency
        averageLength = documents.isEmpty ? 1 : Double(lengths.values.reduce(0, +)) / Double(documents.count)
    }

    func scores(for query: [String]) -> [String: Double] {
        let count = Double(documents.count)
        var scores: [String: Double] = [:]
        for word in Set(query) {
            guard let frequency = documentFrequency[word] else { continue }
            let idf = log(1 + (count - Double(frequency) + 0.5) / (Double(frequency) + 0.5))
            for (name, counts) in documents {
                guard let termFrequency = counts[word] else { continue }
                let length = Double(lengths[name] ?? 0)
                let tf = Double(termFrequency)
                scores[name, default: 0] += idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * length / max(averageLength, 1)))
            }
        }
        return scores
    }
}

/// Names a file defines: functions, classes, types — the repository map's entries.
enum SymbolExtractor {
    private static let pattern = #"(?m)^\s*(?:export\s+)?(?:public\s+|private\s+|internal\s+|open\s+|static\s+|async\s+|final\s+)*(?:def|class|func|struct|enum|protocol|actor|extension|function|fn|interface|type)\s+(?<name>[A-Za-z_][A-Za-z0-9_]*)"#

    static func symbols(in text: String) -> [String] {
        guard let regex = try? Regex(pattern) else { return [] }
        var seen = Set<String>()
        return text.matches(of: regex).compactMap { $0.output["name"]?.substring.map(String.init) }.filter { seen.insert($0).inserted }
    }
}
