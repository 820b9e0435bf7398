// StoreLock: one process at a time for work that must not run twice (sending the outbox, sending a blast).
import Foundation

/// An exclusive flock on `<store>.<name>.lock`, for work only one process may do at a time. The kernel releases
/// it when its holder ends, however it ends (kill -9 included), so holding it proves that no live process is
/// doing that work: what a crash left half-done may be taken up again.
public final class StoreLock {
    public enum Failure: Error, CustomStringConvertible {
        /// Another process has it; `holder` is what it wrote of itself.
        case held(holder: String)
        case failed(String)
        public var description: String {
            switch self {
            case .held(let who): return "held by another surel process (\(who))"
            case .failed(let m): return m
            }
        }
    }

    private let fd: Int32

    /// Takes the lock, writing `holder` (who we are) into the file for whoever finds it taken.
    public init(storePath: String, name: String, holder: String) throws {
        let path = "\(storePath).\(name).lock"
        // Readable and writable by whoever may write the store (the daemon's user, staff in its group).
        var st = stat()
        let mode = stat(storePath, &st) == 0 ? mode_t(st.st_mode & 0o666) : 0o600
        var fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, mode)
        if fd < 0, errno == EACCES { fd = open(path, O_RDONLY | O_CLOEXEC) }  // still lockable, holder not written
        guard fd >= 0 else { throw Failure.failed("cannot open \(path): \(String(cString: strerror(errno)))") }
        self.fd = fd
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            var buffer = [UInt8](repeating: 0, count: 200)
            let n = pread(fd, &buffer, buffer.count, 0)
            close(fd)
            guard code == EWOULDBLOCK else {
                throw Failure.failed("cannot lock \(path): \(String(cString: strerror(code)))")
            }
            throw Failure.held(holder: n > 0 ? String(decoding: buffer[..<n], as: UTF8.self) : "unknown")
        }
        let text = Array(holder.utf8)
        _ = ftruncate(fd, 0)
        _ = pwrite(fd, text, text.count, 0)
    }

    deinit { close(fd) }  // releases the lock
}

/// Whether a store is open: every process that opens it (the daemon, the console, a CLI command) holds a shared
/// flock on `<store>.use.lock` while it has it open; a restore takes it exclusively, which fails while any of them
/// runs. The kernel drops a holder's lock when it ends, however it ends.
public final class StoreUseLock {
    private let fd: Int32

    /// A shared hold, for as long as this object lives; nil when the lock file cannot be made (a read-only
    /// folder: the store is then read-only too, and nothing can restore over it).
    public static func shared(storePath: String) -> StoreUseLock? {
        let fd = openLockFile(storePath + ".use.lock")
        guard fd >= 0 else { return nil }
        flock(fd, LOCK_SH)
        return StoreUseLock(fd: fd)
    }

    /// The exclusive hold a restore needs; throws when the store is open somewhere.
    public static func exclusive(storePath: String) throws -> StoreUseLock {
        let path = storePath + ".use.lock"
        let fd = openLockFile(path)
        guard fd >= 0 else {
            throw StoreLock.Failure.failed("cannot open \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw StoreLock.Failure.held(holder: "surel run, surel serve or another command has the store open")
        }
        return StoreUseLock(fd: fd)
    }

    /// Created if missing; read-only when another user made it (root running a command first): a lock needs no
    /// write access, and every process must hold it, whoever made the file.
    private static func openLockFile(_ path: String) -> Int32 {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o664)
        return fd >= 0 ? fd : open(path, O_RDONLY | O_CLOEXEC)
    }

    private init(fd: Int32) { self.fd = fd }
    deinit { close(fd) }
}
