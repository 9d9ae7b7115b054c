/// Why a Redis URL could not be parsed. Descriptions name the offending part and never
/// contain the password.
public enum RedisURLError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The text has no `scheme://` prefix.
    case missingScheme
    /// The scheme is not `redis` (`rediss`, TLS, is not supported); carries the scheme given.
    case unsupportedScheme(String)
    /// The URL has no host between `//` (or `@`) and the port.
    case missingHost
    /// The host is malformed, e.g. an unclosed IPv6 bracket; carries the host part.
    case invalidHost(String)
    /// The port is empty or not a decimal number; carries the text given.
    case invalidPort(String)
    /// The port is a number outside 1...65535; carries the number.
    case portOutOfRange(Int)
    /// The path after the port is not a non-negative decimal database number; carries the text.
    case invalidDatabase(String)
    /// A `?query` or `#fragment` was given; none is supported. Carries that part.
    case unsupportedComponent(String)
    /// A `%` escape in the user name or password is malformed; carries which of the two.
    case invalidPercentEncoding(String)
    /// The environment variable that should hold the URL is unset or empty; carries its name.
    case environmentVariableNotSet(String)

    /// A sentence saying exactly what is wrong and what is expected.
    public var description: String {
        let form = "expected redis://[[user]:password@]host[:port][,host[:port]...][/db]"
        switch self {
        case .missingScheme:
            return "Redis URL has no scheme; \(form)"
        case .unsupportedScheme(let scheme):
            return "Redis URL scheme '\(scheme)' is not supported; \(form)"
        case .missingHost:
            return "Redis URL has no host; \(form)"
        case .invalidHost(let host):
            return "Redis URL host '\(host)' is malformed; \(form)"
        case .invalidPort(let text):
            return "Redis URL port '\(text)' is not a number; expected 1...65535"
        case .portOutOfRange(let port):
            return "Redis URL port \(port) is out of range; expected 1...65535"
        case .invalidDatabase(let text):
            return "Redis URL database '\(text)' is not a number; expected a database index such as /0"
        case .unsupportedComponent(let text):
            return "Redis URL part '\(text)' is not supported; \(form)"
        case .invalidPercentEncoding(let part):
            return "Redis URL \(part) has a malformed %-escape"
        case .environmentVariableNotSet(let name):
            return "\(name) is not set; expected a Redis URL such as redis://127.0.0.1:6379/0"
        }
    }
}
