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

    /// Whether `name` starts with a prefix of session-wide properties: `$session_entry_` (where the session
    /// started), `$initial_` (the person's first visit), `$geoip_`, or `$feature/` (the feature flags in force).
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
}

/// The contexts the importer cut lately, by a hash of their bytes: an event whose context equals a recent one
/// shares its bytes instead of a copy of its own. A session's events (and often many sessions) have one context.
struct ContextInterner {
    private var recent: RecentContexts
    private var scratch: [UInt8] = []
    private var spanStorage: [(range: Range<Int>, context: Bool)] = []

    /// Remembers up to `limit` contexts.
    init(limit: Int = 4_096) {
        recent = RecentContexts(limit: limit)
        spanStorage.reserveCapacity(64)
    }

    /// Empty storage for an object's member spans, with the capacity the last object needed.
    mutating func lendSpans() -> [(range: Range<Int>, context: Bool)] {
        var storage: [(range: Range<Int>, context: Bool)] = []
        swap(&storage, &spanStorage)
        return storage
    }

    /// Takes the spans' storage back for the next object.
    mutating func takeBack(_ spans: MemberSpans) {
        spanStorage = spans.spans
        spanStorage.removeAll(keepingCapacity: true)
    }

    /// Writes a context with `write` (into room for at least `capacity` bytes; it returns the count) and
    /// returns it, or the equal one seen lately, with its hash.
    mutating func intern(
        capacity: Int, _ write: (UnsafeMutableBufferPointer<UInt8>) -> Int
    ) -> (bytes: [UInt8], hash: UInt64) {
        if scratch.count < capacity + 1 { scratch = [UInt8](repeating: 0, count: max(capacity + 1, 2 * scratch.count)) }
        let count = scratch.withUnsafeMutableBufferPointer { write($0) }
        return scratch.withUnsafeBufferPointer { scratch in
            let written = UnsafeBufferPointer(rebasing: scratch[..<count])
            let hash = StableHash.wide(written)
            if let known = recent.find(written, hash: hash) { return (known.bytes, hash) }
            let bytes = Array(written)
            recent.remember(bytes, hash: hash)
            return (bytes, hash)
        }
    }
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
