import Foundation

/// A cluster before naming: its signatures and the failures behind them.
struct FailureCluster {
    var signatures: [(signature: FailureSignature, failures: [ObservedFailure])]

    var failures: [ObservedFailure] { signatures.flatMap(\.failures) }
    var sessionIndexes: Set<Int> { Set(failures.map(\.sessionIndex)) }
    /// The exception signature with the most sessions, else the signature with the most sessions (ties: the
    /// smallest fingerprint, so the choice is stable). A rage click folded into an error never names the pattern.
    var main: FailureSignature {
        signatures.max { a, b in
            let (ea, eb) = (a.signature.kind == .exception, b.signature.kind == .exception)
            if ea != eb { return eb }
            let (ca, cb) = (Set(a.failures.map(\.sessionIndex)).count, Set(b.failures.map(\.sessionIndex)).count)
            return ca != cb ? ca < cb : a.signature.fingerprint > b.signature.fingerprint
        }!.signature
    }
}

/// Groups failures: templates mined Drain-style, exact signatures first, then near-duplicates merged when their
/// templates (and the blurbs of their sessions) are alike.
struct PatternClusterer {
    /// Similarity (0–1) from which two signatures of the same kind are merged.
    var mergeSimilarity = 0.8

    func clusters(of failures: [ObservedFailure], sessions: [ScoredSession]) -> [FailureCluster] {
        var miner = DrainMiner()
        for failure in failures where failure.kind == .exception { miner.add(failure.masked, key: failure.drainKey) }
        var exact: [String: (FailureSignature, [ObservedFailure])] = [:]
        var order: [String] = []
        for failure in failures {
            let signature = FailureSignature(
                kind: failure.kind, route: failure.route, subject: failure.subject,
                template: failure.kind == .exception ? miner.template(for: failure.masked, key: failure.drainKey) : failure.masked,
                frames: failure.frames.map { "\($0.file):\($0.function)" })
            let key = signature.fingerprint
            if exact[key] == nil {
                exact[key] = (signature, [])
                order.append(key)
            }
            exact[key]!.1.append(failure)
        }
        var clusters = order.map { FailureCluster(signatures: [(exact[$0]!.0, exact[$0]!.1)]) }
        return foldingSymptoms(merged(&clusters, sessions: sessions))
    }

    /// Share of a click or flow cluster's sessions that must also show one error on the same route for the cluster
    /// to be that error's symptom (rage clicks on "Pay now" in the sessions a checkout exception broke).
    var symptomOverlap = 0.8

    /// Folds clusters that are symptoms of an exception cluster into it, so one problem is one ticket.
    func foldingSymptoms(_ clusters: [FailureCluster]) -> [FailureCluster] {
        var result = clusters
        for index in result.indices.reversed() where result[index].main.kind != .exception {
            let sessions = result[index].sessionIndexes
            let route = result[index].main.route
            let host = result.indices.filter { other in
                other != index && result[other].main.kind == .exception
                    && result[other].failures.contains { $0.route == route }
                    && Double(sessions.intersection(result[other].sessionIndexes).count) >= symptomOverlap * Double(sessions.count)
            }.max { result[$0].sessionIndexes.count < result[$1].sessionIndexes.count }
            guard let host else { continue }
            result[host].signatures += result[index].signatures
            result.remove(at: index)
        }
        return result
    }

    /// Merges near-duplicates until none are left (greedy, in first-seen order, so the result is stable).
    private func merged(_ clusters: inout [FailureCluster], sessions: [ScoredSession]) -> [FailureCluster] {
        var result: [FailureCluster] = []
        for cluster in clusters {
            if let index = result.firstIndex(where: { similarity($0, cluster, sessions) >= mergeSimilarity }) {
                result[index].signatures += cluster.signatures
            } else {
                result.append(cluster)
            }
        }
        return result
    }

    func similarity(_ a: FailureCluster, _ b: FailureCluster, _ sessions: [ScoredSession]) -> Double {
        let (x, y) = (a.main, b.main)
        guard x.kind == y.kind else { return 0 }
        switch x.kind {
        case .exception:
            guard x.subject == y.subject else { return 0 }
            if let fx = x.frames.first, let fy = y.frames.first, fx != fy { return 0 }
        default:
            guard x.route == y.route else { return 0 }
        }
        let text = Self.jaccard(words(x.template + " " + x.subject), words(y.template + " " + y.subject))
        let blurbs = Self.jaccard(blurbWords(a, sessions), blurbWords(b, sessions))
        return 0.75 * text + 0.25 * blurbs
    }

    private func words(_ text: String) -> Set<String> {
        Set(text.lowercased().split { !$0.isLetter && !$0.isNumber && $0 != "<" && $0 != ">" && $0 != "*" }.map(String.init))
    }

    private func blurbWords(_ cluster: FailureCluster, _ sessions: [ScoredSession]) -> Set<String> {
        // Numbers in blurbs (seconds, counts) vary between sessions; only words say what happened.
        Set(cluster.sessionIndexes.prefix(20).flatMap { sessions[$0].blurb }.flatMap {
            $0.lowercased().split { !$0.isLetter }.map(String.init)
        })
    }

    static func jaccard(_ a: Set<String>, _ b: Set<String>) -> Double {
        if a.isEmpty && b.isEmpty { return 1 }
        return Double(a.intersection(b).count) / Double(a.union(b).count)
    }
}
