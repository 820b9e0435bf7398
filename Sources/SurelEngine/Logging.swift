// Log lines for journald: one line per event on stdout, `level=... msg="..." key=value ...`.
// journald adds its own timestamp, so none is printed unless asked (SUREL_LOG_TIMESTAMPS=1). Under systemd
// (stdout connected to the journal: $JOURNAL_STREAM) each line starts with its syslog priority, `<3>` for an
// error, which journald takes as the entry's priority (`journalctl -p warning` then finds warnings and errors).
import Foundation
import Logging

public struct KeyValueLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    private let label: String
    private let timestamps: Bool
    private let priorityPrefix: Bool
    private static let lock = NSLock()

    public init(label: String, level: Logger.Level) {
        self.label = label
        self.logLevel = level
        self.timestamps = ProcessInfo.processInfo.environment["SUREL_LOG_TIMESTAMPS"] == "1"
        self.priorityPrefix = ProcessInfo.processInfo.environment["JOURNAL_STREAM"] != nil
    }

    /// The syslog priority of a level (sd-daemon(3)'s `<N>` prefixes).
    static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: return 7
        case .info: return 6
        case .notice: return 5
        case .warning: return 4
        case .error: return 3
        case .critical: return 2
        }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var line = priorityPrefix ? "<\(Self.priority(event.level))>" : ""
        if timestamps { line += "ts=\(ISO8601DateFormatter().string(from: Date())) " }
        line += "level=\(event.level) msg=\(Self.quote(event.message.description))"
        let all = metadata.merging(event.metadata ?? [:]) { _, new in new }
        for key in all.keys.sorted() { line += " \(key)=\(Self.quote(all[key]!.description))" }
        line += "\n"
        Self.lock.lock()
        FileHandle.standardOutput.write(Data(line.utf8))
        Self.lock.unlock()
    }

    static func quote(_ s: String) -> String {
        let plain =
            !s.isEmpty
            && s.unicodeScalars.allSatisfy {
                $0.value > 0x20 && $0.value < 0x7f && $0 != "\"" && $0 != "=" && $0 != "\\"
            }
        if plain { return s }
        var out = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default: out.unicodeScalars.append(c)
            }
        }
        return out + "\""
    }

    /// Installs this handler for the process (once).
    public static func bootstrap(level: String) {
        let lvl = Logger.Level(rawValue: level) ?? .info
        LoggingSystem.bootstrap { KeyValueLogHandler(label: $0, level: lvl) }
    }
}
