// Builds a console benchmark store (scripts/bench-web): TICKETS tickets of four messages each, made through the
// store's own code (storeIncoming for the citizens' mail, act for answers and closings, which queue our mail),
// spread over the years before NOW. Most are closed; the last ~1% still wait for an answer (some past their
// deadline, some due today), a few of those in the review queue, 1% confidential complaints.
// Usage: SurelBenchStore STORE_PATH [TICKETS]   (deterministic: the same count gives the same store)
import Foundation
import GRDB
import SurelCore
import SurelStore

let args = CommandLine.arguments
guard args.count >= 2 else {
    FileHandle.standardError.write(Data("usage: SurelBenchStore STORE_PATH [TICKETS]\n".utf8))
    exit(2)
}
let path = args[1]
let count = args.count > 2 ? Int(args[2]) ?? 100_000 : 100_000

// Deterministic draws: the same count gives the same store.
var rng = SplitMix64(seed: 0x5EED_CAFE)
func below(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }
func pick<T>(_ a: [T]) -> T { a[below(a.count)] }

let words = """
    mohon informasi terkait penyaluran dana alokasi umum tahap bulan ini kabupaten kota provinsi pemerintah daerah
    transfer ke daerah dana bagi hasil pajak sumber daya alam desa khusus fisik nonfisik laporan realisasi
    penyerapan kontrak dokumen persyaratan aplikasi akun sikd omspan keterlambatan juknis peraturan menteri keuangan
    pmk alokasi rincian pagu anggaran apbd perubahan tunjangan guru gaji ketiga belas tambahan penghasilan pegawai
    insentif fiskal kinerja evaluasi rekonsiliasi verifikasi unggah data kami sampaikan bahwa sampai saat belum
    diterima rekening kas umum daerah mohon arahan bapak ibu terima kasih atas perhatian dan kerja samanya
    """.split(whereSeparator: \.isWhitespace).map(String.init)
let categories = [
    "dau", "dau", "dau", "dbh", "dbh", "dana-desa", "dana-desa", "dak-fisik", "dak-fisik", "dak-nonfisik",
    "pdrd", "aplikasi", "aplikasi", "permintaan-data", "did", "dkd", "evkeuda", "lainnya", "surat-masuk", "spam",
]
let domains = [
    "kedirikab.go.id", "slemankab.go.id", "bantulkab.go.id", "jogjakota.go.id", "surabaya.go.id",
    "makassarkota.go.id", "jayapurakab.go.id", "badungkab.go.id", "acehprov.go.id", "jatengprov.go.id",
    "kuburayakab.go.id", "ambon.go.id", "manokwarikab.go.id", "palukota.go.id", "bogorkab.go.id",
    "malangkota.go.id", "semarangkota.go.id", "lampungprov.go.id", "sumbarprov.go.id", "kemendagri.go.id",
    "bappenas.go.id", "ugm.ac.id", "ui.ac.id", "gmail.com", "gmail.com", "yahoo.co.id",
]
let names = ["Budi", "Siti", "Agus", "Dewi", "Rudi", "Wati", "Hendra", "Ratna", "Yusuf", "Nur", "Made", "Frans"]

func text(_ n: Int) -> String { (0..<n).map { _ in pick(words) }.joined(separator: " ") }

