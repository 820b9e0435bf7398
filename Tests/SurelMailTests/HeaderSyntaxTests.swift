// The Swift header layer on its own: parameters (RFC 2045/2231), addresses (RFC 5322), encoded words (RFC 2047),
// quoted-printable. Malformed input gets a best effort, never a crash, and never more addresses than were written.
import Foundation
import XCTest
@testable import SurelMail

final class HeaderSyntaxTests: XCTestCase {
    func params(_ s: String) -> (value: String, params: [String: String]) { MIMEParameters.parse(Array(s.utf8)) }

    func testParametersOfEveryShape() {
        XCTAssertEqual(
            params("text/plain; n*=utf-8'x").params["n"], "utf-8'x", "one quote: no charset, kept as written")
        XCTAssertEqual(params("text/plain; n *= utf-8''%41%zz%").params["n"], "A%zz%", "bad escapes kept")
        XCTAssertEqual(params("text/plain; n*(comment)=utf-8''%C3%A9").params["n"], "é")
        XCTAssertEqual(params("application/pdf; name=Surat Permohonan.pdf").params["name"], "Surat Permohonan.pdf")
        let related = params("multipart/related boundary=\"=_b\"")
        XCTAssertEqual(related.value, "multipart/related")
        XCTAssertEqual(related.params["boundary"], "=_b", "a missing ';' before a parameter")
        XCTAssertEqual(params("text/plain; charset=us-ascii (Plain text)").params["charset"], "us-ascii")
        XCTAssertEqual(params("TEXT/Plain; CHARSET=\"UTF-8\"").value, "text/plain")
        XCTAssertEqual(params("attachment; filename=\"a\\\"b.pdf\"").params["filename"], "a\"b.pdf")
        XCTAssertEqual(
            params("attachment; filename=\"x.pdf\"; filename*=utf-8''%C3%A9.pdf").params["filename"], "é.pdf",
            "the RFC 2231 value wins over the plain fallback")
        XCTAssertEqual(
            params("attachment; filename*1=b; filename*0=a; filename*99999999999=z").params["filename"],
            "ab", "segments in index order; an absurd index is a name of its own")
        XCTAssertEqual(params("attachment; filename=\"=?utf-8?B?U3VyYXQucGRm?=\"").params["filename"], "Surat.pdf")
        // Unclosed quotes and comments run to the end without harm.
        XCTAssertEqual(params("a; b=\"unclosed").params["b"], "unclosed")
        XCTAssertEqual(params("a (unclosed; b=c").value, "a")
    }

    func testAddressesAreSingleValidAddrSpecs() {
        func list(_ s: String) -> ([String], Int) {
            let r = AddressList.parse(Array(s.utf8))
            return (r.addresses.map(\.email), r.invalid)
        }
        XCTAssertEqual(list("Budi <Budi@KedirikAb.go.id>").0, ["budi@kedirikab.go.id"])
        XCTAssertEqual(list("<v0@a.test,v1@b.test,v2@c.test>").0, [], "commas inside <> are no list")
        XCTAssertEqual(list("<v0@a.test,v1@b.test,v2@c.test>").1, 1)
        XCTAssertEqual(list("\"a,b\"@evil.test").0, [], "a quoted local part with a comma is no address")
        XCTAssertEqual(list("\"john.doe\"@example.test").0, ["john.doe@example.test"])
        XCTAssertEqual(list("a@x.test, \"Doe, John\" <j@y.test>").0, ["a@x.test", "j@y.test"])
        XCTAssertEqual(list("Tim: a@x.test, b@y.test;, c@z.test").0, ["a@x.test", "b@y.test", "c@z.test"])
        XCTAssertEqual(list("undisclosed-recipients:;").0, [])
        XCTAssertEqual(list("jdoe@machine.example (John Doe)").0, ["jdoe@machine.example"])
        XCTAssertEqual(
            AddressList.parse(Array("jdoe@machine.example (John Doe)".utf8)).addresses.first?.name, "John Doe")
        XCTAssertEqual(list("<@route.test,@r2.test:user@host.test>").0, ["user@host.test"], "obsolete route dropped")
        XCTAssertEqual(list("a@b..test, @b.test, a@, a@b.test>").1, 4)
        let name = AddressList.parse(Array("=?iso-8859-1?Q?J=F6rg?= <j@x.test>".utf8)).addresses.first?.name
        XCTAssertEqual(name, "Jörg")
        XCTAssertNil(MailAddress.parse("a@x.test, b@y.test"), "a config address is exactly one")
    }

    func testEncodedWordsAreDecodedOnceFromTheRawBytes() {
        // An 8-bit byte inside a Q word is read in the word's charset (not as UTF-8 mojibake of Latin-1).
        XCTAssertEqual(EncodedWords.decode(Array("=?iso-8859-1?Q?Fr".utf8) + [0xF6] + Array("sche?=".utf8)), "Frösche")
        XCTAssertEqual(
            EncodedWords.decode(Array("=?utf-8?q?a?= =?utf-8?q?b?=".utf8)), "ab", "space between words dropped")
        XCTAssertEqual(EncodedWords.decode(Array("x =?utf-8?q?a?= y".utf8)), "x a y")
        XCTAssertEqual(EncodedWords.decode(Array("=?bogus?q?a_b?=".utf8)), "a b", "unknown charset: fallback, not lost")
        XCTAssertEqual(EncodedWords.decode(Array("=?utf-8?x?a?=".utf8)), "=?utf-8?x?a?=", "not a word: as written")
        XCTAssertEqual(EncodedWords.decode(Array("Caf".utf8) + [0xE9]), "Café", "raw Latin-1 outside words")
    }

    func testQuotedPrintableKeepsWhatIsNotAnEscape() {
        func qp(_ s: String) -> String {
            String(decoding: Array(s.utf8).withUnsafeBytes { QuotedPrintable.decode($0) }, as: UTF8.self)
        }
        XCTAssertEqual(qp("price 5=% discount, and the rest"), "price 5=% discount, and the rest")
        XCTAssertEqual(qp("soft=\nbreak=  \r\nhere=3D=c3=a9"), "softbreakhere=é")
        XCTAssertEqual(qp("ends with ="), "ends with ")
        XCTAssertEqual(qp("=4"), "=4")
    }
}
