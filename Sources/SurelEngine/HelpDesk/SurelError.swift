// The errors an operator, agent or staff member can cause, in words they can act on, and the one mapping from
// their kind to the exit code of the CLI (and, later, the status of the web console). Errors of the layers below
// (store, workflow, blasts, classifier, configuration) become a SurelError in `SurelError.init?(_:)`, here only.
import Foundation
import SurelStore

public struct SurelError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable, CaseIterable {
        /// The actor may not see or do this (a confidential ticket).
        case refused
        /// No such ticket, message, list, blast, file ...
        case notFound
        /// The input is wrong: a broken template, an address that is not one, an unknown category or unit.
        case invalid
        /// The thing is not in a state that allows it: a closed ticket, a blast that is done or sent elsewhere.
        case conflict
        /// The configuration lacks what this needs (`[smtp]`, templates, a model).
        case configuration
        /// It was tried and did not work (a quarantined mail that still cannot be parsed, a server that refused).
        case failed
    }

    public var kind: Kind
    public var message: String
    public var description: String { message }

    public init(_ kind: Kind, _ message: String) { self.kind = kind; self.message = message }

    /// The CLI's exit status for each kind (2 is ArgumentParser's for a usage mistake).
    public var exitCode: Int32 {
        switch kind {
        case .failed: return 1
        case .refused: return 3
        case .notFound: return 4
        case .invalid: return 5
        case .conflict: return 6
        case .configuration: return 7
        }
    }

    /// The user-facing form of an error from the layers below; nil for errors no person caused (a disk error, a
    /// bug), which the front end reports as they are.
    public init?(_ error: Error) {
        switch error {
        case let e as SurelError: self = e
        case let e as ConfigError: self.init(.configuration, "invalid configuration:\n\(e.description)")
        case let e as StoreError:
            if case .newerThanThisSurel = e {
                self.init(.configuration, e.description)
            } else {
                self.init(.notFound, e.description)
            }
        case let e as WorkflowError: self.init(.conflict, e.description)
        case let e as BlastError:
            switch e {
            case .noSuchList, .noSuchBlast: self.init(.notFound, e.description)
            case .emptyList: self.init(.invalid, e.description)
            case .cannot, .sendingElsewhere: self.init(.conflict, e.description)
            }
        case let e as BlastMail.Failure: self.init(.invalid, e.message)
        case let e as ClassifierService.Failure:
            switch e {
            case .noTrainingData: self.init(.configuration, e.description)
            case .unknownCategory: self.init(.invalid, e.description)
            case .noSuchTicket: self.init(.notFound, e.description)
            }
        case let e as Backup.Failure: self.init(.conflict, e.description)
        case let e as Ingestor.RetryRefused: self.init(e.isMissing ? .notFound : .conflict, e.description)
        default: return nil
        }
    }
}
