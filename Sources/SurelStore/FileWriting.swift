// A buffer written to a file descriptor whole: write(2) may write less than asked or be interrupted by a signal.
import Foundation
#if canImport(Glibc)
    import Glibc
#endif

public enum FileWriting {
    public static func writeAll(_ bytes: UnsafeRawBufferPointer, to fd: Int32) throws {
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
            }
            offset += n
        }
    }
}
