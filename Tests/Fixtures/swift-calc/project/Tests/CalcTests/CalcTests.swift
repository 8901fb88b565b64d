import Calc
import Testing

@Test func adds() {
    #expect(Calc.add(2, 3) == 5)
}
