/// The lines a benchmark writes on standard error while it measures, one per stage (`bench ingest: measuring
/// the Python loader`), so a run of minutes is not silent; none under `--json`.
enum BenchStages {
    static func writer(_ name: String, json: Bool) -> @Sendable (String) -> Void {
        guard !json else { return { _ in } }
        let io = CommandIO.current
        return { io.writeError("bench \(name): \($0)\n") }
    }
}
