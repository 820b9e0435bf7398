// One way from a composed mail to the outbox row that sends it: sender, recipients, subject, text and thread
// headers are those of the mail itself, so they cannot drift apart.
import Foundation
import SurelMail
import SurelStore

extension OutgoingMail {
    /// Composes the mail and makes its outbox record.
    public func record(ticketID: Int64?, purpose: OutboxPurpose, messageIDDomain: String, date: Date = Date())
        -> OutgoingRecord
    {
        let (id, raw) = MailComposer.compose(self, messageIDDomain: messageIDDomain, date: date)
        return OutgoingRecord(
            ticketID: ticketID, purpose: purpose, messageID: id, raw: raw, subject: subject, text: text,
            fromName: from.name, fromEmail: from.email, recipients: (to + cc).map(\.email),
            inReplyTo: inReplyTo.map { [$0] } ?? [], references: references)
    }
}
