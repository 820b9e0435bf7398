// Reading the call-center mailbox over IMAP with libcurl.
// libcurl has no IDLE and no batched literal FETCH (a custom `UID FETCH 1:n BODY.PEEK[]` returns the untagged
// lines but drops the literals), so messages are fetched one by one through `;UID=n` URLs on one kept-open
// connection with a large receive buffer (DESIGN.md: 2.2 s for 10,000 messages / 325 MB here), kept below the
// 300 KB that Debian's libcurl allows one transfer's response lines (see `CurlTransportOptions.receiveBufferSize`).
// `;UID=n` sends `UID FETCH n BODY[]`, which sets \Seen: that is libcurl's behaviour, and harmless here.
import Foundation

/// Where the mailbox is and how to log in.
public struct IMAPEndpoint: Sendable {
    public enum Security: String, Sendable { case required, starttls, none }
    /// `imap` or `imaps`.
    public var scheme: String
    public var host: String
    public var port: Int?
    public var folder: String
    public var user: String
    public var password: String
    public var security: Security
    public var caFile: String?

    public init(
        scheme: String, host: String, port: Int?, folder: String, user: String, password: String,
        security: Security, caFile: String?
    ) {
        self.scheme = scheme; self.host = host; self.port = port; self.folder = folder; self.user = user
        self.password = password; self.security = security; self.caFile = caFile
    }

    /// `imap://host:port` with IPv6 literals bracketed.
    var base: String {
        let h = host.contains(":") ? "[\(host)]" : host
        return "\(scheme)://\(h)" + (port.map { ":\($0)" } ?? "")
    }
    /// Shown in logs and errors: no user, no password.
    public var displayURL: String { "\(base)/\(folder)" }
}

public struct MailboxStatus: Sendable, Equatable {
    public var uidValidity: Int64
    public var uidNext: Int64?
    public var messages: Int?
}

/// What to do on the server with a message once it is committed to the store.
public enum AfterStoreAction: Sendable, Equatable {
    case flag(keyword: String)
    case move(folder: String)
    case delete
}

/// The role: a mailbox from which messages are read by UID.
public protocol MailSource: AnyObject {
    var displayName: String { get }
    func status() throws -> MailboxStatus
    /// UIDs strictly above `uid`, ascending; `uidNext` (from `status`) lets a long range be asked in pieces.
    func uids(above uid: Int64, uidValidity: Int64, uidNext: Int64?) throws -> [Int64]
    /// The raw message, or nil when it no longer exists.
    func fetch(uid: Int64, uidValidity: Int64) throws -> Data?
    /// Flags, moves or deletes these messages, in one command per batch.
    func apply(_ action: AfterStoreAction, uids: [Int64], uidValidity: Int64) throws
    /// A second connection to the same mailbox, so fetching can run beside the rest.
    func sibling() -> MailSource
}

public enum IMAPError: Error, CustomStringConvertible, Sendable {
    case transport(CurlError)
    case uidValidityChanged(expected: Int64)
    case unexpectedResponse(String)
    /// The server answered the FETCH of a message it still lists with a refusal (NO/BAD).
    case fetchRefused(uid: Int64, reason: String)

    public var isConnectionError: Bool {
        if case .transport(let e) = self { return e.isConnectionError }
        return false
    }
    public var description: String {
        switch self {
        case .transport(let e):
            if e.isLoginDenied { return "IMAP login refused (check user and password): \(e.message)" }
            if e.isTLSVerification {
                return "IMAP TLS failed (certificate not trusted or TLS unavailable): \(e.message)"
            }
            return "IMAP: \(e.message) (curl \(e.code))"
        case .uidValidityChanged(let v): return "mailbox UIDVALIDITY is no longer \(v)"
        case .unexpectedResponse(let s): return "unexpected IMAP response: \(s)"
        case .fetchRefused(let uid, let reason): return "the server refused to deliver message UID \(uid): \(reason)"
        }
    }
}

/// The mechanism: libcurl over one reused connection.
public final class CurlIMAPSource: MailSource {
    public let endpoint: IMAPEndpoint
    private let curl: CurlHandle
    private var createdFolders: Set<String> = []

