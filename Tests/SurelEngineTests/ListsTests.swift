// Recipient lists (issue 5, line 1): CSV with quoted fields, extra columns as variables, bad rows named by line and
// the rest loaded; show, remove; the suppression list.
import Foundation
import XCTest
@testable import SurelEngine

final class ListsTests: XCTestCase {
    let csv =
        "\u{FEFF}email,name,instansi,region\r\n"
        + "bpkad@kedirikab.go.id,\"Kepala BPKAD, Kab. Kediri\",BPKAD,Kabupaten Kediri\r\n"
        + "bukan-alamat,Salah,X,Y\r\n"
        + "Keuangan@SukoharjoKab.go.id,\"Bidang \"\"Anggaran\"\"\",BPKAD,Kabupaten Sukoharjo\r\n"
        + "bpkad@kedirikab.go.id,Dobel,BPKAD,Kabupaten Kediri\r\n"
        + "desa@tapanulitengahkab.go.id,\"Kepala Desa\nSibabangun\",Desa,Tapanuli Tengah\r\n"
        + "kurang@kolom.go.id,Satu\r\n"

    func testCSVRowsAreValidatedByLine() {
        let r = RecipientImport.parse(csv)
        XCTAssertEqual(
            r.members.map(\.email),
            [
                "bpkad@kedirikab.go.id", "keuangan@sukoharjokab.go.id",
                "desa@tapanulitengahkab.go.id",
            ])
        XCTAssertEqual(r.members[0].name, "Kepala BPKAD, Kab. Kediri")
        XCTAssertEqual(r.members[1].name, "Bidang \"Anggaran\"")
        XCTAssertEqual(r.members[2].name, "Kepala Desa\nSibabangun")
        XCTAssertEqual(r.members[0].fields, ["instansi": "BPKAD", "region": "Kabupaten Kediri"])
        XCTAssertEqual(r.problems.count, 3, "\(r.problems)")
        XCTAssertTrue(r.problems[0].hasPrefix("line 3: not an e-mail address"), r.problems[0])
        XCTAssertTrue(r.problems[1].hasPrefix("line 5: duplicate of line 2"), r.problems[1])
        XCTAssertTrue(r.problems[2].hasPrefix("line 8: 2 columns"), "the quoted line break counts: \(r.problems[2])")
        XCTAssertEqual(
            RecipientImport.parse("nama,alamat\nx,y\n").problems,
            ["line 1: no email column in the header (nama, alamat)"])
    }

    /// What Excel set to Indonesian saves as "CSV": semicolons between fields (a comma is the decimal mark there)
    /// and Windows-1252 text. Both read as the staff meant; a comma inside a semicolon file stays in its field.
    func testExcelsSemicolonsAndWindows1252AreRead() {
        let bytes: [UInt8] =
            Array("email;name;instansi\r\nbpkad@acehkab.go.id;Kepala BPKAD, Kab. Aceh;Dinas Pendapatan ".utf8)
            + [0xE2, 0x80, 0x93]  // an en dash in UTF-8: the file stays UTF-8
            + Array(" Aceh\r\n".utf8)
        let utf8 = RecipientImport.parse(CSV.text(Data(bytes)))
        XCTAssertEqual(utf8.problems, [])
        XCTAssertEqual(utf8.members.first?.name, "Kepala BPKAD, Kab. Aceh")
        XCTAssertEqual(utf8.members.first?.fields["instansi"], "Dinas Pendapatan \u{2013} Aceh")
        // The same name in Windows-1252: "Pemerintah Kabupaten Sumbawa – Ré" with 0x96 and 0xE9.
        let cp1252: [UInt8] =
            Array("email;name\nsumbawa@sumbawakab.go.id;Pemerintah Kabupaten Sumbawa ".utf8) + [0x96, 0x20, 0x52, 0xE9]
            + [0x0A]
        let r = RecipientImport.parse(CSV.text(Data(cp1252)))
        XCTAssertEqual(r.members.map(\.name), ["Pemerintah Kabupaten Sumbawa \u{2013} R\u{E9}"])
        XCTAssertEqual(CSV.delimiter(of: "email,name;x\n"), ",", "a comma in the header means commas")
    }

