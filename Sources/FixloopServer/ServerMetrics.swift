import FixloopCore
import Foundation
import Synchronization

/// Counters and histograms for `GET /metrics`, in Prometheus' text format. Job counts and model spend are read
/// from the store when scraped; the rest is counted here.
public final class ServerMetrics: Sendable {
    struct Histogram {
        static let bounds: [Double] = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 60, 300, 900, 1800, 3600]
        var buckets = [Int](repeating: 0, count: bounds.count)
        var count = 0
        var sum = 0.0

        mutating func observe(_ seconds: Double) {
            count += 1
            sum += seconds
            for (index, bound) in Self.bounds.enumerated() where seconds <= bound { buckets[index] += 1 }
        }
    }

    struct State {
        var webhooks: [String: Int] = [:]
        var webhookSeconds = Histogram()
        var jobSeconds: [String: Histogram] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    /// Counts one webhook delivery by its result (`queued`, `ignored`, `duplicate`, `unauthorized`, …).
    public func webhook(_ result: String, seconds: Double) {
        state.withLock {
            $0.webhooks[result, default: 0] += 1
            $0.webhookSeconds.observe(seconds)
        }
    }

    /// Records how long a job took, by how it ended.
    public func job(_ outcome: String, seconds: Double) {
        state.withLock { $0.jobSeconds[outcome, default: Histogram()].observe(seconds) }
    }

    /// How many deliveries ended with `result`.
    public func webhookCount(_ result: String) -> Int { state.withLock { $0.webhooks[result] ?? 0 } }

    /// The exposition text.
    public func render(jobs: [JobState: Int], spendUSD: Double) -> String {
        let snapshot = state.withLock { $0 }
        var lines = ["# HELP fixloop_jobs Jobs in the queue by state.", "# TYPE fixloop_jobs gauge"]
        for job in JobState.allCases { lines.append("fixloop_jobs{state=\"\(job.rawValue)\"} \(jobs[job] ?? 0)") }
        lines += ["# HELP fixloop_model_spend_usd_total Model spend recorded in the ledger, in US dollars.",
                  "# TYPE fixloop_model_spend_usd_total counter", "fixloop_model_spend_usd_total \(spendUSD)"]
        lines += ["# HELP fixloop_webhooks_total Webhook deliveries by result.", "# TYPE fixloop_webhooks_total counter"]
        for (result, count) in snapshot.webhooks.sorted(by: { $0.key < $1.key }) { lines.append("fixloop_webhooks_total{result=\"\(result)\"} \(count)") }
        lines += ["# HELP fixloop_webhook_duration_seconds Time to answer a webhook delivery.", "# TYPE fixloop_webhook_duration_seconds histogram"]
        lines += Self.histogram("fixloop_webhook_duration_seconds", labels: "", snapshot.webhookSeconds)
        lines += ["# HELP fixloop_job_duration_seconds Time a worker spent on a job, by outcome.", "# TYPE fixloop_job_duration_seconds histogram"]
        for (outcome, histogram) in snapshot.jobSeconds.sorted(by: { $0.key < $1.key }) {
            lines += Self.histogram("fixloop_job_duration_seconds", labels: "outcome=\"\(outcome)\",", histogram)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func histogram(_ name: String, labels: String, _ histogram: Histogram) -> [String] {
        var lines = zip(Histogram.bounds, histogram.buckets).map { "\(name)_bucket{\(labels)le=\"\($0)\"} \($1)" }
        lines.append("\(name)_bucket{\(labels)le=\"+Inf\"} \(histogram.count)")
        let plain = labels.isEmpty ? "" : "{\(labels.dropLast())}"
        lines.append("\(name)_sum\(plain) \(histogram.sum)")
        lines.append("\(name)_count\(plain) \(histogram.count)")
        return lines
    }
}
