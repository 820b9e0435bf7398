// The one wrapper around a libcurl easy handle. Quirks worth knowing:
// - curl_easy_setopt is variadic: Swift calls the typed wrappers in CCurl/shim.h.
// - Reusing one easy handle keeps the IMAP/SMTP connection open between transfers; options persist between
//   transfers, so every call sets (or resets) the options it depends on (custom request, upload).
// - Credentials are set with CURLOPT_USERNAME/PASSWORD, never in the URL, so they never appear in curl's
//   error messages or in our logs; errors are scrubbed of the password once more anyway.
import CCurl
import Foundation

/// Error of one libcurl transfer, with whether retrying later can help.
public struct CurlError: Error, CustomStringConvertible, Sendable {
    public let code: Int
    public let message: String
    /// The last numeric reply of the server (SMTP: 250, 451, 550 ...), 0 when none came.
    public var serverReply: Int = 0
    /// Connection-level (DNS, connect, TLS handshake, dropped connection, timeout): retry with backoff.
    public var isConnectionError: Bool {
        let c = CURLcode(UInt32(code))
        return [
            CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_CONNECT, CURLE_OPERATION_TIMEDOUT, CURLE_SEND_ERROR,
            CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_SSL_CONNECT_ERROR, CURLE_WEIRD_SERVER_REPLY,
            CURLE_PARTIAL_FILE, CURLE_COULDNT_RESOLVE_PROXY,
        ].contains(c)
    }
    public var isLoginDenied: Bool { CURLcode(UInt32(code)) == CURLE_LOGIN_DENIED }
    /// The answer broke off or came garbled once a transfer was under way (not while connecting or logging in):
    /// what a server does when one message makes it fail (Dovecot: BYE after a FETCH of an unreadable file).
    public var brokeMidTransfer: Bool {
        let c = CURLcode(UInt32(code))
        return [CURLE_WEIRD_SERVER_REPLY, CURLE_RECV_ERROR, CURLE_PARTIAL_FILE, CURLE_GOT_NOTHING].contains(c)
    }
    public var isTLSVerification: Bool {
        let c = CURLcode(UInt32(code))
        return c == CURLE_PEER_FAILED_VERIFICATION || c == CURLE_SSL_CACERT_BADFILE || c == CURLE_USE_SSL_FAILED
    }
    /// The server answered NO/BAD to a custom command, or the thing asked for does not exist.
    public var isCommandRefused: Bool {
        let c = CURLcode(UInt32(code))
        return c == CURLE_QUOTE_ERROR || c == CURLE_REMOTE_FILE_NOT_FOUND
    }
    public var description: String { "curl error \(code): \(message)" }
}

private let curlGlobalInit: Void = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

/// Accumulates a response body; libcurl calls `append` from inside `perform`, on the calling thread.
final class ResponseBuffer {
    var data = Data()
}

private let writeToBuffer: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
    ptr, size, count, userdata in
    guard let ptr, let userdata else { return 0 }
    let n = size * count
    Unmanaged<ResponseBuffer>.fromOpaque(userdata).takeUnretainedValue().data
        .append(UnsafeRawPointer(ptr).assumingMemoryBound(to: UInt8.self), count: n)
    return n
}

/// Feeds an upload body to libcurl.
final class UploadSource {
    let data: Data
    var offset = 0
    init(_ data: Data) { self.data = data }
}

private let readFromSource: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
    ptr, size, count, userdata in
    guard let ptr, let userdata else { return 0 }
    let src = Unmanaged<UploadSource>.fromOpaque(userdata).takeUnretainedValue()
    let n = min(size * count, src.data.count - src.offset)
    if n <= 0 { return 0 }
    src.data.withUnsafeBytes { buf in
        UnsafeMutableRawPointer(ptr).copyMemory(from: buf.baseAddress! + src.offset, byteCount: n)
    }
    src.offset += n
    return n
}

/// The server's reply lines of a transfer (libcurl's debug callback, header-in data only: for SMTP the numbered
/// replies, so that a refusal can be shown with the server's own words). Never the data we send.
final class ReplyLog {
    var lines: [String] = []
}

