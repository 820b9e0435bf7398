// `surel backup` and `surel restore`: the store at one moment, its attachments and the survey key, with a manifest
// of checksums (SurelEngine/Backup.swift).
import ArgumentParser
import Foundation
import SurelCore
import SurelEngine
import SurelStore

struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the store (while surel runs), the attachments it names and the survey key into a new folder.")
    @OptionGroup var options: ConfigOption
    @Option(help: "A new or empty folder for the backup.") var output: String

    func run() throws {
        let config = try options.load(needsMailbox: false)
        let started = Date()
        let m = try Backup.make(
            config: config, database: try SurelDatabase(path: config.store.path), into: output)
        let bytes = m.files.reduce(0) { $0 + $1.size }
        print(
            String(
                format: "backup %@: %d berkas, %.1f MB, dalam %.1f s (%@)", output, m.files.count,
                Double(bytes) / 1_048_576, Date().timeIntervalSince(started), m.surel))
    }
}

struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Check a backup's manifest and restore it into the configured store (surel must be stopped).")
    @OptionGroup var options: ConfigOption
    @Argument(help: "The backup's folder.") var folder: String
    @Flag(help: "Restore over an existing store, which is kept aside as <store>.before-restore-<time>.")
    var replace = false

    func run() throws {
        let config = try options.load(needsMailbox: false)
        let aside = try Backup.restore(from: folder, config: config, replace: replace)
        let manifest = try Backup.verify(folder)
        print("dipulihkan dari \(folder) (dibuat \(Format.iso(manifest.createdAt)) oleh surel \(manifest.surel))")
        if let aside { print("penyimpanan lama disimpan di \(aside)") }
    }
}
