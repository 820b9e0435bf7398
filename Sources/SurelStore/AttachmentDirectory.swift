// Attachments live on disk, once per content: `<dir>/ab/<sha256>` (256 folders: creating inodes is the slow part
// of writing attachments on ext4, so no deeper fan-out than needed). The sender's file name is kept in the
// database for display and never used as a path.
import Foundation
import SurelCore
#if canImport(Glibc)
    import Glibc
#endif

public final class AttachmentDirectory: @unchecked Sendable {
    public let path: String

    public init(path: String) throws {
        self.path = path
        try FileManager.default.createDirectory(atPath: path + "/tmp", withIntermediateDirectories: true)
    }

    private static func write(_ data: Data, to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o640)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        defer { close(fd) }
        try data.withUnsafeBytes { try FileWriting.writeAll($0, to: fd) }
    }

    public func location(sha256: String) -> String {
        "\(path)/\(sha256.prefix(2))/\(sha256)"
    }

    /// Writes the content unless a file with the same SHA-256 is already there; returns the hash.
    /// Written to tmp/ and renamed, so a crash never leaves a half file under a content address.
    @discardableResult
    public func save(_ data: Data) throws -> String {
        var hasher = SHA256()
        hasher.update(data)
        let hex = SHA256.hexString(hasher.finalize())
        let final = location(sha256: hex)
        if access(final, F_OK) == 0 { return hex }
        let dir = (final as NSString).deletingLastPathComponent
        if mkdir(dir, 0o750) != 0 && errno != EEXIST {
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
        let tmp = "\(path)/tmp/\(hex).\(getpid()).part"
        // Plain write, no fsync per file (Foundation's createFile adds one): the daemon's DurabilityBarrier syncs
        // the whole batch before anything is flagged or removed on the server. A failed write (disk full) leaves
        // no partial file behind.
        do { try Self.write(data, to: tmp) } catch { unlink(tmp); throw error }
        guard rename(tmp, final) == 0 else {
            unlink(tmp)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: final])
        }
        return hex
    }
}

/// Makes everything written so far durable (database WAL and attachment files) with one `syncfs` per
/// file system, instead of one fsync per message: the daemon calls it before it flags, moves or deletes
/// messages on the IMAP server, so a power cut can never leave a message gone from the server but not stored.
public enum DurabilityBarrier {
    // Glibc declares syncfs only under _GNU_SOURCE, which Swift's Glibc module does not set: look it up once.
    private static let syncfsFunction: (@convention(c) (Int32) -> Int32)? = {
        guard let handle = dlopen(nil, RTLD_NOW), let sym = dlsym(handle, "syncfs") else { return nil }
        return unsafeBitCast(sym, to: (@convention(c) (Int32) -> Int32).self)
    }()

    public static func sync(paths: [String]) {
        guard let syncfs = syncfsFunction else { Glibc.sync(); return }
        var synced = Set<UInt64>()  // once per file system (device)
        for p in paths {
            let fd = open(p.isEmpty ? "." : p, O_RDONLY)
            guard fd >= 0 else { continue }
            defer { close(fd) }
            var st = stat()
            if fstat(fd, &st) == 0, !synced.insert(UInt64(st.st_dev)).inserted { continue }
            _ = syncfs(fd)
        }
    }
}
