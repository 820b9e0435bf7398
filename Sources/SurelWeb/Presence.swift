// Who has a ticket open, and who is writing an answer on it: kept in the console's memory (one process serves the
// console; a restart forgets it, which costs nothing). A ticket's page reports itself every few seconds from
// surel.js and shows the others; without the script, opening the page still counts.
import Foundation

final class Presence: @unchecked Sendable {
    struct Seen: Sendable {
        var at: Date
        var answeringAt: Date?
    }
    /// A visit counts this long after its last report.
    static let window: TimeInterval = 60
    private let lock = NSLock()
    private var all: [String: [String: Seen]] = [:]

    /// `user` has `ticket` open (and is typing an answer, when `answering`); returns the others there now.
    func report(ticket: String, user: String, answering: Bool, now: Date = Date()) -> [(name: String, answering: Bool)]
    {
        lock.withLock {
            var here = all[ticket, default: [:]].filter { now.timeIntervalSince($0.value.at) < Self.window }
            var mine = here[user] ?? Seen(at: now)
            mine.at = now
            // Each report says whether the user is typing now: one that stopped (or left the page) is not.
            mine.answeringAt = answering ? now : nil
            here[user] = mine
            all[ticket] = here
            // Forget tickets nobody looks at any more, so the table stays as small as the number of open pages.
            if all.count > 1000 {
                all = all.filter { $0.value.values.contains { now.timeIntervalSince($0.at) < Self.window } }
            }
            return here.filter { $0.key != user }.sorted { $0.key < $1.key }.map {
                ($0.key, $0.value.answeringAt.map { now.timeIntervalSince($0) < Self.window } ?? false)
            }
        }
    }
}