    public init(endpoint: IMAPEndpoint) {
        self.endpoint = endpoint
        let opts = CurlTransportOptions(
            user: endpoint.user, password: endpoint.password,
            requireTLS: endpoint.security != .none, caFile: endpoint.caFile)
        curl = CurlHandle(options: opts)
    }

    public var displayName: String { endpoint.displayURL }

    /// Logs in and reads the folder's status: what `surel check-config` calls, and what starts every poll.
    /// It runs on a new connection: STATUS on the mailbox a connection has selected may answer from that
    /// connection's stale view (Dovecot did, after the folder was deleted and recreated by another client),
    /// and libcurl only re-checks UIDVALIDITY when it SELECTs again. The new connection is then kept for the poll.
    public func status() throws -> MailboxStatus {
        let out = try run(
            url: endpoint.base + "/", command: "STATUS \(Self.quote(endpoint.folder)) (UIDVALIDITY UIDNEXT MESSAGES)",
            freshConnection: true)
        return try Self.parseStatus(String(decoding: out, as: UTF8.self))
    }

    public func uids(above uid: Int64, uidValidity: Int64, uidNext: Int64?) throws -> [Int64] {
        // One SEARCH answer counts against libcurl's 300 KB limit on a transfer's response lines (56,000 UIDs
        // exceeded it): ask in windows of `searchWindow` UIDs up to UIDNEXT, then `n:*` for anything newer.
        // `n:*` always matches the highest UID even when it is below n: filter client-side.
        var found: [Int64] = []
        var low = uid + 1
        let next = uidNext ?? low
        while next - low > Self.searchWindow {
            let out = try run(
                url: folderURL(uidValidity), command: "UID SEARCH UID \(low):\(low + Self.searchWindow - 1)")
            found += Self.parseSearch(String(decoding: out, as: UTF8.self))
            low += Self.searchWindow
        }
        let out = try run(url: folderURL(uidValidity), command: "UID SEARCH UID \(low):*")
        found += Self.parseSearch(String(decoding: out, as: UTF8.self))
        return Array(Set(found.filter { $0 > uid })).sorted()
    }

    /// UIDs asked for per SEARCH: at most ~10 bytes each in the answer, well under libcurl's 300 KB.
    static let searchWindow: Int64 = 20_000

    public func fetch(uid: Int64, uidValidity: Int64) throws -> Data? {
        do {
            let data = try curl.perform(url: folderURL(uidValidity) + "/;UID=\(uid)")
            return data.isEmpty ? nil : data
        } catch let e as CurlError {
            if e.isCommandRefused {
                if e.message.localizedCaseInsensitiveContains("UIDVALIDITY") {
                    throw IMAPError.uidValidityChanged(expected: uidValidity)
                }
                // libcurl reports a tagged NO/BAD and an OK without the message alike: only a message the
                // server no longer lists was expunged between SEARCH and FETCH.
                let listed = try run(url: folderURL(uidValidity), command: "UID SEARCH UID \(uid)")
                if Self.parseSearch(String(decoding: listed, as: UTF8.self)).contains(uid) {
                    throw IMAPError.fetchRefused(uid: uid, reason: e.message)
                }
                return nil
            }
            throw IMAPError.transport(e)
        }
    }

    public func apply(_ action: AfterStoreAction, uids: [Int64], uidValidity: Int64) throws {
        guard !uids.isEmpty else { return }
        let url = folderURL(uidValidity)
        // Keep each command line short (servers limit it): at most 500 ranges per command.
        for set in Self.uidSets(uids, maxRanges: 500) {
            switch action {
            case .flag(let keyword):
                _ = try run(url: url, command: "UID STORE \(set) +FLAGS.SILENT (\(keyword))")
            case .move(let folder):
                try createFolderOnce(folder)
                _ = try run(url: url, command: "UID MOVE \(set) \(Self.quote(folder))")
            case .delete:
                _ = try run(url: url, command: "UID STORE \(set) +FLAGS.SILENT (\\Deleted)")
                _ = try run(url: url, command: "UID EXPUNGE \(set)")  // RFC 4315: only these, not others' \Deleted
            }
        }
    }

