// JSON shapes printed by the CLI. Field names are part of the interface (external checks read them).
import Foundation
import SurelCore
import SurelStore
import SurelEngine

enum Format {
    static func iso(_ d: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: d)
    }
    /// Agent-facing dates in WIB.
    static func date(_ d: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "id_ID")
        f.timeZone = TimeZone(identifier: "Asia/Jakarta")
        f.dateFormat = "yyyy-MM-dd HH:mm 'WIB'"
        return f.string(from: d)
    }
}

struct TicketJSON: ExplicitNullsEncodable {
    var number: String
    var status: String
    var category: String
    var confidence: Double?
    /// The rules that fired and the strongest words.
    var classification: String
    var needs_review: Bool
    var confidential: Bool
    /// Held as a possible complaint, waiting for a confidential reader; null for one who may not read it.
    var held: Bool?
    var sender_name: String?
    var sender_email: String
    var sender_class: String?
    var region: String?
    var province: String?
    var time_zone: String?
    var subject: String
    var created_at: String
    var updated_at: String
    var previous_ticket: String?
    /// The Layer 2 unit it was escalated to, when, and when the unit answered.
    var escalated_to: String?
    var escalated_at: String?
    var layer2_answered_at: String?
    var message_ids: [String]
    var messages: [MessageJSON]?
    var events: [EventJSON]?

    init(_ s: TicketSummary) {
        self.init(s.ticket, messageIDs: s.messageIDs, previous: s.previous)
        confidence = s.confidence
        sender_class = s.senderClass?.rawValue
        held = s.readable ? s.ticket.held : nil
    }

    init(_ t: Ticket, messageIDs: [String], previous: TicketNumber?) {
        number = t.number.description; status = t.status.rawValue; category = t.category
        confidence = t.confidence; classification = t.classificationNote; needs_review = t.needsReview
        confidential = t.confidential; held = t.held; sender_name = t.senderName
        sender_email = t.senderEmail; sender_class = t.senderClass.rawValue; region = t.region
        province = t.province; time_zone = t.timeZone; subject = t.subject; created_at = Format.iso(t.createdAt)
        updated_at = Format.iso(t.updatedAt); message_ids = messageIDs
        previous_ticket = previous?.description
        escalated_to = t.escalatedTo; escalated_at = t.escalatedAt.map(Format.iso)
        layer2_answered_at = t.layer2AnsweredAt.map(Format.iso)
    }
}

struct DuplicateJSON: ExplicitNullsEncodable {
    var id: Int64
    var received_at: String
    var mailbox: String?
    var uid_validity: Int64?
    var uid: Int64?
    var same_bytes: Bool
    var raw_sha256: String
    var matched_message: Int64
    var ticket: String?

    init(_ e: DuplicateEntry) {
        let d = e.duplicate, t = e.ticket
        id = d.id!; received_at = Format.iso(d.receivedAt); mailbox = d.mailbox; uid_validity = d.uidValidity;
        uid = d.uid
        same_bytes = d.sameBytes; raw_sha256 = d.rawSHA256; matched_message = d.matchedMessageRowID
        ticket = t.map { "\($0.number)" }
    }
}

struct MessageJSON: ExplicitNullsEncodable {
    var id: Int64
    var kind: String
    var message_id: String?
    var from_email: String?
    var from_name: String?
    var subject: String
    var received_at: String
    var sent_at: String?
    var size: Int
    var note: String?
    var text: String?
    var in_reply_to: [String]
    var references: [String]
    var bounce_recipient: String?
    var bounce_status: String?
    var bounce_diagnostic: String?
    var bounce_original_message_id: String?
    var attachments: [AttachmentJSON]?

    init(_ m: StoredMessage, attachments atts: [StoredAttachment]) {
        id = m.id!; kind = m.kind.rawValue; message_id = m.messageID; from_email = m.fromEmail; from_name = m.fromName
        subject = m.subject; received_at = Format.iso(m.receivedAt); sent_at = m.sentAt.map(Format.iso)
        size = m.size; note = m.note; text = m.text
        in_reply_to = m.inReplyTo.split(separator: " ").map(String.init)
        references = m.references.split(separator: " ").map(String.init)
        bounce_recipient = m.bounceRecipient; bounce_status = m.bounceStatus; bounce_diagnostic = m.bounceDiagnostic
        bounce_original_message_id = m.bounceOriginalMessageID
        attachments =
            atts.isEmpty
            ? nil
            : atts.map {
                AttachmentJSON(filename: $0.filename, content_type: $0.contentType, size: $0.size, sha256: $0.sha256)
            }
    }
}

struct AttachmentJSON: ExplicitNullsEncodable {
    var filename: String?
    var content_type: String
    var size: Int
    var sha256: String
}

struct EventJSON: ExplicitNullsEncodable {
    var at: String
    var kind: String
    var detail: String
    /// Who acted; null for the system.
    var actor: String?
}

/// Encodes every stored property, writing `null` for nil ones (synthesized Encodable leaves them out), so a
/// reader can rely on each key being present.
protocol ExplicitNullsEncodable: Encodable {}

private struct PropertyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

