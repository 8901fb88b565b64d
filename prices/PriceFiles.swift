// The top-level prices/ folder is a resource target so the price list ships with the binary, as prompts/ does.
// The list is `prices.toml` beside this file; this file only exposes where it was bundled.
import Foundation

/// Where the bundled price list is.
public enum PriceFiles {
    /// The bundled `prices.toml`, or nil when the bundle was not found.
    public static var priceList: URL? { Bundle.module.resourceURL?.appendingPathComponent("prices.toml") }
}
