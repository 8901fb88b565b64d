import Foundation

/// Writes a realistic PostHog JSON-lines export: seeded, so the same options give the same bytes.
///
/// Sessions follow the ``SessionArchetype`` mix against the example shop in `examples/product-context.md`:
/// page views with `$prev_pageview_duration`, `$pageleave`, autocapture clicks with an elements chain, web
/// vitals, dead and rage clicks, `$exception_list` exceptions, product milestones and flag-call noise, each
/// carrying the browser properties posthog-js sends. Used by tests and by `fixloop bench ingest`.
public struct PostHogExportGenerator: Sendable {
    /// What to generate.
    public struct Options: Sendable, Hashable {
        /// The seed; equal seeds give equal output.
        public var seed: UInt64 = 1
        /// Sessions to write (ignored once `maximumEvents` is reached).
        public var sessions: Int = 100
        /// Stop after this many event lines, duplicates included; `nil` for no limit.
        public var maximumEvents: Int?
        /// The earliest session start.
        public var start: Date = Date(timeIntervalSince1970: 1_748_736_000)  // 2025-06-01T00:00:00Z
        /// Session starts are spread over this many days.
        public var days: Int = 14
        /// Distinct users the sessions are spread over.
        public var users: Int = 40
        /// Chance that an event line is written twice (a re-delivered batch).
        public var duplicateRate: Double = 0
        /// Chance that a session's events carry no `$session_id` (a server SDK).
        public var sessionlessRate: Double = 0

        /// Exactly this many sessions of each archetype, in a seeded order, instead of drawing `sessions` from the
        /// weighted mix.
        public var counts: [SessionArchetype: Int]?

        /// The defaults: 100 sessions, 40 users, 14 days, no duplicates.
        public init() {}

        /// The bundled demo week (`examples/analytics/demo-week.jsonl.gz`): 320 sessions of 150 users over seven
        /// days from Monday 2025-06-02; 41 hit the example shop's planted discount bug and leave, 2 its empty-cart
        /// edge case, 18 are the wrong audience, the rest buy, browse or bounce.
        public static var demoWeek: Options {
            var options = Options()
            options.seed = 2025
            options.start = Date(timeIntervalSince1970: 1_748_822_400)  // 2025-06-02T00:00:00Z
            options.days = 7
            options.users = 150
            options.counts = [.purchase: 130, .browse: 84, .bounce: 45, .discountError: 41, .emptyCartError: 2,
                              .wrongAudience: 18]
            options.sessions = options.counts!.values.reduce(0, +)
            return options
        }

        /// The bundled demo's second week (`examples/analytics/demo-week-two.jsonl.gz`): the same shop the week after,
        /// from Monday 2025-06-09, once the discount fix was deployed — the planted bug gone (its customers now pay
        /// with their codes), a different seed and slightly different counts, and fewer sessions to keep the demo
        /// short: 160 sessions of 90 users, 1 hits the empty-cart edge case.
        public static var demoWeekTwo: Options {
            var options = Options()
            options.seed = 2026
            options.start = Date(timeIntervalSince1970: 1_749_427_200)  // 2025-06-09T00:00:00Z
            options.days = 7
            options.users = 90
            options.counts = [.purchase: 58, .discountPurchase: 22, .browse: 44, .bounce: 25, .emptyCartError: 1,
                              .wrongAudience: 10]
            options.sessions = options.counts!.values.reduce(0, +)
            return options
        }
    }

    /// The options in force.
    public var options: Options

    /// Creates a generator.
    public init(options: Options = Options()) { self.options = options }

