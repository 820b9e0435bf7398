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
            guard FileManager.default.fileExists(atPath: folder + "/" + f.path) else {
                throw Failure("\(f.path) is missing from the backup")
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
        do { inUse = try StoreUseLock.exclusive(storePath: path) } catch {
            throw Failure(
                "the store \(path) is in use (surel run, surel serve or a command has it open): stop surel.service "
                    + "and surel-web.service first; nothing was changed")
        }
        defer { withExtendedLifetime(inUse) {} }
        var movedAside: String?
        if fm.fileExists(atPath: path) {
            guard replace else {
                throw Failure(
                    "a store is already at \(path): give --replace to keep it aside and restore over it; nothing was "
                        + "changed")
            }
            let stamp = ISO8601DateFormatter().string(from: now).replacingOccurrences(of: ":", with: "")
            let aside = "\(path).before-restore-\(stamp)"
            for suffix in ["", "-wal", "-shm"] where fm.fileExists(atPath: path + suffix) {
                try fm.moveItem(atPath: path + suffix, toPath: aside + suffix)
            }
            movedAside = aside
        }
        // Attachments first (content-addressed: one already there is the same file), then the store, written
        // beside and renamed into place, so a restore cut short leaves no half store.
        let attachments = try AttachmentDirectory(path: config.store.attachments)
        for f in manifest.files where f.path.hasPrefix("attachments/") {
            let target = attachments.location(sha256: f.sha256)
            if fm.fileExists(atPath: target), (try? entry(target, in: nil))?.sha256 == f.sha256 { continue }
            try fm.createDirectory(
                atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try? fm.removeItem(atPath: target)
            try fm.copyItem(atPath: folder + "/" + f.path, toPath: target)
        }
        if manifest.files.contains(where: { $0.path == BackupManifest.surveyKey }),
            replace || !fm.fileExists(atPath: config.surveyKeyPath)
        {
            try? fm.removeItem(atPath: config.surveyKeyPath)
            try fm.copyItem(atPath: folder + "/" + BackupManifest.surveyKey, toPath: config.surveyKeyPath)
            chmod(config.surveyKeyPath, 0o600)
        }
        let partial = path + ".restoring"
        try? fm.removeItem(atPath: partial)
        try fm.copyItem(atPath: folder + "/" + BackupManifest.store, toPath: partial)
        let fd = open(partial, O_RDONLY)
        if fd >= 0 { fsync(fd); close(fd) }
        guard rename(partial, path) == 0 else { throw Failure("cannot move the restored store to \(path)") }
        giveToFolderOwner(
            [path, config.surveyKeyPath]
                + manifest.files.filter { $0.path.hasPrefix("attachments/") }
                .map { attachments.location(sha256: $0.sha256) })
        return movedAside
    }

    /// Root restoring for the service: what it wrote belongs to the owner of the store's folder (the `surel` user),
    /// or the daemon could not write its own store.
    static func giveToFolderOwner(_ paths: [String]) {
        guard getuid() == 0, let first = paths.first else { return }
        var folder = stat()
        guard stat((first as NSString).deletingLastPathComponent, &folder) == 0, folder.st_uid != 0 else { return }
        for p in paths where FileManager.default.fileExists(atPath: p) {
            _ = chown(p, folder.st_uid, folder.st_gid)
            let parent = (p as NSString).deletingLastPathComponent
            _ = chown(parent, folder.st_uid, folder.st_gid)
        }
    }

    /// A file's size and SHA-256 (`folder` nil: `path` is whole).
    static func entry(_ path: String, in folder: String?) throws -> BackupManifest.File {
        let full = folder.map { $0 + "/" + path } ?? path
        guard let handle = FileHandle(forReadingAtPath: full) else { throw Failure("cannot read \(full)") }
        defer { try? handle.close() }
        var hasher = SHA256()
        var size = 0
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(chunk)
            size += chunk.count
        }
        return BackupManifest.File(path: path, sha256: SHA256.hexString(hasher.finalize()), size: size)
    }
}
