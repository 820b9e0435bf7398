// IP addresses compared by value, not by spelling: "0:0::1" is "::1", and an IPv4 client on a dual-stack listener
// ("::ffff:127.0.0.1") is 127.0.0.1 — so an allow list matches what the socket reports however either is written.
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

public enum IPAddress {
    /// The address in one spelling (dotted IPv4, RFC 5952 IPv6, IPv4-mapped IPv6 as IPv4); nil when `text` is not
    /// an address.
    public static func canonical(_ text: String) -> String? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return format(AF_INET, &v4, Int(INET_ADDRSTRLEN)) }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        let bytes = withUnsafeBytes(of: v6) { Array($0) }
        if bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xff, bytes[11] == 0xff {
            return bytes[12...].map(String.init).joined(separator: ".")
        }
        return format(AF_INET6, &v6, Int(INET6_ADDRSTRLEN))
    }

    private static func format<T>(_ family: Int32, _ address: inout T, _ length: Int) -> String? {
        var buffer = [CChar](repeating: 0, count: length)
        guard inet_ntop(family, &address, &buffer, socklen_t(length)) != nil else { return nil }
        return String(cString: buffer)
    }
}
