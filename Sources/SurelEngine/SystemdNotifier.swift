// The sd_notify protocol without libsystemd: datagrams "READY=1", "STATUS=...", "WATCHDOG=1", "STOPPING=1"
// sent to the Unix socket named by $NOTIFY_SOCKET (a leading '@' means the abstract namespace).
import Foundation
#if canImport(Glibc)
    import Glibc
#endif

public final class SystemdNotifier: @unchecked Sendable {
    private let socketPath: String?
    /// Half of $WATCHDOG_USEC: how often WATCHDOG=1 must be sent, nil when no watchdog is set.
    public let watchdogInterval: TimeInterval?
    private var lastWatchdog = Date.distantPast

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        socketPath = environment["NOTIFY_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }
        if let usec = environment["WATCHDOG_USEC"].flatMap(Double.init), usec > 0,
            environment["WATCHDOG_PID"].map({ Int32($0) == getpid() }) ?? true
        {
            watchdogInterval = usec / 1_000_000 / 2
        } else {
            watchdogInterval = nil
        }
    }

    public var isEnabled: Bool { socketPath != nil }

    public func ready(status: String) { send("READY=1\nSTATUS=\(status)") }
    public func status(_ text: String) { send("STATUS=\(text)") }
    public func stopping() { send("STOPPING=1") }

    /// Sends WATCHDOG=1 if half the watchdog interval has passed (cheap to call often).
    public func watchdog() {
        guard let interval = watchdogInterval, Date().timeIntervalSince(lastWatchdog) >= interval else { return }
        lastWatchdog = Date()
        send("WATCHDOG=1")
    }

    private func send(_ message: String) {
        guard let socketPath else { return }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        var pathBytes = Array(socketPath.utf8)
        if pathBytes.first == UInt8(ascii: "@") { pathBytes[0] = 0 }  // abstract socket
        let capacity = MemoryLayout.size(ofValue: addr.sun_path)
        guard pathBytes.count < capacity else { return }
        withUnsafeMutableBytes(of: &addr.sun_path) { buf in
            for (i, b) in pathBytes.enumerated() { buf[i] = b }
        }
        let len = socklen_t(MemoryLayout<sa_family_t>.size + pathBytes.count + (pathBytes.first == 0 ? 0 : 1))
        _ = message.withCString { msg in
            withUnsafePointer(to: &addr) { ptr in
                ptr.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(fd, msg, strlen(msg), Int32(MSG_NOSIGNAL), $0, len)
                }
            }
        }
    }
}