    /// Generates the export, handing each JSON line (without its newline) to `emit`.
    /// - Returns: What was written per session.
    public func generate(_ emit: (String) throws -> Void) rethrows -> [GeneratedSession] {
        var random = SplitMix64(seed: options.seed)
        var manifest: [GeneratedSession] = []
        var written = 0
        let span = Double(max(1, options.days)) * 86_400
        // Session starts in time order, so the export reads like a real batch export.
        var fixed = Self.fixedArchetypes(options.counts, random: &random)
        let sessions = options.counts == nil ? options.sessions : fixed.count
        var starts = (0..<sessions).map { _ in random.unit() * span }
        starts.sort()
        for offset in starts {
            if let limit = options.maximumEvents, written >= limit { break }
            let archetype = fixed.popLast() ?? Self.drawArchetype(&random)
            var script = SessionScript(archetype: archetype, random: &random)
            let sessionID = Self.uuid(&random, time: options.start.addingTimeInterval(offset))
            let sessionless = random.chance(options.sessionlessRate)
            let writer = SessionEventWriter(
                sessionID: sessionID, windowID: Self.uuid(&random, time: options.start.addingTimeInterval(offset)),
                distinctID: "user_\(random.int(1...max(1, options.users)))", withSessionID: !sessionless,
                start: options.start.addingTimeInterval(offset), browser: random.pick(BrowserProfile.all))
            var count = 0
            for line in writer.lines(for: script.steps(), random: &random) {
                if let limit = options.maximumEvents, written >= limit { break }
                try emit(line)
                written += 1
                count += 1
                if random.chance(options.duplicateRate), options.maximumEvents.map({ written < $0 }) ?? true {
                    try emit(line)
                    written += 1
                }
            }
            manifest.append(
                GeneratedSession(
                    sessionID: sessionID, archetype: archetype, eventCount: count, withoutSessionID: sessionless))
        }
        return manifest
    }

    /// Writes the export to `url` as JSON lines, buffered.
    public func write(to url: URL) throws -> [GeneratedSession] {
        guard FileManager.default.createFile(atPath: url.path, contents: nil),
            let handle = try? FileHandle(forWritingTo: url)
        else {
            throw ExportGeneratorError("Could not create \(url.path); check the folder exists and is writable.")
        }
        defer { try? handle.close() }
        return try generate(inChunks: { try handle.write(contentsOf: $0) })
    }

    /// Generates the export as newline-terminated JSON lines handed to `write` about a MiB at a time.
    func generate(inChunks write: ([UInt8]) throws -> Void) throws -> [GeneratedSession] {
        var buffer: [UInt8] = []
        let manifest = try generate { line in
            buffer.append(contentsOf: line.utf8)
            buffer.append(0x0A)
            if buffer.count >= 1 << 20 {
                try write(buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        try write(buffer)
        return manifest
    }

    /// The archetypes of `counts`, shuffled by the seeded generator (in `allCases` order first, so equal seeds
    /// give equal orders); empty without counts.
    static func fixedArchetypes(_ counts: [SessionArchetype: Int]?, random: inout SplitMix64) -> [SessionArchetype] {
        guard let counts else { return [] }
        var list = SessionArchetype.allCases.flatMap { Array(repeating: $0, count: max(0, counts[$0] ?? 0)) }
        list.shuffle(using: &random)
        return list
    }

    static func drawArchetype(_ random: inout SplitMix64) -> SessionArchetype {
        var roll = random.int(0...99)
        for (archetype, weight) in SessionArchetype.weights {
            if roll < weight { return archetype }
            roll -= weight
        }
        return .browse
    }

    /// A UUIDv7-shaped id whose time prefix is `time`.
    static func uuid(_ random: inout SplitMix64, time: Date) -> String {
        let millis = UInt64(time.timeIntervalSince1970 * 1000)
        let a = random.next()
        let b = random.next()
        let hex = { (value: UInt64, digits: Int) -> String in
            let text = String(value, radix: 16)
            return String(repeating: "0", count: max(0, digits - text.count)) + text.suffix(digits)
        }
        return "\(hex(millis >> 16, 8))-\(hex(millis & 0xFFFF, 4))-7\(hex(a & 0xFFF, 3))-"
            + "\(hex(0x8000 | (a >> 16) & 0x3FFF, 4))-\(hex(b & 0xFFFF_FFFF_FFFF, 12))"
    }
}
