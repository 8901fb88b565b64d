/// A duration as a floating-point number, for reports, metrics and benchmarks.
extension Duration {
    /// Seconds, with the fraction.
    public var inSeconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
    /// Milliseconds, with the fraction.
    public var inMilliseconds: Double { inSeconds * 1000 }
}
