// Which surel this is: the release number (of the package, `make deb`) and the commit it was built from (written
// at build time by Plugins/BuildCommit).
public enum SurelVersion {
    public static let number = "1.0.0"
    public static let commit = BuildCommit.value
    /// "1.0.0 (commit 0123456789ab)", as `surel --version` prints it.
    public static var description: String { "\(number) (commit \(commit))" }
}