extension ExplicitNullsEncodable {
    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: PropertyKey.self)
        for child in Mirror(reflecting: self).children {
            guard let label = child.label, let value = child.value as? any Encodable else { continue }
            try container.encode(value, forKey: PropertyKey(stringValue: label))
        }
    }
}

func printJSON<T: Encodable>(_ value: T) {
    let enc = JSONEncoder()
    enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    let data = (try? enc.encode(value)) ?? Data("null".utf8)
    FileHandle.standardOutput.write(Data(TerminalText.jsonEscaped(String(decoding: data, as: UTF8.self)).utf8))
    print("")
}

struct OutboxJSON: ExplicitNullsEncodable {
    var id: Int64
    var status: String
    var purpose: String
    var ticket_id: Int64?
    var recipients: [String]
    var attempts: Int
    var next_attempt_at: String
    var last_error: String?
    var possibly_duplicated: Bool
    var created_at: String
    var sent_at: String?

    init(_ o: OutboxItem) {
        id = o.id!; status = o.status.rawValue; purpose = o.purpose.rawValue; ticket_id = o.ticketID
        recipients = o.recipientList; attempts = o.attempts; next_attempt_at = Format.iso(o.nextAttemptAt)
        last_error = o.lastError; possibly_duplicated = o.possiblyDuplicated; created_at = Format.iso(o.createdAt)
        sent_at = o.sentAt.map(Format.iso)
    }
}

struct SLAJSON: ExplicitNullsEncodable {
    var number: String
    var status: String
    var category: String
    var sender_email: String
    var subject: String
    var created_at: String
    var due_at: String
    var breached: Bool
    var remaining_seconds: Int
    var escalated_to: String?

    init(_ e: SLAEntry, now: Date) {
        number = e.ticket.number.description; status = e.ticket.status.rawValue; category = e.ticket.category
        sender_email = e.ticket.senderEmail; subject = e.ticket.subject; created_at = Format.iso(e.ticket.createdAt)
        due_at = Format.iso(e.due); breached = e.breached; remaining_seconds = Int(e.due.timeIntervalSince(now))
        escalated_to = e.ticket.escalatedTo
    }
}

struct Layer2ScoreJSON: ExplicitNullsEncodable {
    var number: String
    var unit: String
    var escalated_at: String
    var answered_at: String?
    var working_days: Int?
    var score: Int?
}

struct MemberJSON: ExplicitNullsEncodable {
    var email: String
    var name: String?
    var fields: [String: String]
    var suppressed: Bool
}

struct BlastCreatedJSON: ExplicitNullsEncodable {
    var id: Int64
    var recipients: Int
    var suppressed: Int
}

struct BlastStatusJSON: ExplicitNullsEncodable {
    var id: Int64
    var status: String
    var list: String
    var scheduled_at: String?
    var total: Int
    var sent: Int
    var failed: Int
    var bounced: Int
    var pending: Int
    var deferred: Int
    var sending: Int
    /// Recipients whose address was suppressed after the blast was made (unsubscribed, hard-bounced): not mailed.
    var suppressed: Int
    /// Recipients that were in flight at a crash and may have received it twice.
    var possibly_duplicated: Int
    /// Recipients whose mail came back with a soft (4.x.x) bounce; still counted as sent.
    var soft_bounced: Int
    /// Mails per second over the last minute, and when the rest should be sent at that rate.
    var rate_per_second: Double
    var estimated_finish: String?

    init(_ p: BlastProgress) {
        let b = p.blast
        id = b.id; status = b.status.rawValue; list = b.listName; scheduled_at = b.scheduledAt.map(Format.iso)
        total = p.total; sent = p.sent; failed = p.failed; bounced = p.bounced
        pending = p.pending; deferred = p.deferred; sending = p.sending; suppressed = p.suppressed
        possibly_duplicated = p.possiblyDuplicated
        soft_bounced = p.softBounced
        rate_per_second = p.ratePerSecond
        estimated_finish = p.estimatedFinish.map(Format.iso)
    }
}

struct SurveyScoresJSON: ExplicitNullsEncodable {
    struct Row: ExplicitNullsEncodable {
        var name: String
        var ratings: Int
        var citizens: Int
        var service: Double
        var substance: Double
        var overall: Double
        var meets_minimum: Bool
    }
    struct Comment: ExplicitNullsEncodable {
        var number: String
        var at: String
        var agent: String?
        var text: String
    }
    var month: String
    var agents: [Row]
    var units: [Row]
    var comments: [Comment]
    var hidden_comments: Int

    init(_ s: SurveyScores) {
        // One decimal, as the monthly report gives them.
        func row(_ r: SurveyScores.Row) -> Row {
            func one(_ x: Double) -> Double { (x * 10).rounded() / 10 }
            return Row(
                name: r.name, ratings: r.ratings, citizens: r.citizens, service: one(r.service),
                substance: one(r.substance), overall: one(r.overall), meets_minimum: r.meetsMinimum)
        }
        month = s.month
        agents = s.agents.map(row)
        units = s.units.map(row)
        comments = s.comments.map {
            Comment(number: $0.number.description, at: Format.iso($0.at), agent: $0.agent, text: $0.text)
        }
        hidden_comments = s.hiddenComments
    }
}
