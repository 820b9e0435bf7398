// The satisfaction survey's links: a token naming the ticket and an expiry, signed with HMAC-SHA256 under a key the
// installation makes once (32 random bytes in a 0600 file beside the store, never in the configuration or a log).
// Only the BAK mail carries one; the public survey page checks it before showing or recording anything.
import Foundation
import SurelCore

public enum SurveyLink {
    public enum Problem: Error, Equatable {
        /// Not a token, or its signature does not match (changed, or made by another installation).
        case invalid
        case expired
    }

    /// The token for `ticket`, valid until `expires`.
    public static func token(ticket: TicketNumber, expires: Date, key: [UInt8]) -> String {
        let payload = "\(ticket).\(Int64(expires.timeIntervalSince1970))"
        return payload + "." + base64URL(HMACSHA256.mac(key: key, message: Array(("survey1:" + payload).utf8)))
    }

    /// The ticket a token names, when its signature holds and it has not expired.
    public static func verify(_ token: String, key: [UInt8], now: Date) -> Result<TicketNumber, Problem> {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard token.count <= 200, parts.count == 3, let ticket = TicketNumber(String(parts[0])),
            let expires = Int64(parts[1])
        else { return .failure(.invalid) }
        let payload = "\(parts[0]).\(parts[1])"
        let expected = base64URL(HMACSHA256.mac(key: key, message: Array(("survey1:" + payload).utf8)))
        // Compared in time independent of where they differ.
        let given = Array(parts[2].utf8), wanted = Array(expected.utf8)
        guard given.count == wanted.count, zip(given, wanted).reduce(0, { $0 | ($1.0 ^ $1.1) }) == 0 else {
            return .failure(.invalid)
        }
        guard Double(expires) > now.timeIntervalSince1970 else { return .failure(.expired) }
        return .success(ticket)
    }

    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}

public enum SurveyKey {
    /// The key in `path`, made there (32 random bytes, mode 0600) the first time. Two processes making it at once
    /// agree: each writes its own file and links it into place; the second link fails and that process reads the
    /// first one's key.
    public static func load(path: String) throws -> [UInt8] {
        if let data = FileManager.default.contents(atPath: path) {
            guard data.count == 32 else { throw SurelError(.configuration, "survey key \(path) is not 32 bytes") }
            return Array(data)
        }
        var key = [UInt8](repeating: 0, count: 32)
        var generator = SystemRandomNumberGenerator()
        for i in key.indices { key[i] = UInt8.random(in: 0...255, using: &generator) }
        let temporary = path + ".\(getpid()).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw SurelError(.configuration, "cannot create the survey key beside \(path)") }
        let written = key.withUnsafeBytes { write(fd, $0.baseAddress, 32) }
        fsync(fd)
        close(fd)
        defer { unlink(temporary) }
        guard written == 32 else { throw SurelError(.configuration, "cannot write the survey key \(path)") }
        if link(temporary, path) != 0 {
            guard errno == EEXIST, let data = FileManager.default.contents(atPath: path), data.count == 32 else {
                throw SurelError(.configuration, "cannot create the survey key \(path)")
            }
            return Array(data)
        }
        return key
    }
}

extension SurelConfig {
    /// The survey key's file: `[web] survey_key`, else `survey.key` beside the store.
    public var surveyKeyPath: String {
        let dir = (store.path as NSString).deletingLastPathComponent
        return web.surveyKey ?? ((dir.isEmpty ? "." : dir) + "/survey.key")
    }

    /// The survey link for `ticket` from now, when the installation publishes its pages (`[web] public_url`).
    public func surveyLink(for ticket: TicketNumber, now: Date) throws -> String? {
        guard let base = web.publicURL else { return nil }
        let key = try SurveyKey.load(path: surveyKeyPath)
        return base + "/survei/"
            + SurveyLink.token(ticket: ticket, expires: now.addingTimeInterval(web.surveyValidity), key: key)
    }
}
