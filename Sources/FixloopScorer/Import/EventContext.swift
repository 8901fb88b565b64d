import Foundation

/// The part of an event's properties that PostHog's SDKs repeat on every event of a session: the browser, device,
/// library, screen, time zone, referrer, session entry and GeoIP properties. About two thirds of a posthog-js
/// event's bytes; the store keeps each distinct set once and the event only what is its own.
///
/// Which properties count is a fixed list (names, and a few prefixes), not a guess from the data, so one event
/// always splits the same way. A property that is not on the list stays with the event, so an unknown SDK's
/// events are stored whole, as before.
enum EventContext {
    /// Property names that posthog-js, the mobile SDKs and posthog-python attach to every event of a session.
    static let names: [String] = [
        "$os", "$os_name", "$os_version", "$browser", "$browser_version", "$browser_language",
        "$browser_language_prefix", "$device", "$device_type", "$device_id", "$device_manufacturer", "$device_model",
        "$device_name", "$raw_user_agent", "$screen_height", "$screen_width", "$screen_density", "$viewport_height",
        "$viewport_width", "$timezone", "$timezone_offset", "$locale", "$lib", "$lib_version",
        "$lib_custom_api_host", "$is_identified", "$process_person_profile", "$configured_session_timeout_ms",
        "$host", "$referrer", "$referring_domain", "$search_engine", "$session_id", "$window_id", "distinct_id",
        "token", "$app_name", "$app_version", "$app_build", "$app_namespace", "$network_wifi", "$network_carrier",
        "$network_cellular", "$is_emulator", "$active_feature_flags", "$python_runtime", "$python_version",
        "$geoip_disable", "$ip",
    ]

    /// Name prefixes of session-wide properties: where the session started, the person's first visit, GeoIP, and
    /// the feature flags in force.
    static let prefixes: [String] = ["$session_entry_", "$initial_", "$geoip_", "$feature/"]

    private static let table = NameTable(names: names)
    private static let prefixBytes: [[UInt8]] = prefixes.map { Array($0.utf8) }

    /// Whether the property named by the raw (unescaped) bytes `name` belongs to the context.
    static func contains(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        if table.contains(name) { return true }
        guard name.count > 5, name[0] == UInt8(ascii: "$") else { return false }
        for prefix in prefixBytes where name.count > prefix.count && name.starts(with: prefix) { return true }
        return false
    }

    /// A hash of a context's bytes, for the store to recognize a context it has just written. Not persisted and
    /// not trusted alone: the store compares the bytes as well.
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
        guard let base = bytes.baseAddress else { return hash }
        var offset = 0
        while offset + 8 <= bytes.count {
            let word = UnsafeRawPointer(base + offset).loadUnaligned(as: UInt64.self)
            hash = (hash ^ word) &* 0xFF51_AFD7_ED55_8CCD
            hash ^= hash >> 32
            offset += 8
        }
        while offset < bytes.count {
            hash = (hash ^ UInt64(bytes[offset])) &* 0x0000_0100_0000_01B3
            offset += 1
        }
        hash ^= hash >> 33
        hash &*= 0xC4CE_B9FE_1A85_EC53
        hash ^= hash >> 33
        return hash
    }
}

/// A fixed set of short names looked up by their bytes without building a `String`: open addressing over
/// length and two bytes, then a byte comparison.
private struct NameTable: Sendable {
    private let storage: [UInt8]
    /// Per slot: offset into `storage` shifted left by 8, plus the length; -1 when empty.
    private let slots: [Int]
    private static let slotCount = 256

    init(names: [String]) {
        var storage: [UInt8] = []
        var slots = [Int](repeating: -1, count: Self.slotCount)
        for name in names {
            let bytes = Array(name.utf8)
            precondition(!bytes.isEmpty && bytes.count < 256)
            var slot = Self.slot(count: bytes.count, second: bytes[min(1, bytes.count - 1)], last: bytes[bytes.count - 1])
            while slots[slot] != -1 { slot = (slot + 1) % Self.slotCount }
            slots[slot] = storage.count << 8 | bytes.count
            storage.append(contentsOf: bytes)
        }
        self.storage = storage
        self.slots = slots
    }

    private static func slot(count: Int, second: UInt8, last: UInt8) -> Int {
        (count &* 31 &+ Int(second) &* 7 &+ Int(last)) & (slotCount - 1)
    }

    func contains(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !name.isEmpty, name.count < 256 else { return false }
        var slot = Self.slot(count: name.count, second: name[min(1, name.count - 1)], last: name[name.count - 1])
        return storage.withUnsafeBufferPointer { storage in
            slots.withUnsafeBufferPointer { slots in
                while true {
                    let entry = slots[slot]
                    if entry == -1 { return false }
                    if entry & 0xFF == name.count,
                        memcmp(storage.baseAddress! + (entry >> 8), name.baseAddress!, name.count) == 0
                    {
                        return true
                    }
                    slot = (slot + 1) & (Self.slotCount - 1)
                }
            }
        }
    }
}
