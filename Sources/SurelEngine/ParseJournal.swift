// Which messages this process is parsing right now, in a small file beside the store, so that a crash inside the
// parser (a fault in C code, a Swift trap) cannot make the daemon parse the same message at every restart and hold
// up the mail behind it. A plain write() reaches the page cache before the next instruction runs: a SIGSEGV or
// SIGKILL of the process cannot lose it (only a power cut could, and then the process did not crash in the parser).
// Each process writes `<store>.parsing.<pid>`, and a handler of the fault signals (SIGSEGV, SIGBUS, SIGILL, SIGFPE,
// SIGABRT: what a fault in C code, a Swift trap or glibc's heap checks raise) writes one byte to
// `<store>.parsing.<pid>.fault` before the runtime's own handler reports the crash. At start, files of processes
// that are gone are adopted: when that process faulted, what it was parsing becomes "crashed" and is quarantined
// with its raw bytes without being parsed again; when it was only killed (SIGKILL, a stop timeout, the OOM killer),
// its messages are simply parsed again. Two messages can be in progress at once (the prefetch thread parses one
// while the main thread classifies the one before): both are quarantined after a fault, and
// `surel quarantine retry` files the innocent one.
import Foundation

public final class ParseJournal: @unchecked Sendable {
    /// A message being parsed: one from the mailbox (by UIDVALIDITY and UID), or a quarantined row being retried.
    public enum Entry: Hashable, Sendable {
        case mailbox(uidValidity: Int64, uid: Int64)
        case quarantined(rowID: Int64)

        var line: String {
            switch self {
            case .mailbox(let v, let uid): return "uid \(v) \(uid)"
            case .quarantined(let id): return "row \(id)"
            }
        }

        init?(line: Substring) {
            let f = line.split(separator: " ")
            if f.count == 3, f[0] == "uid", let v = Int64(f[1]), let uid = Int64(f[2]) {
                self = .mailbox(uidValidity: v, uid: uid)
            } else if f.count == 2, f[0] == "row", let id = Int64(f[1]) {
                self = .quarantined(rowID: id)
            } else {
                return nil
            }
        }
    }

    /// What the note of a message quarantined this way says.
    public static let crashNote = "the parser crashed on this message: kept raw, not parsed again"

    private let lock = NSLock()
    private let fd: Int32
    private let path: String
    private let faultPath: String
    private var parsing: [Entry: Int] = [:]
    private var written = 0  // an entry may be begun twice (parse, then classification)
    /// Left by processes that died while parsing them: never to be parsed again in this process.
    public private(set) var crashed: Set<Entry> = []

    public struct OpenError: Error, CustomStringConvertible {
        public var description: String
    }

    private static let registryLock = NSLock()
    nonisolated(unsafe) private static var registry: [String: ParseJournal] = [:]

    /// This process's journal for the store at `storePath` (one per store, shared by every ingestor in the process).
    public static func forStore(_ storePath: String) throws -> ParseJournal {
        registryLock.lock(); defer { registryLock.unlock() }
        if let j = registry[storePath] { return j }
        let j = try ParseJournal(storePath: storePath)
        registry[storePath] = j
        return j
    }

    /// Opens this process's journal beside `storePath`, adopting the journals of processes that are gone.
    private init(storePath: String) throws {
        path = "\(storePath).parsing.\(getpid())"
        faultPath = path + ".fault"
        fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        let faultFD = open(faultPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0, faultFD >= 0 else {
            throw OpenError(description: "cannot write the parse journal \(path): \(String(cString: strerror(errno)))")
        }
        let url = URL(fileURLWithPath: storePath)
        let dir = url.deletingLastPathComponent().path
        let prefix = url.lastPathComponent + ".parsing."
        for name in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] where name.hasPrefix(prefix) {
            guard let pid = Int32(name.dropFirst(prefix.count)), pid != getpid(), !Self.isAlive(pid) else { continue }
            let other = dir + "/" + name
            let faulted =
                ((try? FileManager.default.attributesOfItem(atPath: other + ".fault"))?[.size] as? Int ?? 0) > 0
            if let text = try? String(contentsOfFile: other, encoding: .utf8) {
                for line in text.split(separator: "\n") {
                    // A crashed entry of an earlier adopter stays crashed until it is dealt with; what a killed
                    // process was parsing is parsed again.
                    if line.hasPrefix("crashed "), let e = Entry(line: line.dropFirst(8)) {
                        crashed.insert(e)
                    } else if faulted, let e = Entry(line: line) {
                        crashed.insert(e)
                    }
                }
            }
            unlink(other)
            unlink(other + ".fault")
        }
        write()
        FaultMarker.install(faultFD)
    }

    deinit {
        close(fd)
        if crashed.isEmpty { unlink(path); unlink(faultPath) }
    }

    private static func isAlive(_ pid: Int32) -> Bool {
        kill(pid, 0) == 0 || errno == EPERM
    }

    /// Runs `body` with `entry` recorded as being parsed.
    public func parsing<T>(_ entry: Entry, _ body: () throws -> T) rethrows -> T {
        begin(entry)
        defer { end(entry) }
        return try body()
    }

    public func begin(_ entry: Entry) {
        lock.lock(); defer { lock.unlock() }
        parsing[entry, default: 0] += 1
        write()
    }

    public func end(_ entry: Entry) {
        lock.lock(); defer { lock.unlock() }
        if let n = parsing[entry], n > 1 { parsing[entry] = n - 1 } else { parsing[entry] = nil }
        write()
    }

    /// The crashed entry has been stored or noted: forget it.
    public func settled(_ entry: Entry) {
        lock.lock(); defer { lock.unlock() }
        guard crashed.remove(entry) != nil else { return }
        write()
    }

    public func isCrashed(_ entry: Entry) -> Bool {
        lock.lock(); defer { lock.unlock() }
        return crashed.contains(entry)
    }

    /// The whole journal, rewritten in place with one pwrite (it is a few lines): crashed entries first, then those
    /// in progress; a shorter text is padded with line feeds to the length before, instead of a truncate per message.
    private func write() {
        var text = crashed.map { "crashed \($0.line)\n" }.joined()
        text += parsing.keys.map { "\($0.line)\n" }.joined()
        var bytes = Array(text.utf8)
        if bytes.count < written { bytes += [UInt8](repeating: 0x0A, count: written - bytes.count) }
        written = bytes.count
        _ = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
    }
}

/// The fault-signal handler: writes one byte to each registered journal's fault file (write(2) is
/// async-signal-safe), puts back the handler that was there (the Swift runtime's crash reporter) and returns, so the
/// faulting instruction runs again into that handler; abort() re-raises by itself.
enum FaultMarker {
    static let signals: [Int32] = [SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT]
    static let capacity = 16
    nonisolated(unsafe) static let fds = UnsafeMutablePointer<Int32>.allocate(capacity: capacity)
    nonisolated(unsafe) static var count = 0
    nonisolated(unsafe) static let previous = UnsafeMutablePointer<sigaction>.allocate(capacity: 32)
    private static let lock = NSLock()

    static func install(_ fd: Int32) {
        lock.lock(); defer { lock.unlock() }
        guard count < capacity else { return }
        fds[count] = fd
        count += 1
        guard count == 1 else { return }
        for sig in signals {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { sig in
                var byte: UInt8 = 0x21
                for i in 0..<FaultMarker.count { _ = Glibc.write(FaultMarker.fds[i], &byte, 1) }
                var old = FaultMarker.previous[Int(sig)]
                sigaction(sig, &old, nil)
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = 0
            sigaction(sig, &action, previous + Int(sig))
        }
    }
}