    /// A quoted cell ending in a line break (from a spreadsheet) is the address around it, and is the same address
    /// as the clean one; a line break inside an address is refused (it would reach the To: header).
    func testLineBreaksNeverReachAnAddress() {
        let r = RecipientImport.parse(
            "email,name\n\"budi@bpkad.go.id\n\",Budi\nbudi@bpkad.go.id,Budi lagi\n"
                + "\"a@b.go.id\nBcc: x@y.com\",X\n\"c@d.go.id\r\",C\n")
        XCTAssertEqual(r.members.map(\.email), ["budi@bpkad.go.id", "c@d.go.id"])
        XCTAssertEqual(r.problems.count, 2, "\(r.problems)")
        XCTAssertTrue(r.problems[0].contains("duplicate of line 2"), r.problems[0])
        XCTAssertTrue(r.problems[1].contains("not an e-mail address"), r.problems[1])
        // The pattern itself, whatever trimming comes before it: `$` would match before the final line break.
        for bad in ["a@b.go.id\n", "a@b.go.id\r\n", "a@b.go.id\nBcc: x@y.com"] {
            XCTAssertNil(RecipientImport.address.firstMatch(in: bad, range: NSRange(bad.startIndex..., in: bad)), bad)
        }
    }

    func testImportShowRemoveAndSuppressThroughTheCLI() throws {
        let dir = try TestEnv.scratch(self)
        let config = try TestEnv.writeConfig(dir: dir, user: "lists-test").path
        let file = dir.appendingPathComponent("pemda.csv")
        try csv.write(to: file, atomically: true, encoding: .utf8)
        let imported = try TestEnv.runSurel(["lists", "import", "pemda-jatim", file.path, "--config", config])
        XCTAssertEqual(imported.status, 0, imported.err)
        XCTAssertTrue(imported.out.contains("3 alamat baru"), imported.out)
        XCTAssertTrue(imported.out.contains("line 3:") && imported.out.contains("line 5:"), imported.out)
        // Importing again updates, adds nothing.
        XCTAssertTrue(
            try TestEnv.runSurel(["lists", "import", "pemda-jatim", file.path, "--config", config]).out
                .contains("0 alamat baru, 3 diperbarui"))

        XCTAssertEqual(
            try TestEnv.runSurel(["suppression", "add", "keuangan@sukoharjokab.go.id", "--config", config]).status, 0)
        let show = try TestEnv.runSurel(["lists", "show", "pemda-jatim", "--json", "--config", config])
        XCTAssertEqual(show.status, 0, show.err)
        let members = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(show.out.utf8)) as? [[String: Any]])
        XCTAssertEqual(members.count, 3)
        XCTAssertEqual(
            members.first { $0["email"] as? String == "keuangan@sukoharjokab.go.id" }?["suppressed"] as? Bool, true)
        XCTAssertEqual((members.first?["fields"] as? [String: String])?["region"], "Kabupaten Kediri")

        XCTAssertEqual(
            try TestEnv.runSurel(["lists", "remove", "pemda-jatim", "BPKAD@kedirikab.go.id", "--config", config])
                .status, 0)
        XCTAssertNotEqual(
            try TestEnv.runSurel(["lists", "remove", "pemda-jatim", "bpkad@kedirikab.go.id", "--config", config])
                .status, 0)
        let after = try TestEnv.runSurel(["lists", "show", "pemda-jatim", "--config", config])
        XCTAssertFalse(after.out.contains("bpkad@kedirikab.go.id"), after.out)
        XCTAssertTrue(
            try TestEnv.runSurel(["suppression", "list", "--config", config]).out.contains(
                "keuangan@sukoharjokab.go.id  manual"))
    }
}
