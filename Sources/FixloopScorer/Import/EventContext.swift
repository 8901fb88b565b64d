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
    /// Whether the property named by the raw (unescaped) bytes `name` belongs to the context.
    static func contains(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        table.contains(name) || hasContextPrefix(name)
    }

    /// Whether `name` starts with one of the ``prefixes``.
    static func hasContextPrefix(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        guard name.count > 7, name[0] == UInt8(ascii: "$") else { return false }
        // The prefixes differ in their second byte.
        let prefix: StaticString
        switch name[1] {
        case UInt8(ascii: "s"): prefix = "$session_entry_"
        case UInt8(ascii: "i"): prefix = "$initial_"
        case UInt8(ascii: "g"): prefix = "$geoip_"
        case UInt8(ascii: "f"): prefix = "$feature/"
        default: return false
        }
        let count = prefix.utf8CodeUnitCount
        return name.count > count && memcmp(name.baseAddress!, prefix.utf8Start, count) == 0
    }

    /// A hash of a context's bytes, for the importer and the store to recognize a context they have just seen.
    /// Not persisted and not trusted alone: both compare the bytes as well.
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 { StableHash.wide(bytes) }
}

/// A fixed set of short names looked up by their bytes without building a `String`: open addressing over
/// length and two bytes, then a byte comparison. The table lives in memory allocated once and never freed, so a
/// look-up (tens of millions in an import) touches no reference count.
struct NameTable: @unchecked Sendable {
    private let storage: UnsafeMutableBufferPointer<UInt8>
    /// Per slot: offset into `storage` shifted left by 16, the name's index shifted left by 8, plus its length;
    /// -1 when empty.
    private let slots: UnsafeMutableBufferPointer<Int>
    private static let slotCount = 256

    init(names: [String]) {
        precondition(names.count < 256)
        let bytes = names.map { Array($0.utf8) }
        storage = .allocate(capacity: max(1, bytes.reduce(0) { $0 + $1.count }))
        slots = .allocate(capacity: Self.slotCount)
        slots.initialize(repeating: -1)
        var offset = 0
        for (index, name) in bytes.enumerated() {
            precondition(!name.isEmpty && name.count < 256)
            var slot = Self.slot(count: name.count, second: name[min(1, name.count - 1)], last: name[name.count - 1])
            while slots[slot] != -1 { slot = (slot + 1) & (Self.slotCount - 1) }
            slots[slot] = offset << 16 | index << 8 | name.count
            for (position, byte) in name.enumerated() { storage[offset + position] = byte }
            offset += name.count
        }
    }

    private static func slot(count: Int, second: UInt8, last: UInt8) -> Int {
        (count &* 31 &+ Int(second) &* 7 &+ Int(last)) & (slotCount - 1)
    }

    /// The index in `names` of the name written as `name`, if it is one of them.
    func index(of name: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let start = name.baseAddress, name.count < 256 else { return nil }
        var slot = Self.slot(count: name.count, second: name[min(1, name.count - 1)], last: name[name.count - 1])
        while true {
            let entry = slots[slot]
            if entry == -1 { return nil }
            if entry & 0xFF == name.count, Self.equal(storage.baseAddress! + (entry >> 16), start, name.count) {
                return (entry >> 8) & 0xFF
            }
            slot = (slot + 1) & (Self.slotCount - 1)
        }
    }

    func contains(_ name: UnsafeBufferPointer<UInt8>) -> Bool { index(of: name) != nil }

    /// Compares short names eight bytes at a time, without a call into the C library.
    @inline(__always)
    private static func equal(_ left: UnsafePointer<UInt8>, _ right: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        var offset = 0
        while offset + 8 <= count {
            if UnsafeRawPointer(left).loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                != UnsafeRawPointer(right).loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            {
                return false
            }
            offset += 8
        }
        while offset < count {
            if left[offset] != right[offset] { return false }
            offset += 1
        }
        return true
    }
}
