// Where a category classifier plugs into ingest. The statistical and rule-based classifier is a later module;
// until it exists every new ticket is `unclassified`.
import Foundation

public struct ClassificationInput: Sendable {
    public var subject: String
    public var text: String
    public var senderEmail: String
    /// The sender's display name ("Ditjen Perimbangan Keuangan" in a phishing mail from gmail).
    public var senderName: String
    public var headers: [(name: String, value: String)]
    public var attachmentNames: [String]
    /// The HTML part as sent, if any (`text` is it made readable); its markup is evidence for the spam model.
    public var html: String?
    /// The sender's class when the caller already looked it up (else derived from `senderEmail` when needed).
    public var senderClass: SenderClass?
    public init(
        subject: String, text: String, senderEmail: String,
        headers: [(name: String, value: String)], attachmentNames: [String], html: String? = nil,
        senderName: String = ""
    ) {
        self.subject = subject; self.text = text; self.senderEmail = senderEmail; self.senderName = senderName
        self.headers = headers; self.attachmentNames = attachmentNames; self.html = html
    }
}

public struct Classification: Sendable, Equatable {
    public var category: String
    public var confidence: Double
    /// Human-readable reasons: rules that fired, strongest words.
    public var explanation: String
    /// Why the mail may be a complaint: the ticket is then held, confidential until a confidential reader clears
    /// or confirms it. nil: not held.
    public var hold: String?
    public init(category: String, confidence: Double, explanation: String, hold: String? = nil) {
        self.category = category; self.confidence = confidence; self.explanation = explanation; self.hold = hold
    }
}

public protocol Classifier: Sendable {
    func classify(_ input: ClassificationInput) -> Classification
}

/// The classifier used until a real one is configured.
public struct UnclassifiedClassifier: Classifier {
    public init() {}
    public func classify(_ input: ClassificationInput) -> Classification {
        Classification(category: unclassifiedCategory, confidence: 0, explanation: "no classifier configured")
    }
}