private let collectReplies:
    @convention(c) (
        UnsafeMutableRawPointer?, curl_infotype, UnsafeMutablePointer<CChar>?, Int,
        UnsafeMutableRawPointer?
    ) -> Int32 = { _, type, data, size, userdata in
        guard type == CURLINFO_HEADER_IN, let data, let userdata else { return 0 }
        let text = String(decoding: UnsafeRawBufferPointer(start: data, count: size), as: UTF8.self)
        let log = Unmanaged<ReplyLog>.fromOpaque(userdata).takeUnretainedValue()
        log.lines += text.split(whereSeparator: \.isNewline).map(String.init)
        if log.lines.count > 50 { log.lines.removeFirst(log.lines.count - 50) }
        return 0
    }

/// Transport settings shared by the IMAP and SMTP clients.
public struct CurlTransportOptions: Sendable {
    public var user: String
    public var password: String
    /// `.all`: TLS or fail (implicit for imaps/smtps, STARTTLS otherwise); `.none`: plaintext.
    public var requireTLS: Bool
    /// Extra CA bundle (PEM) to trust, e.g. a private CA; verification itself is never turned off.
    public var caFile: String?
    public var connectTimeout: Int = 15
    /// A transfer slower than 1 byte/s for this many seconds is aborted (a hung server).
    public var stallTimeout: Int = 60
    /// Must stay below 300 KB: Debian 12's libcurl (7.88.1 with the CVE-2023-38039 patch) counts every byte one
    /// IMAP read brings with a FETCH response line as "response headers" and fails the transfer past 307,200
    /// (curl 56, "Too large response headers"); with 512 KB two large mails in a row failed. 256 KB fetched as
    /// fast as 512 KB here.
    public var receiveBufferSize: Int = 256 * 1024
    public init(user: String, password: String, requireTLS: Bool, caFile: String?) {
        self.user = user; self.password = password; self.requireTLS = requireTLS; self.caFile = caFile
    }
}

/// One libcurl easy handle (one connection, reused). Not thread-safe: one owner at a time.
final class CurlHandle {
    private let handle: UnsafeMutableRawPointer
    private let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
    private let options: CurlTransportOptions

    init(options: CurlTransportOptions) {
        _ = curlGlobalInit
        guard let h = curl_easy_init() else { fatalError("curl_easy_init failed: out of memory") }
        handle = h
        self.options = options
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        surel_curl_setopt_pointer(h, CURLOPT_ERRORBUFFER, errorBuffer)
        // No user: no login at all (an SMTP relay without AUTH); libcurl would try AUTH even with an empty name.
        if !options.user.isEmpty {
            surel_curl_setopt_string(h, CURLOPT_USERNAME, options.user)
            surel_curl_setopt_string(h, CURLOPT_PASSWORD, options.password)
        }
        surel_curl_setopt_long(
            h, CURLOPT_USE_SSL, Int(options.requireTLS ? CURLUSESSL_ALL.rawValue : CURLUSESSL_NONE.rawValue))
        surel_curl_setopt_long(h, CURLOPT_SSL_VERIFYPEER, 1)
        surel_curl_setopt_long(h, CURLOPT_SSL_VERIFYHOST, 2)
        if let ca = options.caFile { surel_curl_setopt_string(h, CURLOPT_CAINFO, ca) }
        surel_curl_setopt_long(h, CURLOPT_CONNECTTIMEOUT, options.connectTimeout)
        surel_curl_setopt_long(h, CURLOPT_LOW_SPEED_LIMIT, 1)
        surel_curl_setopt_long(h, CURLOPT_LOW_SPEED_TIME, options.stallTimeout)
        surel_curl_setopt_long(h, CURLOPT_BUFFERSIZE, options.receiveBufferSize)
        surel_curl_setopt_long(h, CURLOPT_NOSIGNAL, 1)
        surel_curl_setopt_long(h, CURLOPT_TCP_KEEPALIVE, 1)
        // One connection per handle: after a fresh connect the old one is closed, not kept for a later reuse.
        surel_curl_setopt_long(h, CURLOPT_MAXCONNECTS, 1)
        surel_curl_setopt_write_function(h, writeToBuffer)
    }

