import TOMLKit

/// One TOML table of a policy file that remembers which keys were read, so unknown keys are refused.
struct PolicyTable {
    let file: String
    let prefix: String
    let table: TOMLTable
    private var used: Set<String> = []

    init(file: String, prefix: String, table: TOMLTable) {
        self.file = file
        self.prefix = prefix
        self.table = table
    }

    private func dotted(_ key: String) -> String { prefix.isEmpty ? key : "\(prefix).\(key)" }

    private func wrongType(_ key: String, _ expected: String) -> SandboxError {
        .policyInvalid(file: file, key: dotted(key), detail: "must be \(expected)")
    }

    mutating func bool(_ key: String) throws -> Bool? {
        used.insert(key)
        guard let value = table[key] else { return nil }
        guard let flag = value.bool else { throw wrongType(key, "true or false") }
        return flag
    }

    mutating func string(_ key: String) throws -> String? {
        used.insert(key)
        guard let value = table[key] else { return nil }
        guard let text = value.string else { throw wrongType(key, "a string") }
        return text
    }

    mutating func int(_ key: String, range: ClosedRange<Int>) throws -> Int? {
        used.insert(key)
        guard let value = table[key] else { return nil }
        guard let number = value.int else { throw wrongType(key, "an integer") }
        guard range.contains(number) else {
            throw SandboxError.policyInvalid(
                file: file, key: dotted(key),
                detail: "is \(number) but must be between \(range.lowerBound) and \(range.upperBound)")
        }
        return number
    }

    mutating func double(_ key: String) throws -> Double? {
        used.insert(key)
        guard let value = table[key] else { return nil }
        if let number = value.double { return number }
        if let number = value.int { return Double(number) }
        throw wrongType(key, "a number")
    }

    mutating func strings(_ key: String) throws -> [String]? {
        used.insert(key)
        guard let value = table[key] else { return nil }
        guard let array = value.array else { throw wrongType(key, "an array of strings") }
        return try array.map { element in
            guard let text = element.string else { throw wrongType(key, "an array of strings") }
            return text
        }
    }

    /// A table of string values (such as `[environment.set]`).
    mutating func stringTable(_ key: String) throws -> [String: String]? {
        used.insert(key)
        guard let value = table[key] else { return nil }
        guard let inner = value.table else { throw wrongType(key, "a table of strings") }
        var result: [String: String] = [:]
        for name in inner.keys {
            guard let text = inner[name]?.string else { throw wrongType("\(key).\(name)", "a string") }
            result[name] = text
        }
        return result
    }

    mutating func section(_ key: String) throws -> PolicyTable {
        used.insert(key)
        guard let value = table[key] else { return PolicyTable(file: file, prefix: dotted(key), table: TOMLTable()) }
        guard let inner = value.table else { throw wrongType(key, "a table") }
        return PolicyTable(file: file, prefix: dotted(key), table: inner)
    }

    /// Refuses the first key present but never read.
    func finish() throws {
        if let unknown = table.keys.sorted().first(where: { !used.contains($0) }) {
            throw SandboxError.policyInvalid(
                file: file, key: dotted(unknown), detail: "is not a known key (check docs/sandbox.md)")
        }
    }
}