let db = try SurelDatabase(path: path)
let now = Date()
let span: TimeInterval = 3 * 365 * 86_400
let start = now.addingTimeInterval(-span)
let openFrom = count - max(count / 100, 1)
let began = Date()
for i in 0..<count {
    // Evenly spread, the still-open ones over the last five days.
    let at =
        i < openFrom
        ? start.addingTimeInterval(span * Double(i) / Double(openFrom)).addingTimeInterval(-6 * 86_400)
        : now.addingTimeInterval(-5 * 86_400 * Double(count - i) / Double(count - openFrom))
    let domain = pick(domains)
    let name = pick(names)
    let sender = "\(name.lowercased()).\(i)@\(domain)"
    let category = below(100) == 0 ? "pengaduan" : pick(categories)
    let subject = "\(text(2).capitalized) \(text(3))"
    let body = text(40 + below(40))
    func incoming(_ id: String, _ subject: String, _ text: String, _ at: Date) -> IncomingMessage {
        var m = IncomingMessage(
            kind: .ticket, messageID: id, rawSHA256: "bench-\(id)",
            raw: Data("Subject: \(subject)\r\n\r\n\(text)".utf8),
            mailbox: nil, uidValidity: nil, uid: nil, subject: subject, fromName: name, fromEmail: sender, sentAt: at,
            receivedAt: at, threadTime: at, text: text, html: nil, inReplyTo: [], references: [], note: nil,
            bounce: nil, isBulk: false, attachments: [])
        m.bodyOffset = 0
        return m
    }
    let year = Calendar(identifier: .gregorian).component(.year, from: at)
    func intent(_ at: Date, number: TicketNumber?) -> TicketIntent {
        TicketIntent(
            ticketNumberInSubject: number, referencedMessageIDs: [], normalizedSubject: subject.lowercased(),
            senderEmail: sender, senderProfile: SenderDirectory.profile(forEmail: sender), receivedAt: at,
            threadTime: at, subjectWindow: 3 * 86_400, reopenWindow: 7 * 86_400, year: year,
            confidentialCategories: ["pengaduan"], reviewThreshold: i >= openFrom && below(4) == 0 ? 1 : 0,
            classify: { Classification(category: category, confidence: 0.9, explanation: "bench") })
    }
    guard
        case .newTicket(let number) = try db.storeIncoming(
            incoming("q\(i)@\(domain)", subject, body, at), ticket: intent(at, number: nil), cursor: nil)
    else { fatalError("ticket \(i) did not open a ticket") }
    let answer = "Yth. \(name),\n\(text(50))"
    func mail(_ purpose: OutboxPurpose, _ text: String) -> (Ticket) throws -> OutgoingRecord? {
        { t in
            OutgoingRecord(
                ticketID: t.id, purpose: purpose, messageID: "\(purpose.rawValue)-\(i)@djpk.test",
                raw: Data(text.utf8), subject: "[DJPK#\(number)] \(subject)", text: text,
                fromName: "Contact Center DJPK", fromEmail: "callcenter@djpk.test", recipients: [sender],
                inReplyTo: [], references: [])
        }
    }
    if i >= openFrom {
        // Still owed an answer: two more mails from the citizen instead of our answer and the BAK.
        for k in 1...3 {
            _ = try db.storeIncoming(
                incoming(
                    "f\(k)-\(i)@\(domain)", "Re: [DJPK#\(number)] \(subject)", text(30),
                    at.addingTimeInterval(60 * Double(k))),
                ticket: intent(at.addingTimeInterval(60 * Double(k)), number: number), cursor: nil)
        }
        continue
    }
    try db.act(
        .answer, on: number, actor: "agen", answer: answer, at: at.addingTimeInterval(3600), mail: mail(.answer, answer)
    )
    let thanks = at.addingTimeInterval(7200)
    _ = try db.storeIncoming(
        incoming("t\(i)@\(domain)", "Re: [DJPK#\(number)] \(subject)", "Terima kasih. \(text(20))", thanks),
        ticket: intent(thanks, number: number), cursor: nil)
    try db.act(.close, on: number, actor: "agen", at: at.addingTimeInterval(10_800), mail: mail(.bak, "BAK \(number)"))
    if i % 10_000 == 9_999 {
        let rate = Double(i + 1) / Date().timeIntervalSince(began)
        FileHandle.standardError.write(Data("bench store: \(i + 1) tickets (\(Int(rate))/s)\n".utf8))
    }
}
// Our mail went out long ago.
try db.writer.write { try $0.execute(sql: "UPDATE outbox SET status = 'sent'") }
let counts = try db.writer.read { db in
    (
        try Int.fetchOne(db, sql: "SELECT count(*) FROM ticket") ?? 0,
        try Int.fetchOne(db, sql: "SELECT count(*) FROM message") ?? 0
    )
}
print("bench store: \(counts.0) tickets, \(counts.1) messages in \(Int(Date().timeIntervalSince(began))) s")
