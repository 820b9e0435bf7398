import XCTest
import SurelCore

final class SubjectAndNumberTests: XCTestCase {
    func testNormalizeStripsReplyPrefixesAndOurTag() {
        XCTAssertEqual(SubjectNormalizer.normalize("Re: RE: Fwd: Penyaluran  DAU"), "penyaluran dau")
        XCTAssertEqual(
            SubjectNormalizer.normalize("Balas: FW: [DJPK#2025-000123] Re: Penyaluran DAU"), "penyaluran dau")
        XCTAssertEqual(SubjectNormalizer.normalize("Bls: Re[2]: Data APBD"), "data apbd")
        XCTAssertEqual(
            SubjectNormalizer.normalize("Rekap data APBD"), "rekap data apbd", "words starting like a prefix stay")
        XCTAssertTrue(SubjectNormalizer.isReply("RE: x"))
        XCTAssertFalse(SubjectNormalizer.isReply("Rekap"))
    }

    func testTicketNumberInSubject() {
        XCTAssertEqual(
            TicketNumber.find(inSubject: "Re: [DJPK#2025-000123] Pertanyaan"), TicketNumber(year: 2025, sequence: 123))
        XCTAssertEqual(TicketNumber.find(inSubject: "Re: [ djpk # 2025-7 ]"), TicketNumber(year: 2025, sequence: 7))
        XCTAssertNil(TicketNumber.find(inSubject: "[Tiket #BPKAD-2025-00318] Terima kasih"))
        XCTAssertEqual(TicketNumber(year: 2025, sequence: 123).description, "2025-000123")
        XCTAssertEqual(TicketNumber("2025-000123"), TicketNumber(year: 2025, sequence: 123))
        XCTAssertNil(TicketNumber("25-1"))
    }
}
