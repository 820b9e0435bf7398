// The SLA with a fixed clock: deadlines of 1 and 3 working days, the Layer 2 response score by working days, and
// the monitor's reminder to the supervisor (once per deadline) and breach record (once).
import Foundation
import Logging
import XCTest
@testable import SurelCore
@testable import SurelEngine
@testable import SurelStore

final class SLATests: XCTestCase {
    func date(_ s: String) -> Date { ISO8601DateFormatter().date(from: s)! }

    func ticket(
        created: String, escalated: String? = nil, answered: String? = nil, status: TicketStatus = .new,
        sequence: Int = 1
    ) -> Ticket {
        Ticket(
            id: nil, year: 2025, sequence: sequence, status: status, category: "dau", confidence: 1,
            classificationNote: "", confidential: false, subject: "Penyaluran DAU", normalizedSubject: "penyaluran dau",
            senderName: "Budi", senderEmail: "budi@kedirikab.go.id", senderClass: .pemda, region: nil, province: nil,
            timeZone: nil, previousTicketID: nil, createdAt: date(created), updatedAt: date(created), closedAt: nil,
            needsReview: false, escalatedTo: escalated == nil ? nil : "DTU",
            escalatedAt: escalated.map(date), layer2AnsweredAt: answered.map(date))
    }

    func testDeadlinesAndLayer2Scores() throws {
        let sla = SLA()
        // Received Friday 7 Feb 2025 10:00 WIB: 1 working day -> Monday 10:00; escalated -> 3 -> Wednesday 10:00.
        let friday = date("2025-02-07T10:00:00+07:00")
        XCTAssertEqual(
            try sla.due(ticket(created: "2025-02-07T10:00:00+07:00"), since: friday), date("2025-02-10T10:00:00+07:00"))
        XCTAssertEqual(
            try sla.due(
                ticket(created: "2025-02-07T10:00:00+07:00", escalated: "2025-02-07T11:00:00+07:00"),
                since: friday), date("2025-02-12T10:00:00+07:00"))
        // Escalated Friday 24 Jan 2025; Monday 27 Jan (Isra Mikraj) and Tuesday 28 (leave) do not count.
        let h = "2025-01-24T11:00:00+07:00"
        XCTAssertEqual(
            try sla.layer2Score(ticket(created: h, escalated: h, answered: "2025-01-24T15:00:00+07:00")), 120)
        XCTAssertEqual(
            try sla.layer2Score(ticket(created: h, escalated: h, answered: "2025-01-29T09:00:00+07:00")), 120,
            "Wednesday 29 Jan is Imlek too: Thursday 30 is H+1")
        XCTAssertEqual(try sla.layer2Days(ticket(created: h, escalated: h, answered: "2025-01-30T09:00:00+07:00")), 1)
        XCTAssertEqual(
            try sla.layer2Score(ticket(created: h, escalated: h, answered: "2025-02-03T09:00:00+07:00")), 100)
        XCTAssertEqual(try sla.layer2Score(ticket(created: h, escalated: h, answered: "2025-02-06T09:00:00+07:00")), 80)
        XCTAssertNil(try sla.layer2Score(ticket(created: h, escalated: h)))
    }

