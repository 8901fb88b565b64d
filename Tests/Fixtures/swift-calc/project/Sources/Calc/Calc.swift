/// A tiny calculator.
public enum Calc {
    public static func add(_ a: Int, _ b: Int) -> Int { a + b }

    public static func divide(_ a: Double, _ b: Double) -> Double {
        // The bug: multiplies instead of dividing.
        a * b
    }
}
