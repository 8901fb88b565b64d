import FixloopCore
import FixloopPrompts
import Foundation

/// The product-manager layer: a period's scored sessions in, patterns with stats, decisions with reasons out.
///
/// ```swift
/// let result = try await Planner(settings: settings, model: nil).plan(sessions: sessions, since: start, until: now)
/// ```
/// Filing the tickets is ``TicketFiler``'s job, so a dry run and a report can plan without side effects.
public struct Planner: Sendable {
    public var settings: PlannerSettings
    /// Names and classifies patterns; nil for the rules alone (`--model none`).
    public var model: (any PlannerModel)?
    public var library: PromptLibrary
    /// The checkout to search for suspected code; nil skips the codebase check.
    public var codebase: CodebaseSearch?

    public init(settings: PlannerSettings = PlannerSettings(), model: (any PlannerModel)? = nil,
                library: PromptLibrary = PromptLibrary(), codebase: CodebaseSearch? = nil) {
        self.settings = settings
        self.model = model
        self.library = library
        self.codebase = codebase
    }

    /// Groups the failures of `sessions` into patterns, measures them against the period and decides.
    /// - Parameters:
    ///   - sessions: every scored session of the period (the baseline counts all, failures or not).
    ///   - since: the period's start, if bounded.
    ///   - until: the period's end.
    /// - Returns: patterns (highest impact first) and a decision each; no tickets yet.
    /// - Throws: `PromptError` when the naming prompt cannot be rendered; the model's own failures propagate.
    public func plan(sessions: [ScoredSession], since: Date?, until: Date) async throws -> PlanResult {
        let extractor = FailureExtractor()
        let failures = sessions.enumerated().flatMap { extractor.failures(of: $1, index: $0) }
        let clusters = PatternClusterer().clusters(of: failures, sessions: sessions)
        let baseline = PeriodBaseline(sessions: sessions)
        var patterns = clusters.map { pattern(from: $0, sessions: sessions, baseline: baseline) }
        var decisions = patterns.map { Decision.make(for: $0, settings: settings) }
        // The model names only what will be ticketed or flagged; ignored patterns keep the rules' label.
        if let model {
            for index in patterns.indices where decisions[index].action != .ignore {
                try Task.checkCancellation()
                patterns[index] = try await named(patterns[index], clusters[index], by: model)
            }
        }
        let order = decisions.indices.sorted { a, b in
            (rank(decisions[a].action), -decisions[a].impact, patterns[a].fingerprint)
                < (rank(decisions[b].action), -decisions[b].impact, patterns[b].fingerprint)
        }
        patterns = order.map { patterns[$0] }
        decisions = order.map { decisions[$0] }
        return PlanResult(
            since: since, until: until, sessions: sessions.count, sessionsWithFacts: sessions.filter { $0.facts != nil }.count,
            baselineMeanScore: baseline.meanScore, baselineNPS: baseline.nps, patterns: patterns, decisions: decisions,
            tickets: [], namedBy: model?.name ?? "rules")
    }

    private func rank(_ action: Decision.Action) -> Int {
        switch action {
        case .ticket: return 0
        case .flag: return 1
        case .ignore: return 2
        }
    }

    private func pattern(from cluster: FailureCluster, sessions: [ScoredSession], baseline: PeriodBaseline) -> Pattern {
        let main = cluster.main
        let stats = baseline.stats(of: cluster, sessions: sessions, examples: settings.examples)
        let graded = cluster.sessionIndexes.compactMap { sessions[$0].modelGrade }
        let rightProduct = graded.isEmpty ? 1 : Double(graded.filter(\.rightProduct).count) / Double(graded.count)
        let rules = RulePatternNamer.label(main, stats: stats, rightProductShare: rightProduct)
        var messages: [String] = []
        for failure in cluster.failures
        where failure.kind == .exception && !failure.raw.isEmpty && !messages.contains(failure.raw) && messages.count < 3 {
            messages.append(failure.raw)
        }
        let suspected = codebase?.locations(for: main, messages: messages, route: stats.route, limit: settings.suspectedLocations) ?? []
        return Pattern(
            fingerprint: main.fingerprint, memberFingerprints: cluster.signatures.map(\.signature.fingerprint).sorted(),
            signature: main, variants: cluster.signatures.map(\.signature).filter { $0 != main }, name: rules.name,
            summary: rules.summary, classification: rules.classification, namedBy: "rules", stats: stats,
            exampleMessages: messages, suspectedCode: suspected)
    }

    private func named(_ pattern: Pattern, _ cluster: FailureCluster, by model: any PlannerModel) async throws -> Pattern {
        let rules = PatternLabel(name: pattern.name, summary: pattern.summary, classification: pattern.classification)
        let context = PatternPromptContext(
            signature: pattern.signature, variants: pattern.variants, messages: pattern.exampleMessages, stats: pattern.stats, rules: rules)
        let (label, namedBy) = try await ModelPatternNamer(model: model, library: library).label(context, fallback: rules)
        var named = pattern
        named.name = label.name
        named.summary = label.summary
        named.classification = label.classification
        named.namedBy = namedBy
        return named
    }
}

/// The period's sessions as a yardstick: mean score, NPS, and how many sessions visited each route.
struct PeriodBaseline {
    let meanScore: Double
    let nps: Double
    let routeSessions: [String: Int]

    init(sessions: [ScoredSession]) {
        meanScore = Self.mean(sessions.map(\.score))
        nps = Self.nps(sessions.map(\.score))
        var routes: [String: Int] = [:]
        for session in sessions {
            for route in Set(session.facts?.routes ?? []) { routes[route, default: 0] += 1 }
        }
        routeSessions = routes
    }

    func stats(of cluster: FailureCluster, sessions: [ScoredSession], examples: Int) -> PatternStats {
        // Symptoms folded into an error (rage clicks it caused) do not add sessions of their own.
        let failures = cluster.failures.filter { $0.kind == cluster.main.kind }
        let members = Set(failures.map(\.sessionIndex)).sorted().map { sessions[$0] }
        var routeCounts: [String: Int] = [:]
        for failure in failures { routeCounts[failure.route, default: 0] += 1 }
        let route = routeCounts.max { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }?.key ?? "/"
        let visited = max(routeSessions[route] ?? 0, members.count)
        let worst = members.sorted { ($0.score, $0.id) < ($1.score, $1.id) }.prefix(examples)
        return PatternStats(
            sessions: members.count, users: Set(members.map(\.userKey)).count, route: route, routeSessions: visited,
            routeShare: Double(members.count) / Double(visited), meanScore: Self.mean(members.map(\.score)),
            baselineMeanScore: meanScore, nps: Self.nps(members.map(\.score)), baselineNPS: nps,
            firstSeen: members.map(\.start).min() ?? .distantPast, lastSeen: members.map(\.start).max() ?? .distantPast,
            examples: worst.map { PatternStats.Example(sessionID: $0.id, score: $0.score, blurb: Array($0.blurb.prefix(3))) })
    }

    static func mean(_ scores: [Int]) -> Double {
        scores.isEmpty ? 0 : Double(scores.reduce(0, +)) / Double(scores.count)
    }

    /// % promoters (9–10) − % detractors (0–6).
    static func nps(_ scores: [Int]) -> Double {
        guard !scores.isEmpty else { return 0 }
        let promoters = scores.filter { $0 >= 9 }.count
        let detractors = scores.filter { $0 <= 6 }.count
        return 100 * Double(promoters - detractors) / Double(scores.count)
    }
}
