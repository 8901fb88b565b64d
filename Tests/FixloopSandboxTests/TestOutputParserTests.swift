import FixloopCore
import Testing

@testable import FixloopVerify

@Suite struct TestOutputParserTests {
    @Test func pytestSummaryLinesWithSpacesBracketsAndMessages() throws {
        let output = """
            ============================= test session starts ==============================
            tests/test_calc.py::test_add[1 2] PASSED                                   [ 20%]
            tests/test_calc.py::test_sub FAILED                                        [ 40%]
            =========================== short test summary info ============================
            PASSED tests/test_calc.py::test_add[1 2]
            PASSED tests/test_calc.py::TestClass::test_method[a - b]
            FAILED tests/test_calc.py::test_sub - AssertionError: assert 1 == 2
            ERROR tests/test_io.py::test_read - FileNotFoundError
            SKIPPED [1] tests/test_calc.py:30: not on linux
            XFAIL tests/test_calc.py::test_known - reason
            ERROR tests/test_broken.py - ImportError: no module
            ========================= 2 failed, 2 passed in 0.10s ==========================
            """
        let results = try #require(PlainOutputParsers.pytest(output))
        #expect(results.outcomes == [
            "tests/test_calc.py::test_add[1 2]": .passed,
            "tests/test_calc.py::TestClass::test_method[a - b]": .passed,
            "tests/test_calc.py::test_sub": .failed,
            "tests/test_io.py::test_read": .error,
            "tests/test_calc.py::test_known": .passed,
            "tests/test_broken.py": .error,
        ])
    }

    @Test func pytestVerboseLinesAlone() throws {
        let output = "tests/t.py::test_x[with space] PASSED [ 50%]\ntests/t.py::test_y SKIPPED (no db) [100%]\ntests/t.py::test_z FAILED\n"
        let results = try #require(PlainOutputParsers.pytest(output))
        #expect(results.outcomes["tests/t.py::test_x[with space]"] == .passed)
        #expect(results.outcomes["tests/t.py::test_z"] == .failed)
    }

    @Test func xctestLinesOnLinuxAndDarwin() throws {
        let output = """
            Test Suite 'All tests' started at 2026-01-01 10:00:00.000
            Test Case 'CalcTests.testAdd' started at 2026-01-01 10:00:00.000
            Test Case 'CalcTests.testAdd' passed (0.001 seconds)
            Test Case 'CalcTests.testSub' failed (0.002 seconds)
            Test Case '-[FixtureTests.CalcTests testMul]' passed (0.001 seconds).
            Test Case 'CalcTests.testSkip' skipped (0.000 seconds)
            Test Suite 'CalcTests' failed at 2026-01-01 10:00:00.010
            """
        let results = try #require(PlainOutputParsers.xctest(output))
        #expect(results.outcomes == [
            "CalcTests.testAdd": .passed, "CalcTests.testSub": .failed, "FixtureTests.CalcTests.testMul": .passed,
            "CalcTests.testSkip": .skipped,
        ])
    }

    @Test func swiftTestingLines() throws {
        let output = """
            ◇ Test run started.
            ◇ Test adds() started.
            ✔ Test adds() passed after 0.001 seconds.
            ✘ Test "Subtracts [big] numbers" recorded an issue at CalcTests.swift:10:5: Expectation failed: 1 == 2
            ✘ Test "Subtracts [big] numbers" failed after 0.002 seconds with 1 issue.
            ✔ Test multiplies(x:) passed after 0.003 seconds with 3 test cases.
            ➜ Test divides() skipped.
            ✔ Suite CalcTests passed after 0.004 seconds.
            ✘ Test run with 4 tests in 1 suite failed after 0.004 seconds with 1 issue.
            """
        let results = try #require(PlainOutputParsers.swiftTesting(output))
        #expect(results.outcomes == [
            "adds()": .passed, "Subtracts [big] numbers": .failed, "multiplies(x:)": .passed, "divides()": .skipped,
        ])
    }

    @Test func goTestVerbose() throws {
        let output = """
            === RUN   TestAdd
            --- PASS: TestAdd (0.00s)
            === RUN   TestTable
                --- PASS: TestTable/one_case (0.00s)
                --- FAIL: TestTable/two (0.00s)
            --- FAIL: TestTable (0.00s)
            --- SKIP: TestSlow (0.00s)
            FAIL
            FAIL\texample.com/calc\t0.005s
            """
        let results = try #require(PlainOutputParsers.goTest(output))
        #expect(results.outcomes == [
            "TestAdd": .passed, "TestTable/one_case": .passed, "TestTable/two": .failed, "TestTable": .failed,
            "TestSlow": .skipped,
        ])
    }

    @Test func cargoTest() throws {
        let output = """
            running 3 tests
            test tests::adds ... ok
            test tests::subtracts ... FAILED
            test tests::slow ... ignored, takes a minute
            test src/lib.rs - add (line 3) ... ok
            test result: FAILED. 2 passed; 1 failed; 1 ignored
            """
        let results = try #require(PlainOutputParsers.cargoTest(output))
        #expect(results.outcomes == [
            "tests::adds": .passed, "tests::subtracts": .failed, "tests::slow": .skipped, "src/lib.rs - add (line 3)": .passed,
        ])
    }

    @Test func junitFromPytestSwiftGotestsumNextestAndJest() throws {
        let pytest = """
            <?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest" tests="3">
            <testcase classname="tests.test_calc" name="test_add[1 2]" time="0.001"/>
            <testcase classname="tests.test_calc" name="test_sub" time="0.001"><failure message="assert">trace</failure></testcase>
            <testcase classname="tests.test_calc" name="test_skip"><skipped type="pytest.skip" message="x"/></testcase>
            <testcase classname="tests.test_calc" name="test_err"><error message="fixture"/></testcase>
            </testsuite></testsuites>
            """
        let results = try #require(JUnitXMLParser.parse(pytest))
        #expect(results.outcomes["tests.test_calc::test_add[1 2]"] == .passed)
        #expect(results.outcome(of: "tests/test_calc.py::test_add[1 2]") == .passed)
        #expect(results.outcome(of: "tests/test_calc.py::test_sub") == .failed)
        #expect(results.outcome(of: "tests/test_calc.py::test_skip") == .skipped)
        #expect(results.outcome(of: "tests/test_calc.py::test_err") == .error)
        #expect(results.outcome(of: "tests/test_calc.py::test_nope") == .missing)

        let swift = """
            <testsuites><testsuite name="FixtureTests.CalcTests" errors="0" failures="1">
            <testcase classname="FixtureTests.CalcTests" name="testAdd" time="0.1"></testcase>
            <testcase classname="FixtureTests.CalcTests" name="testSub" time="0.1"><failure message="failed"></failure></testcase>
            </testsuite></testsuites>
            """
        let swiftResults = try #require(JUnitXMLParser.parse(swift))
        #expect(swiftResults.outcome(of: "FixtureTests.CalcTests/testAdd") == .passed)
        #expect(swiftResults.outcome(of: "FixtureTests.CalcTests/testSub") == .failed)

        let gotestsum = #"<testsuites><testsuite name="example.com/calc"><testcase classname="example.com/calc" name="TestTable/two case" time="0"><failure message="Failed" type="">x</failure></testcase></testsuite></testsuites>"#
        #expect(JUnitXMLParser.parse(gotestsum)?.outcomes["example.com/calc::TestTable/two case"] == .failed)

        let nextest = #"<testsuites name="nextest-run"><testsuite name="calc"><testcase name="tests::adds" classname="calc"/></testsuite></testsuites>"#
        #expect(JUnitXMLParser.parse(nextest)?.outcomes["calc::tests::adds"] == .passed)

        let jest = #"<testsuites name="jest tests"><testsuite name="calc"><testcase classname="calc adds two numbers" name="calc adds two numbers" time="0.002"></testcase></testsuite></testsuites>"#
        #expect(JUnitXMLParser.parse(jest)?.outcomes["calc adds two numbers"] == .passed)
    }

    @Test func notJUnitIsNil() {
        #expect(JUnitXMLParser.parse("<html><body/></html>") == nil)
        #expect(JUnitXMLParser.parse("not xml at all") == nil)
    }

    @Test func fallsBackToTheExitStatus() {
        let passed = TestOutputReader.read(output: "all good\n", commandSucceeded: true)
        #expect(passed.outcomes == [TestOutputReader.wholeCommandID: .passed])
        #expect(passed.sources == ["exit-status"])
        let failed = TestOutputReader.read(output: "boom\n", commandSucceeded: false)
        #expect(failed.outcomes == [TestOutputReader.wholeCommandID: .failed])
    }

    @Test func junitWinsOverPlainOutput() {
        let xml = #"<testsuite><testcase classname="t" name="a"/></testsuite>"#
        let results = TestOutputReader.read(output: "PASSED t.py::b\n", junitXML: [xml], commandSucceeded: true)
        #expect(results.outcomes == ["t::a": .passed])
    }

    @Test func theWorseOutcomeWinsWhenATestIsReportedTwice() {
        var results = TestResults()
        results.record("a", .failed)
        results.record("a", .passed)
        results.record("b", .skipped)
        results.record("b", .error)
        #expect(results.outcomes == ["a": .failed, "b": .error])
    }
}
