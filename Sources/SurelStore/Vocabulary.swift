// The words the store writes into its state columns, as Swift enums: a query binds them as arguments, so a typo is
// a compile error rather than a row no query ever finds again. (MessageKind and TicketStatus are SurelCore's;
// OutboxStatus and BlastStatus are beside their tables.)
import Foundation
import GRDB

/// Where one recipient of a blast stands. It only moves forward: pending -> sending -> sent | deferred | failed |
/// bounced, and pending or deferred -> suppressed when the address was suppressed after the blast was made.
public enum BlastRecipientState: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
    case pending, sending, sent, deferred, failed, bounced, suppressed
}

/// Why a mail is in the outbox.
public enum OutboxPurpose: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
    /// The automatic answer to a new consultation, with its ticket number and deadline.
    case acknowledgement
    /// The automatic answer to an official letter (Surat Masuk).
    case receipt
    /// An agent's answer to the citizen.
    case answer
    /// The notice to a Layer 2 unit.
    case escalation
    /// The BAK mailed to the citizen when the ticket is closed.
    case bak
    /// A reminder to the supervisor before a deadline.
    case reminder
    /// `surel outbox send-test`.
    case test
    /// `surel blast test`: one recipient's blast mail to a test address.
    case blastTest = "blast-test"
}

extension TicketEvent {
    /// What happened to a ticket, as its history records it.
    public enum Kind: String, Sendable, CaseIterable {
        case created, followup, reopened
        /// An agent's action: answer, escalation, Layer 2 answer, close.
        case action
        case status
        case layer2Answer = "layer2-answer"
        case categoryAccepted = "category-accepted"
        case categorySet = "category-set"
        /// Held as a possible complaint at opening (the reason), cleared to a category or confirmed by a reader.
        case held
        case holdCleared = "hold-cleared"
        case complaintConfirmed = "complaint-confirmed"
        case autoreply, bounce
        case autoMailSuppressed = "auto-mail-suppressed"
        case mailFailed = "mail-failed"
        case slaReminder = "sla-reminder"
        case slaBreach = "sla-breach"
        /// The citizen rated the consultation (the satisfaction survey after the BAK).
        case surveyRated = "survey-rated"
    }

    public init(ticketID: Int64, at: Date, kind: Kind, detail: String, actor: String? = nil) {
        self.init(id: nil, ticketID: ticketID, at: at, kind: kind.rawValue, detail: detail, actor: actor)
    }
}
