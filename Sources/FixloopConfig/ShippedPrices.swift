import FixloopCore
import FixloopResources
import Foundation

/// The price list that ships with Fixloop (`prices/prices.toml`, bundled as a resource): dated list prices from
/// the providers' pages. `[prices]` in `fixloop.toml` is laid over it.
public enum ShippedPrices {
    /// The shipped table, read once; empty when the bundled file is missing or broken (a test reads it strictly).
    public static let table: PriceTable = (try? load()) ?? PriceTable()

    /// Reads the bundled list strictly.
    /// - Throws: ``ConfigurationError`` when the file is missing, malformed or has unknown keys.
    public static func load() throws -> PriceTable {
        guard let url = ResourceLocator.standard.url(.prices)?.appendingPathComponent("prices.toml") else {
            throw ConfigurationError(kind: .missingFile, file: "prices.toml", key: nil, detail: "the bundled price list was not found")
        }
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw ConfigurationError(kind: .unreadable, file: url.path, key: nil, detail: "\(error)")
        }
        return try parse(toml: text, file: url.path)
    }

    /// Parses a price list: `read` (the date), `sources`, and one `[models."provider:model"]` table per model.
    /// - Throws: ``ConfigurationError`` for malformed TOML, unknown keys and invalid prices.
    public static func parse(toml text: String, file: String) throws -> PriceTable {
        var root = try ConfigSection.parse(toml: text, file: file)
        let date = try root.string("read")
        let sources = try root.strings("sources") ?? []
        var models = try root.section("models")
        var entries: [String: ModelPrice] = [:]
        for key in models.keys {
            var entry = try models.section(key)
            entries[key] = try ModelPrice(reading: &entry)
            try entry.finish()
        }
        try models.finish()
        try root.finish()
        return PriceTable(entries, date: date, sources: sources)
    }
}
