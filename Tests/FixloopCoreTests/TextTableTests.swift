import FixloopCore
import Testing

struct TextTableTests {
    @Test func columnsLineUpByDisplayWidthNotByCharacterOrByte() {
        var table = TextTable(header: ["key", "cost"], alignments: [.left, .right])
        table.append(["gh:acme/shop#12", "$1.2500"])
        table.append(["注文の合計", "$0.5000"])  // five wide characters: ten columns
        table.append(["café", "$10.0000"])       // an accented letter: one column
        let lines = table.lines
        #expect(lines == [
            "key                  cost",
            "gh:acme/shop#12   $1.2500",
            "注文の合計        $0.5000",
            "café             $10.0000",
        ], "\(lines.joined(separator: "\n"))")
        // Every line ends in the same terminal column.
        #expect(Set(lines.dropFirst().map(TextTable.width)).count == 1)
    }

    @Test func withoutAHeaderOnlyTheRowsArePrinted() {
        var table = TextTable(header: ["a", "b"])
        table.append(["1", "2"])
        table.showsHeader = false
        #expect(table.lines == ["1  2"])
    }

    @Test(arguments: [("abc", 3), ("日本", 4), ("e\u{301}", 1), ("🙂", 2), ("", 0)])
    func widthCountsTerminalColumns(text: String, width: Int) {
        #expect(TextTable.width(text) == width)
    }
}