    deinit {
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    /// Runs one transfer and returns what the server sent as the body (IMAP: untagged responses or the literal).
    /// `freshConnection` opens a new connection for this transfer (and keeps it for the next ones).
    func perform(
        url: String, customRequest: String? = nil, upload: Data? = nil, expectedSize: Int = 0,
        freshConnection: Bool = false, envelope: (from: String, recipients: [String])? = nil
    ) throws -> Data {
        let buffer = ResponseBuffer()
        if expectedSize > 0 { buffer.data.reserveCapacity(expectedSize) }
        let unmanagedBuffer = Unmanaged.passRetained(buffer)
        defer { unmanagedBuffer.release() }
        surel_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, unmanagedBuffer.toOpaque())
        surel_curl_setopt_string(handle, CURLOPT_URL, url)
        if let customRequest {
            surel_curl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, customRequest)
        } else {
            surel_curl_setopt_pointer(handle, CURLOPT_CUSTOMREQUEST, nil)
        }
        var uploadBox: Unmanaged<UploadSource>?
        if let upload {
            let src = Unmanaged.passRetained(UploadSource(upload))
            uploadBox = src
            surel_curl_setopt_long(handle, CURLOPT_UPLOAD, 1)
            surel_curl_setopt_read_function(handle, readFromSource)
            surel_curl_setopt_pointer(handle, CURLOPT_READDATA, src.toOpaque())
            surel_curl_setopt_off(handle, CURLOPT_INFILESIZE_LARGE, curl_off_t(upload.count))
        } else {
            surel_curl_setopt_long(handle, CURLOPT_UPLOAD, 0)
        }
        defer { uploadBox?.release() }
        surel_curl_setopt_long(handle, CURLOPT_FRESH_CONNECT, freshConnection ? 1 : 0)
        // SMTP: the envelope (MAIL FROM, RCPT TO); libcurl keeps the pointers until the transfer ends. The
        // server's replies are kept: libcurl's own error text names the command, not the server's reason.
        var recipients: UnsafeMutablePointer<curl_slist>?
        var replies: Unmanaged<ReplyLog>?
        if let envelope {
            let log = Unmanaged.passRetained(ReplyLog())
            replies = log
            surel_curl_setopt_long(handle, CURLOPT_VERBOSE, 1)
            surel_curl_setopt_debug_function(handle, collectReplies)
            surel_curl_setopt_pointer(handle, CURLOPT_DEBUGDATA, log.toOpaque())
            surel_curl_setopt_string(handle, CURLOPT_MAIL_FROM, "<\(envelope.from)>")
            for r in envelope.recipients { recipients = curl_slist_append(recipients, "<\(r)>") }
            surel_curl_setopt_slist(handle, CURLOPT_MAIL_RCPT, recipients)
        }
        defer {
            if let replies {
                surel_curl_setopt_long(handle, CURLOPT_VERBOSE, 0)
                surel_curl_setopt_pointer(handle, CURLOPT_DEBUGDATA, nil)
                surel_curl_setopt_slist(handle, CURLOPT_MAIL_RCPT, nil)
                replies.release()
            }
            curl_slist_free_all(recipients)
        }
        errorBuffer[0] = 0
        let rc = curl_easy_perform(handle)
        guard rc == CURLE_OK else {
            var msg = String(cString: errorBuffer)
            if msg.isEmpty { msg = String(cString: curl_easy_strerror(rc)) }
            var reply = 0
            surel_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &reply)
            // The server's last numbered reply, e.g. "550 5.1.1 No such user here", when it said one.
            if reply >= 400,
                let said = replies?.takeUnretainedValue().lines.last(where: { $0.hasPrefix(String(reply)) })
            {
                msg += " (" + said.trimmingCharacters(in: .whitespaces) + ")"
            }
            throw CurlError(code: Int(rc.rawValue), message: scrub(msg), serverReply: reply)
        }
        return buffer.data
    }

    /// Never let the password reach a log line, whatever a server or libcurl echoes.
    func scrub(_ s: String) -> String {
        options.password.isEmpty ? s : s.replacingOccurrences(of: options.password, with: "***")
    }
}