    func testMonitorRemindsOnceAndRecordsTheBreachOnce() throws {
        let db = try SurelDatabase(inMemory: ())
        var t = ticket(created: "2025-02-07T10:00:00+07:00")
        var answered = ticket(created: "2025-02-07T10:00:00+07:00", status: .answered, sequence: 2)
        try db.writer.write {
            try t.insert($0); try answered.insert($0)
        }
        var config = try SurelConfig.parse(
            """
            [mailbox]
            url = "imap://127.0.0.1:10143/INBOX"
            user = "cc"
            password = "x"
            tls = "none"
            [smtp]
            url = "smtp://127.0.0.1:10025"
            tls = "none"
            from = "Contact Center DJPK <callcenter.djpk@kemenkeu.go.id>"
            [supervisor]
            email = "spv@kemenkeu.go.id"
            [sla]
            reminder_before = "2h"
            """, environment: [:])
        config.outbox.templates = TestEnv.packageRoot.appendingPathComponent("mail-templates").path
        let monitor = SLAMonitor(
            database: db, config: config,
            templates: try MailTemplates(directory: config.outbox.templates!), logger: Logger(label: "t"))
        // Due Monday 10 Feb 10:00 WIB.
        XCTAssertEqual(try monitor.check(now: date("2025-02-10T07:00:00+07:00")), SLAMonitor.Report())
        XCTAssertEqual(try monitor.check(now: date("2025-02-10T08:30:00+07:00")), SLAMonitor.Report(reminders: 1))
        XCTAssertEqual(try monitor.check(now: date("2025-02-10T09:00:00+07:00")), SLAMonitor.Report(), "once")
        let reminders = try db.outbox()
        XCTAssertEqual(reminders.flatMap(\.recipientList), ["spv@kemenkeu.go.id"])
        XCTAssertEqual(reminders.first?.purpose, .reminder)
        XCTAssertEqual(try monitor.check(now: date("2025-02-10T10:01:00+07:00")), SLAMonitor.Report(breaches: 1))
        XCTAssertEqual(try monitor.check(now: date("2025-02-11T10:01:00+07:00")), SLAMonitor.Report(), "once")
        XCTAssertEqual(
            try SLA().entries(db, now: date("2025-02-11T10:01:00+07:00")).entries.map(\.ticket.sequence), [1],
            "answered tickets owe nothing")
    }

    /// A follow-up that reopens an answered ticket is a new question with its own deadline, not one breached at
    /// once; an escalated ticket the agent answered in the meantime is still owed the unit's answer; letters and
    /// spam owe none; a ticket of a year the calendar lacks is reported, not a failure of all the others.
    func testWhatIsOwedAndFromWhen() throws {
        let db = try SurelDatabase(inMemory: ())
        var reopened = ticket(created: "2025-02-03T10:00:00+07:00", status: .open, sequence: 1)
        var interim = ticket(
            created: "2025-02-10T10:00:00+07:00", escalated: "2025-02-10T11:00:00+07:00",
            status: .answered, sequence: 2)
        var letter = ticket(created: "2025-02-10T10:00:00+07:00", sequence: 3)
        letter.category = "surat-masuk"
        var spam = ticket(created: "2025-02-10T10:00:00+07:00", sequence: 4)
        spam.category = "spam"
        var future = ticket(created: "2031-03-03T10:00:00+07:00", sequence: 5)
        try db.writer.write { db in
            for i in [0, 1, 2, 3, 4] {
                switch i {
                case 0: try reopened.insert(db)
                case 1: try interim.insert(db)
                case 2: try letter.insert(db)
                case 3: try spam.insert(db)
                default: try future.insert(db)
                }
            }
            // Answered on the 3rd, then a follow-up on Monday 10 Feb 09:00 reopened it.
            var e = TicketEvent(
                id: nil, ticketID: reopened.id!, at: date("2025-02-10T09:00:00+07:00"), kind: "reopened",
                detail: "message x")
            try e.insert(db)
        }
        let (entries, undated) = try SLA().entries(db, now: date("2025-02-10T12:00:00+07:00"))
        XCTAssertEqual(entries.map(\.ticket.sequence), [1, 2])
        let first = try XCTUnwrap(entries.first { $0.ticket.sequence == 1 })
        XCTAssertEqual(first.due, date("2025-02-11T09:00:00+07:00"), "1 working day from the follow-up")
        XCTAssertFalse(first.breached)
        XCTAssertEqual(entries.first { $0.ticket.sequence == 2 }?.due, date("2025-02-13T10:00:00+07:00"))
        XCTAssertEqual(undated.map(\.sequence), [5])
    }
}
