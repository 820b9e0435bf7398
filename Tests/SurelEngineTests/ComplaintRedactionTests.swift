// What a Layer 2 unit reads of a complaint: the question without who asked.
import Foundation
import XCTest
import SurelCore
@testable import SurelEngine
@testable import SurelStore

final class ComplaintRedactionTests: XCTestCase {
    func testTheQuestionKeepsItsWordsAndLosesWhoAsked() {
        let now = Date()
        let t = Ticket(
            id: 1, year: 2025, sequence: 7, status: .new, category: "pengaduan", confidence: 0.9,
            classificationNote: "", confidential: true, subject: "Pungli di Kabupaten Malang",
            normalizedSubject: "", senderName: "Suharti Wulandari", senderEmail: "suharti.w@bpkad.malangkab.go.id",
            senderClass: .pemda, region: "Kabupaten Malang", province: "Jawa Timur", timeZone: "WIB",
            previousTicketID: nil, createdAt: now, updatedAt: now, closedAt: nil, needsReview: false)
        let text = """
            Yth. DJPK,

            Saya Suharti dari BPKAD Kabupaten Malang. Ada oknum yang meminta uang koordinasi 5% agar DBH cepat
            disalurkan. Hubungi saya di 0812-3456-7890 atau +62 341 765432, atau suharti.w@gmail.com.
            Nama: Suharti Wulandari
            NIK: 3507123456789012

            Hormat saya,
            Suharti Wulandari
            Bendahara BPKAD Kab. Malang
            """
        let out = ComplaintRedaction.anonymized(text, of: t)
        XCTAssertTrue(out.contains("Ada oknum yang meminta uang koordinasi 5% agar DBH cepat"), out)
        for s in ["Suharti", "Wulandari", "Malang", "0812", "341 765432", "gmail", "3507123456789012", "Bendahara"] {
            XCTAssertFalse(out.contains(s), "\(s) left in: \(out)")
        }
        XCTAssertTrue(out.contains(ComplaintRedaction.hiddenLine), out)
        XCTAssertEqual(ComplaintRedaction.scrubbed(t.subject, of: t), "Pungli di […]")
    }
}
