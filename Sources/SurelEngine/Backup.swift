// Backups an ops engineer can trust: `surel backup` copies the store at one moment with SQLite's online backup while
// the daemon and the console go on, then the attachment files that copy refers to and the survey key, and writes
// a manifest of every file's SHA-256 and size. `surel restore` checks the whole manifest before it touches anything,
// refuses a store that a running surel has open and a backup made by a newer surel, and never overwrites a store
// unless told to (the old one is then kept aside).
import Foundation
import SurelCore
import SurelStore

public struct BackupManifest: Codable, Sendable {
    public struct File: Codable, Sendable {
        /// Relative to the backup's folder.
        public var path: String
        public var sha256: String
        public var size: Int
    }
    public var format = 1
    /// The surel that made it (`SurelVersion.description`).
    public var surel: String
    public var createdAt: Date
    /// The store's migrations at that moment.
    public var migrations: [String]
    public var files: [File]
    public static let fileName = "manifest.json"
    static let store = "surel.sqlite"
    static let surveyKey = "survey.key"
}

public enum Backup {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        init(_ d: String) { description = d }
    }

    /// Backs up the configuration's store into `folder` (new or empty), readable only by its owner.
    public static func make(config: SurelConfig, database: SurelDatabase, into folder: String, now: Date = Date())
        throws -> BackupManifest
    {
        let fm = FileManager.default
        if fm.fileExists(atPath: folder) {
            guard (try fm.contentsOfDirectory(atPath: folder)).isEmpty else {
                throw Failure("\(folder) is not empty: back up into a new folder")
            }
        } else {
            try fm.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        chmod(folder, 0o700)
        let storeCopy = folder + "/" + BackupManifest.store
        try database.backup(to: storeCopy)
        chmod(storeCopy, 0o600)
        var files = [try entry(BackupManifest.store, in: folder)]
        // The files the copy refers to: attachments are written before the row that names them, so every one is
        // there (content-addressed, never changed once written).
        let source = try AttachmentDirectory(path: config.store.attachments)
        for hash in try SurelDatabase.attachmentHashes(storeFile: storeCopy) {
            let relative = "attachments/\(hash.prefix(2))/\(hash)"
            try fm.createDirectory(
                atPath: folder + "/attachments/\(hash.prefix(2))", withIntermediateDirectories: true)
            try fm.copyItem(atPath: source.location(sha256: hash), toPath: folder + "/" + relative)
            let e = try entry(relative, in: folder)
            guard e.sha256 == hash else { throw Failure("attachment \(hash) on disk does not match its name") }
            files.append(e)
        }
        // The survey links in mail already sent stay valid only with the same key (a secret: mode 0600).
        if fm.fileExists(atPath: config.surveyKeyPath) {
            try fm.copyItem(atPath: config.surveyKeyPath, toPath: folder + "/" + BackupManifest.surveyKey)
            chmod(folder + "/" + BackupManifest.surveyKey, 0o600)
            files.append(try entry(BackupManifest.surveyKey, in: folder))
        }
        let manifest = BackupManifest(
            surel: SurelVersion.description, createdAt: now,
            migrations: try SurelDatabase.migrations(storeFile: storeCopy).sorted(), files: files)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        try encoder.encode(manifest).write(to: URL(fileURLWithPath: folder + "/" + BackupManifest.fileName))
        return manifest
    }

    /// The backup's manifest, once every file it names is there with its size and SHA-256 (and nothing names a
    /// place outside the folder).
    public static func verify(_ folder: String) throws -> BackupManifest {
        guard let data = FileManager.default.contents(atPath: folder + "/" + BackupManifest.fileName) else {
            throw Failure("\(folder) has no \(BackupManifest.fileName): not a surel backup")
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let manifest: BackupManifest
        do { manifest = try decoder.decode(BackupManifest.self, from: data) } catch {
            throw Failure("\(folder)/\(BackupManifest.fileName) cannot be read: \(error)")
        }
        guard manifest.files.contains(where: { $0.path == BackupManifest.store }) else {
            throw Failure("the manifest names no \(BackupManifest.store)")
        }
        for f in manifest.files {
            let parts = f.path.split(separator: "/")
            guard !f.path.hasPrefix("/"), !parts.contains(".."), !parts.isEmpty else {
                throw Failure("the manifest names a path outside the backup: \(f.path)")
            }
            let found = try entry(f.path, in: folder)
            guard found.size == f.size, found.sha256 == f.sha256 else {
                throw Failure("\(f.path) is damaged: its size or SHA-256 is not the manifest's")
            }
        }
        return manifest
    }

    /// Restores a backup into the configuration's store and attachment folder. `replace`: an existing store is
    /// moved aside (`<store>.before-restore-<time>`) instead of refusing. Returns where the old store went, if any.
    @discardableResult
    public static func restore(from folder: String, config: SurelConfig, replace: Bool, now: Date = Date()) throws
        -> String?
    {
        let manifest = try verify(folder)
        let unknown = Set(manifest.migrations).subtracting(SurelDatabase.knownMigrations)
        guard unknown.isEmpty else {
            throw Failure(
                "the backup was made by a newer surel (\(manifest.surel)); this one (\(SurelVersion.description)) "
                    + "does not know \(unknown.sorted().joined(separator: ", ")): restore it with that version")
        }
        let path = config.store.path
        let fm = FileManager.default
        try fm.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let inUse: StoreUseLock
        do { inUse = try StoreUseLock.exclusive(storePath: path) } catch StoreLock.Failure.held {
            throw Failure(
                "the store \(path) is in use (surel run, surel serve or a command has it open): stop surel.service "
                    + "and surel-web.service first; nothing was changed")
        } catch { throw Failure("cannot lock the store \(path): \(error); nothing was changed") }
        defer { withExtendedLifetime(inUse) {} }
        if fm.fileExists(atPath: path), !replace {
            throw Failure(
                "a store is already at \(path): give --replace to keep it aside and restore over it; nothing was "
                    + "changed")
        }
        // Everything is copied beside its place first, each file checked against the manifest as it is copied
        // (what was verified could have changed since); the old store is moved aside only when all is ready, and
        // moved back if the swap fails, so a restore cut short never leaves the daemon without a store.
        // Attachments go straight to their place: content-addressed, an added one changes nothing the old store
        // sees.
        let attachments = try AttachmentDirectory(path: config.store.attachments)
        var owned = [config.store.attachments, config.store.attachments + "/tmp"]
        for f in manifest.files where f.path.hasPrefix("attachments/") {
            let target = attachments.location(sha256: f.sha256)
            let prefix = (target as NSString).deletingLastPathComponent
            owned += [prefix, target]
            if (try? entry(target, in: nil))?.sha256 == f.sha256 { continue }
            try fm.createDirectory(atPath: prefix, withIntermediateDirectories: true)
            try move(try copyChecked(f, from: folder, to: target, mode: 0o640), to: target)
        }
        let keyFile = manifest.files.first { $0.path == BackupManifest.surveyKey }
        let restoresKey = keyFile != nil && (replace || !fm.fileExists(atPath: config.surveyKeyPath))
        var staged: [(from: String, to: String)] = []
        defer { for s in staged { unlink(s.from) } }
        if let keyFile, restoresKey {
            try fm.createDirectory(
                atPath: (config.surveyKeyPath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            staged.append(
                (try copyChecked(keyFile, from: folder, to: config.surveyKeyPath, mode: 0o600), config.surveyKeyPath))
        }
        let storeFile = manifest.files.first { $0.path == BackupManifest.store }!
        staged.append((try copyChecked(storeFile, from: folder, to: path, mode: 0o640), path))

        // The swap: the old store with its WAL (a stale WAL without a store too: it must not be replayed onto the
        // restored one) and the old key go aside, then the new files take their place.
        let stamp = ISO8601DateFormatter().string(from: now).replacingOccurrences(of: ":", with: "")
        var old = ["", "-wal", "-shm"].map { (from: path + $0, to: "\(path).before-restore-\(stamp)\($0)") }
        if restoresKey { old.append((config.surveyKeyPath, "\(config.surveyKeyPath).before-restore-\(stamp)")) }
        var aside: [(from: String, to: String)] = []
        do {
            for file in old where fm.fileExists(atPath: file.from) {
                try move(file.from, to: file.to)
                aside.append(file)
            }
            for s in staged { try move(s.from, to: s.to) }
            staged = []
        } catch {
            for a in aside.reversed() { rename(a.to, a.from) }
            throw Failure("the restore could not put its files in place (\(error)); the old store was left as it was")
        }
        giveToFolderOwner(
            owned + [path, path + ".use.lock"] + (restoresKey ? [config.surveyKeyPath] : []), storePath: path)
        return aside.first { $0.from == path }?.to
    }

    /// Copies one file of the backup to `<destination>.restoring` (mode `mode`), hashing what it copies, and returns
    /// that path once it matches the manifest; the backup's file must be a regular file reached through no
    /// symbolic link (a backup folder others could write must not make root copy elsewhere's files).
    static func copyChecked(_ f: BackupManifest.File, from folder: String, to destination: String, mode: mode_t)
        throws -> String
    {
        let source = try openInBackup(folder, f.path)
        defer { close(source) }
        let partial = destination + ".restoring"
        unlink(partial)
        let out = open(partial, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
        guard out >= 0 else { throw Failure("cannot write \(partial): \(String(cString: strerror(errno)))") }
        var ok = false
        defer {
            close(out)
            if !ok { unlink(partial) }
        }
        let (sha256, size) = try digest(source) { chunk in
            do { try FileWriting.writeAll(chunk, to: out) } catch {
                throw Failure("cannot write \(partial): \(error)")
            }
        }
        guard size == f.size, sha256 == f.sha256 else {
            throw Failure("\(f.path) changed in the backup while it was restored; nothing was changed")
        }
        guard fchmod(out, mode) == 0, fsync(out) == 0 else {
            throw Failure("cannot write \(partial): \(String(cString: strerror(errno)))")
        }
        ok = true
        return partial
    }

    static func move(_ from: String, to: String) throws {
        guard rename(from, to) == 0 else {
            throw Failure("cannot move \(from) to \(to): \(String(cString: strerror(errno)))")
        }
    }

    /// Opens `relative` in `folder` for reading, one path component at a time without following a symbolic link,
    /// and only if it is a regular file (not a FIFO that would block, not a device).
    static func openInBackup(_ folder: String, _ relative: String) throws -> Int32 {
        var fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw Failure("cannot open \(folder): \(String(cString: strerror(errno)))") }
        let parts = relative.split(separator: "/").map(String.init)
        for (i, part) in parts.enumerated() {
            let flags = i == parts.count - 1 ? O_RDONLY | O_NONBLOCK : O_RDONLY | O_DIRECTORY
            let next = openat(fd, part, flags | O_NOFOLLOW | O_CLOEXEC)
            let reason = errno
            close(fd)
            guard next >= 0 else {
                throw Failure(
                    reason == ENOENT
                        ? "\(relative) is missing from the backup"
                        : "\(relative) in the backup cannot be read or is a symbolic link: not restored")
            }
            fd = next
        }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_mode & S_IFMT == S_IFREG else {
            close(fd)
            throw Failure("\(relative) in the backup is not a regular file: not restored")
        }
        return fd
    }

    /// Root restoring for the service: what it wrote — files and the attachment folders, never a folder it did not
    /// make for the store — belongs to the owner of the store's folder (the `surel` user), or the daemon could not
    /// write its own store.
    static func giveToFolderOwner(_ paths: [String], storePath: String) {
        var folder = stat()
        guard getuid() == 0, stat((storePath as NSString).deletingLastPathComponent, &folder) == 0, folder.st_uid != 0
        else { return }
        for p in Set(paths) { _ = lchown(p, folder.st_uid, folder.st_gid) }
    }

    /// A file's size and SHA-256 (`folder` nil: `path` is whole; otherwise a regular file inside `folder`).
    static func entry(_ path: String, in folder: String?) throws -> BackupManifest.File {
        let fd: Int32
        if let folder {
            fd = try openInBackup(folder, path)
        } else {
            fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw Failure("cannot read \(path)") }
        }
        defer { close(fd) }
        let (sha256, size) = try digest(fd) { _ in }
        return BackupManifest.File(path: path, sha256: sha256, size: size)
    }

    /// Reads `fd` to its end, handing each chunk to `each`; the SHA-256 and size of what was read.
    static func digest(_ fd: Int32, _ each: (UnsafeRawBufferPointer) throws -> Void) throws -> (
        sha256: String, size: Int
    ) {
        var hasher = SHA256()
        var size = 0
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            guard n >= 0 else { throw Failure("read failed: \(String(cString: strerror(errno)))") }
            if n == 0 { break }
            try buffer.withUnsafeBytes { all in
                let chunk = UnsafeRawBufferPointer(rebasing: all[0..<n])
                hasher.update(chunk)
                try each(chunk)
            }
            size += n
        }
        return (SHA256.hexString(hasher.finalize()), size)
    }
}
