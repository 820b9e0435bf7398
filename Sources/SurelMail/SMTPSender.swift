// Sending mail over SMTP with libcurl: one handle, so consecutive mails reuse the connection; TLS verified as for
// IMAP (implicit for smtps://, mandatory STARTTLS for smtp:// unless the config says none on loopback).
// Errors are sorted by what the outbox should do: retry later (no connection, a 4xx reply) or give up (a 5xx
// reply, which the agent then reads on the ticket).
import CCurl
import Foundation

public struct SMTPEndpoint: Sendable {
    /// `smtp` or `smtps`.
    public var scheme: String
    public var host: String
    public var port: Int?
    /// Empty: no SMTP AUTH.
    public var user: String
    public var password: String
    public var security: IMAPEndpoint.Security
    public var caFile: String?

    public init(
        scheme: String, host: String, port: Int?, user: String, password: String,
        security: IMAPEndpoint.Security, caFile: String?
    ) {
        self.scheme = scheme; self.host = host; self.port = port; self.user = user; self.password = password
        self.security = security; self.caFile = caFile
    }

    /// `smtp://host:port`, without credentials: also what logs show.
    public var displayURL: String {
        let h = host.contains(":") ? "[\(host)]" : host
        return "\(scheme)://\(h)" + (port.map { ":\($0)" } ?? "")
    }
}

public enum SendError: Error, CustomStringConvertible, Sendable, Equatable {
    /// Worth another try later: no connection, a timeout, or a 4xx reply.
    case transient(String)
    /// The server refused for good (a 5xx reply): its words, for the agent.
    case permanent(reply: Int, String)

    public var description: String {
        switch self {
        case .transient(let m): return m
        case .permanent(let code, let m): return "\(code): \(m)"
        }
    }
}

/// Sends raw messages; the outbox depends on this, tests on the real one.
public protocol MailSender: AnyObject {
    func send(_ raw: Data, from: String, to recipients: [String]) throws
    var displayName: String { get }
}

public final class CurlSMTPSender: MailSender {
    let endpoint: SMTPEndpoint
    private lazy var handle = CurlHandle(
        options: {
            var o = CurlTransportOptions(
                user: endpoint.user, password: endpoint.password,
                requireTLS: endpoint.security != .none, caFile: endpoint.caFile)
            o.receiveBufferSize = 64 * 1024
            return o
        }())

    public init(endpoint: SMTPEndpoint) { self.endpoint = endpoint }

    public var displayName: String { endpoint.displayURL }

    public func send(_ raw: Data, from: String, to recipients: [String]) throws {
        try EnvelopeCheck.verify(raw, to: recipients)
        do {
            _ = try handle.perform(url: endpoint.displayURL, upload: raw, envelope: (from, recipients))
        } catch let e as CurlError {
            // A refused login or an unverifiable certificate is our configuration, not the mail: keep it queued
            // (with the reason) until ops fix it, instead of failing every mail for good.
            if e.isLoginDenied { throw SendError.transient("SMTP login refused: check [smtp] user and password") }
            if e.isTLSVerification { throw SendError.transient("TLS: \(e.message) (check [smtp] ca_file)") }
            // libcurl reports a refused MAIL FROM / RCPT TO / DATA with the server's last reply code.
            if e.serverReply >= 500 { throw SendError.permanent(reply: e.serverReply, e.message) }
            throw SendError.transient(e.serverReply >= 400 ? "\(e.serverReply): \(e.message)" : e.message)
        }
    }
}

/// The last look before a mail leaves: the envelope names exactly the addresses the mail itself is addressed to
/// (To and Cc), each one valid addr-spec. A recipient list that was split from a stored string, or a header that
/// names more people than the envelope, is refused for good (it would mail strangers or miss someone).
enum EnvelopeCheck {
    static func verify(_ raw: Data, to recipients: [String]) throws {
        guard !recipients.isEmpty else { throw SendError.permanent(reply: 0, "refused before sending: no recipient") }
        for r in recipients where AddressList.addrSpec(Array(r.utf8)) != r.lowercased() {
            throw SendError.permanent(reply: 0, "refused before sending: \"\(r.prefix(80))\" is not one valid address")
        }
        let headers = try MIMEParser.parseHeaders(raw)
        let addressed = Set((headers.to + headers.cc).map(\.email))
        guard addressed == Set(recipients.map { $0.lowercased() }) else {
            throw SendError.permanent(
                reply: 0,
                "refused before sending: the envelope (\(recipients.count) addresses) and the mail's To and Cc "
                    + "(\(addressed.count)) differ")
        }
    }
}
