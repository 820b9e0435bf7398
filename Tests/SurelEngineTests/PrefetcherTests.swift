// The prefetch thread's queued jobs (the server-side actions of each batch of stored messages).
import Foundation
import XCTest
import SurelMail
@testable import SurelEngine

final class PrefetcherTests: XCTestCase {
    /// After a batch's action fails, the later batches' are skipped: each ends by recording "done through UID n",
    /// which would cover the failed batch's UIDs, and then nothing would ever flag, move or delete them.
    func testNoJobRunsAfterOneFailed() throws {
        struct Refused: Error {}
        // Never connects: no message to fetch, and the jobs do not use the connection.
        let source = CurlIMAPSource(
            endpoint: IMAPEndpoint(
                scheme: "imap", host: "127.0.0.1", port: 1, folder: "INBOX",
                user: "x", password: "x", security: .none, caFile: nil))
        let prefetcher = Prefetcher<Int>(source: source, uids: [], uidValidity: 1) { _, _, _ in 0 }
        defer { prefetcher.cancel() }
        XCTAssertNil(prefetcher.next())
        let ran = NSLock()
        var done: [String] = []
        func job(_ name: String, fails: Bool = false) -> (MailSource) throws -> Void {
            { _ in
                ran.lock(); done.append(name); ran.unlock()
                if fails { throw Refused() }
            }
        }
        var reported = 0  // by the enqueue after the failure or by waitForJobs, whichever comes first
        for (name, fails) in [("A", true), ("B", false), ("C", false)] {
            do { try prefetcher.enqueue(job(name, fails: fails)) } catch { reported += 1 }
        }
        do { try prefetcher.waitForJobs() } catch { reported += 1 }
        XCTAssertEqual(reported, 1)
        ran.lock(); defer { ran.unlock() }
        XCTAssertEqual(done, ["A"])
    }
}