    public func sibling() -> MailSource { CurlIMAPSource(endpoint: endpoint) }

    /// IMAP sequence sets ("1:5,7,9:12") for sorted or unsorted UIDs, split every `maxRanges` ranges.
    static func uidSets(_ uids: [Int64], maxRanges: Int) -> [String] {
        var sets: [String] = []
        var ranges: [String] = []
        var sorted = Array(Set(uids)).sorted()[...]
        while let first = sorted.popFirst() {
            var last = first
            while let next = sorted.first, next == last + 1 { last = next; sorted.removeFirst() }
            ranges.append(first == last ? "\(first)" : "\(first):\(last)")
            if ranges.count == maxRanges { sets.append(ranges.joined(separator: ",")); ranges = [] }
        }
        if !ranges.isEmpty { sets.append(ranges.joined(separator: ",")) }
        return sets
    }

    // MARK: mailbox administration (tests, demo)

    public func append(_ raw: Data, to folder: String? = nil) throws {
        do {
            _ = try curl.perform(url: endpoint.base + "/" + Self.pathEscape(folder ?? endpoint.folder), upload: raw)
        } catch let e as CurlError { throw IMAPError.transport(e) }
    }

    public func createFolder(_ folder: String) throws {
        _ = try run(url: endpoint.base + "/", command: "CREATE \(Self.quote(folder))")
    }

    public func deleteFolder(_ folder: String) throws {
        _ = try run(url: endpoint.base + "/", command: "DELETE \(Self.quote(folder))")
    }

    /// The keywords/flags of a message, e.g. to check that `$SurelStored` was set.
    public func flags(uid: Int64, uidValidity: Int64) throws -> String {
        let out = try run(url: folderURL(uidValidity), command: "UID FETCH \(uid) (FLAGS)")
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: internals

    private func createFolderOnce(_ folder: String) throws {
        guard !createdFolders.contains(folder) else { return }
        do { try createFolder(folder) } catch IMAPError.transport(let e) where e.isCommandRefused {
            // Already exists: fine.
        }
        createdFolders.insert(folder)
    }

    private func folderURL(_ uidValidity: Int64) -> String {
        endpoint.base + "/" + Self.pathEscape(endpoint.folder) + ";UIDVALIDITY=\(uidValidity)"
    }

    private func run(url: String, command: String, freshConnection: Bool = false) throws -> Data {
        do { return try curl.perform(url: url, customRequest: command, freshConnection: freshConnection) } catch let e
            as CurlError
        {
            if e.message.localizedCaseInsensitiveContains("UIDVALIDITY"), let v = Self.uidValidity(inURL: url) {
                throw IMAPError.uidValidityChanged(expected: v)
            }
            throw IMAPError.transport(e)
        }
    }

    private static func uidValidity(inURL url: String) -> Int64? {
        guard let r = url.range(of: ";UIDVALIDITY=") else { return nil }
        return Int64(url[r.upperBound...].prefix { $0.isNumber })
    }

    static func quote(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    static func pathEscape(_ s: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: ";?#%")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
    }

    static func parseStatus(_ text: String) throws -> MailboxStatus {
        func number(_ key: String) -> Int64? {
            guard let r = text.range(of: key + " ", options: .caseInsensitive) else { return nil }
            return Int64(text[r.upperBound...].prefix { $0.isNumber })
        }
        guard let v = number("UIDVALIDITY") else { throw IMAPError.unexpectedResponse(String(text.prefix(200))) }
        return MailboxStatus(uidValidity: v, uidNext: number("UIDNEXT"), messages: number("MESSAGES").map(Int.init))
    }

    static func parseSearch(_ text: String) -> [Int64] {
        var out: [Int64] = []
        // Split on Character.isNewline: "\r\n" is one Character in Swift.
        for line in text.split(whereSeparator: \.isNewline) where line.hasPrefix("* SEARCH") {
            out += line.dropFirst(8).split(separator: " ").compactMap { Int64($0) }
        }
        return out
    }
}
