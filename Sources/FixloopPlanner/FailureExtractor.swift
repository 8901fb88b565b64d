import FixloopSessionTypes
import Foundation

/// One failure of one session, before and after its message is templated.
struct ObservedFailure: Sendable {
    var sessionIndex: Int
    var kind: FailureSignature.Kind
    var route: String
    var subject: String
    /// The message as masked by ``ValueMasker``.
    var masked: String
    /// The message as seen (exceptions), for code search.
    var raw: String
    var frames: [SessionFacts.Frame]
    var handled: Bool?

    /// The key Drain groups templates under: messages of different kinds, types or raise sites never meet.
    var drainKey: String {
        [kind.rawValue, subject, frames.map { "\($0.file):\($0.function)" }.joined(separator: ",")].joined(separator: "|")
    }
}

/// Reads the failures out of scored sessions: exceptions, rage and dead clicks from the stored facts; abandoned
/// flows (a milestone reached, not the goal, no error); dead ends the model named that no other failure covers.
struct FailureExtractor {
    let masker = ValueMasker()

    func failures(of session: ScoredSession, index: Int) -> [ObservedFailure] {
        var found: [ObservedFailure] = []
        if let facts = session.facts {
            for exception in facts.exceptions {
                found.append(ObservedFailure(
                    sessionIndex: index, kind: .exception, route: exception.route, subject: exception.type,
                    masked: masker.mask(exception.message), raw: exception.message, frames: exception.frames,
                    handled: exception.handled))
            }
            for click in facts.rageClicks {
                found.append(clickFailure(.rageClick, click, index))
            }
            for click in facts.deadClicks {
                found.append(clickFailure(.deadClick, click, index))
            }
            if facts.exceptions.isEmpty, !facts.goalReached, let last = facts.milestones.last, let exit = facts.exitRoute {
                found.append(ObservedFailure(
                    sessionIndex: index, kind: .abandonedFlow, route: exit, subject: "left after \(last)",
                    masked: "", raw: "", frames: [], handled: nil))
            }
        }
        for failure in session.modelGrade?.failures ?? [] where !covered(failure, by: session.facts) {
            found.append(ObservedFailure(
                sessionIndex: index, kind: .deadEnd, route: failure.evidence.route,
                subject: masker.mask(failure.signature.lowercased()), masked: "", raw: failure.signature, frames: [],
                handled: nil))
        }
        return found
    }

    private func clickFailure(_ kind: FailureSignature.Kind, _ click: SessionFacts.Click, _ index: Int) -> ObservedFailure {
        ObservedFailure(
            sessionIndex: index, kind: kind, route: click.route, subject: masker.mask(click.label), masked: "",
            raw: click.label, frames: [], handled: nil)
    }

    /// A model failure is covered when the facts already hold it: an error, or a rage or dead click.
    private func covered(_ failure: ModelGrade.Failure, by facts: SessionFacts?) -> Bool {
        guard let facts else { return false }
        let event = failure.evidence.event.lowercased()
        if failure.evidence.error != nil || event.contains("exception") || event.contains("error") {
            return !facts.exceptions.isEmpty
        }
        if event.contains("rage") { return !facts.rageClicks.isEmpty }
        if event.contains("dead") && event.contains("click") { return !facts.deadClicks.isEmpty }
        return false
    }
}
