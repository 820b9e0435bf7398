// `surel templates check`: the shipped templates render; a missing template and an unknown variable are named.
import Foundation
import XCTest

final class TemplatesTests: XCTestCase {
    func testShippedTemplatesPassAndBrokenOnesAreNamed() throws {
        let shipped = TestEnv.packageRoot.appendingPathComponent("mail-templates")
        let ok = try TestEnv.runSurel(["templates", "check", "--dir", shipped.path])
        XCTAssertEqual(ok.status, 0, ok.out + ok.err)
        for name in ["acknowledgement", "receipt", "answer", "escalation", "sla-reminder", "bak", "bak-mail"] {
            XCTAssertTrue(ok.out.contains(name), "\(name) not checked: \(ok.out)")
        }
        let dir = try TestEnv.scratch(self)
        for file in try FileManager.default.contentsOfDirectory(atPath: shipped.path) where file.hasSuffix(".mustache")
        {
            try FileManager.default.copyItem(
                at: shipped.appendingPathComponent(file), to: dir.appendingPathComponent(file))
        }
        try FileManager.default.removeItem(at: dir.appendingPathComponent("receipt.mustache"))
        let answer = dir.appendingPathComponent("answer.mustache")
        try (try String(contentsOf: answer, encoding: .utf8)).replacingOccurrences(of: "{{agent}}", with: "{{petugas}}")
            .write(to: answer, atomically: true, encoding: .utf8)
        let bad = try TestEnv.runSurel(["templates", "check", "--dir", dir.path])
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.out.contains("answer.mustache: uses {{petugas}}"), bad.out)
        XCTAssertTrue(bad.out.contains("receipt.mustache: missing"), bad.out)
    }
}
