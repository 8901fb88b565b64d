import FixloopExportGenerator
import Foundation
import Testing

@testable import FixloopIngest
@testable import FixloopScorer

/// Opt-in (`FIXLOOP_SCORER_MEMORY_TEST=1`, best run alone): importing a file ten times larger must not raise the
/// process's peak memory by more than the id-dedupe set grows. About 20 s in a debug build: too slow for every run.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["FIXLOOP_SCORER_MEMORY_TEST"] == "1"))
struct StreamingMemoryTests {
    static func peakResidentKiB() -> Int {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }

    static func writeExport(events: Int, to url: URL, asArray: Bool) throws {
        var options = PostHogExportGenerator.Options()
        options.sessions = events
        options.maximumEvents = events
        options.seed = UInt64(events)
        FileManager.default.createFile(atPath: url.path, contents: nil)
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        var buffer = asArray ? Data("[\n".utf8) : Data()
        var first = true
        _ = try PostHogExportGenerator(options: options).generate { line in
            if asArray, !first { buffer.append(contentsOf: ",\n".utf8) }
            first = false
            buffer.append(contentsOf: line.utf8)
            if !asArray { buffer.append(0x0A) }
            if buffer.count > 1 << 20 {
                try handle.write(contentsOf: buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        if asArray { buffer.append(contentsOf: "\n]\n".utf8) }
        try handle.write(contentsOf: buffer)
    }

    @Test(arguments: [false, true])
    func peakMemoryDoesNotFollowFileSize(asArray: Bool) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fixloop-memory-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let small = folder.appendingPathComponent("small.json")
        let large = folder.appendingPathComponent("large.json")
        try Self.writeExport(events: 8_000, to: small, asArray: asArray)
        try Self.writeExport(events: 80_000, to: large, asArray: asArray)
        let largeBytes = (try FileManager.default.attributesOfItem(atPath: large.path)[.size] as? Int) ?? 0

        var sink = CountingEventSink()
        let smallReport = try AnalyticsImporter().importFiles([small], into: &sink)
        let afterSmall = Self.peakResidentKiB()
        let largeReport = try AnalyticsImporter().importFiles([large], into: &sink)
        let afterLarge = Self.peakResidentKiB()
        #expect(smallReport.read == 8_000)
        #expect(largeReport.read == 80_000)
        #expect(largeReport.malformed == 0)
        let growthKiB = afterLarge - afterSmall
        print("memory: \(largeBytes / 1_048_576) MiB file, peak \(afterSmall) KiB → \(afterLarge) KiB")
        #expect(growthKiB < 24 * 1024, "peak grew \(growthKiB) KiB on a \(largeBytes / 1_048_576) MiB file")
    }
}
