#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a Redis server is and how to log in to it, parsed from a `redis://` URL.
///
/// Accepted forms (the port defaults to 6379, the database to 0):
/// - `redis://host`, `redis://host:port`, `redis://host:port/db`
/// - `redis://:password@host:port/db` (password only: `AUTH password`)
/// - `redis://user:password@host:port/db` (ACL user: `AUTH user password`)
/// - `redis://[::1]:6379/0` (an IPv6 literal in brackets)
/// - `redis://h1:7000,h2:7001,h3:7002/0`: seed nodes of one Redis Cluster, separated by commas;
///   any one that answers gives the client the cluster's map (``seeds``). Each may carry its
///   own port; user, password and database apply to all.
///
/// User and password may be percent-encoded. ``description`` never shows the password.
public struct RedisURL: Sendable, Hashable, CustomStringConvertible {
    /// One server's address.
    public struct Node: Sendable, Hashable, CustomStringConvertible {
        /// Host name or IP address (an IPv6 address without brackets).
        public var host: String
        /// TCP port, 1...65535.
        public var port: Int

        /// Creates an address.
        public init(host: String, port: Int) {
            self.host = host
            self.port = port
        }

        /// `host:port`, an IPv6 host in brackets.
        public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
    }

    /// The environment variable that services read their Redis URL from.
    public static let environmentVariable = "STYLECAST_REDIS_URL"

    /// The port Redis listens on when the URL names none.
    public static let defaultPort = 6379

    /// Host name or IP address (an IPv6 address without brackets).
    public var host: String
    /// TCP port, 1...65535.
    public var port: Int
    /// Logical database number selected with `SELECT` after connecting (0 = the default one).
    public var database: Int
    /// ACL user name, or `nil` to authenticate as the default user.
    public var username: String?
    /// Password sent with `AUTH`, or `nil` to skip authentication.
    public var password: String?
    /// The seed nodes after the first (``host`` and ``port``); empty for a single server.
    public var moreSeeds: [Node] = []

    /// Every seed node: ``host`` and ``port`` first, then ``moreSeeds``.
    public var seeds: [Node] { [Node(host: host, port: port)] + moreSeeds }

    /// This URL's credentials and database with `node` as its only server.
    /// - Parameter node: The server.
    public func pointing(to node: Node) -> RedisURL {
        RedisURL(host: node.host, port: node.port, database: database, username: username, password: password)
    }

    /// Creates a URL from its parts.
    /// - Parameters:
    ///   - host: Host name or IP address.
    ///   - port: TCP port, 1...65535 (default 6379).
    ///   - database: Database number, 0 or more (default 0).
    ///   - username: ACL user name, if any.
    ///   - password: Password for `AUTH`, if any.
    public init(
        host: String, port: Int = RedisURL.defaultPort, database: Int = 0,
        username: String? = nil, password: String? = nil
    ) {
        self.host = host
        self.port = port
        self.database = database
        self.username = username
        self.password = password
    }

    /// Parses a `redis://` URL.
    /// - Parameter string: The URL, e.g. `redis://:secret@127.0.0.1:6379/0`.
    /// - Throws: ``RedisURLError`` naming exactly what is wrong; the error never contains the password.
    public init(parsing string: String) throws(RedisURLError) {
        let text = Substring(string).trimmingWhitespace()
        guard let schemeEnd = text.firstRange(of: "://") else {
            throw .missingScheme
        }
        let scheme = String(text[..<schemeEnd.lowerBound])
        guard scheme.lowercased() == "redis" else {
            throw .unsupportedScheme(scheme)
        }
        var rest = text[schemeEnd.upperBound...]

        // The user info ends at the LAST '@' so that an unencoded '@' in a password still works.
        var username: String?
        var password: String?
        if let at = rest.lastIndex(of: "@") {
            let userinfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = userinfo.firstIndex(of: ":") {
                let user = String(userinfo[..<colon])
                let pass = String(userinfo[userinfo.index(after: colon)...])
                username = user.isEmpty ? nil : try Self.percentDecoded(user, part: "user name")
                password = try Self.percentDecoded(pass, part: "password")
            } else if !userinfo.isEmpty {
                // `redis://secret@host` is a common legacy spelling of a bare password.
                password = try Self.percentDecoded(String(userinfo), part: "password")
            }
        }

        // The authority runs up to the first '/', '?' or '#'; what follows is the database path.
        let pathStart =
            rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        let authority = rest[..<pathStart]
        let path = rest[pathStart...]

        var nodes: [Node] = []
        for part in authority.split(separator: ",", omittingEmptySubsequences: false) {
            nodes.append(try Self.node(in: part))
        }

        var database = 0
        if let stop = path.firstIndex(where: { $0 == "?" || $0 == "#" }) {
            throw .unsupportedComponent(String(path[stop...]))
        }
        let databaseText = path.dropFirst()  // the leading "/"
        if !databaseText.isEmpty {
            guard databaseText.allSatisfy({ $0.isASCII && $0.isNumber }),
                let value = Int(databaseText)
            else {
                throw .invalidDatabase(String(databaseText))
            }
            database = value
        }

        self.init(
            host: nodes[0].host, port: nodes[0].port, database: database, username: username,
            password: password)
        self.moreSeeds = Array(nodes.dropFirst())
    }

    /// Parses one `host[:port]` of the authority (an IPv6 host in brackets).
    private static func node(in authority: Substring) throws(RedisURLError) -> Node {
        let host: Substring
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else {
                throw .invalidHost(String(authority))
            }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let afterBracket = authority[authority.index(after: close)...]
            if afterBracket.hasPrefix(":") {
                portText = afterBracket.dropFirst()
            } else if !afterBracket.isEmpty {
                throw .invalidHost(String(authority))
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
        } else {
            host = authority
        }
        guard !host.isEmpty else { throw .missingHost }

        var port = Self.defaultPort
        if let portText {
            guard !portText.isEmpty, portText.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                throw .invalidPort(String(portText))
            }
            guard let value = Int(portText), (1...65535).contains(value) else {
                throw .portOutOfRange(Int(portText) ?? Int.max)
            }
            port = value
        }
        return Node(host: String(host), port: port)
    }

    /// Reads and parses the URL in an environment variable.
    /// - Parameter variable: The variable's name (default `STYLECAST_REDIS_URL`).
    /// - Throws: ``RedisURLError/environmentVariableNotSet(_:)`` when it is unset or empty, or the
    ///   parse error of its value.
    public static func fromEnvironment(
        variable: String = RedisURL.environmentVariable
    ) throws(RedisURLError) -> RedisURL {
        guard let raw = getenv(variable) else {
            throw .environmentVariableNotSet(variable)
        }
        let value = String(cString: raw)
        guard !value.isEmpty else { throw .environmentVariableNotSet(variable) }
        return try RedisURL(parsing: value)
    }

    /// The URL with the password replaced by `***`, safe for logs.
    public var description: String {
        var userinfo = ""
        if let password {
            userinfo = "\(username ?? ""):\(password.isEmpty ? "" : "***")@"
        } else if let username {
            userinfo = "\(username)@"
        }
        return "redis://\(userinfo)\(seeds.map(\.description).joined(separator: ","))/\(database)"
    }

    private static func percentDecoded(_ text: String, part: String) throws(RedisURLError) -> String {
        guard text.contains("%") else { return text }
        var bytes: [UInt8] = []
        var utf8 = Array(text.utf8)[...]
        while let byte = utf8.popFirst() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard utf8.count >= 2,
                let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16)
            else {
                throw .invalidPercentEncoding(part)
            }
            bytes.append(value)
            utf8 = utf8.dropFirst(2)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension Substring {
    fileprivate func trimmingWhitespace() -> Substring {
        let start = firstIndex(where: { !$0.isWhitespace }) ?? endIndex
        let end = lastIndex(where: { !$0.isWhitespace }).map { index(after: $0) } ?? start
        return self[start..<Swift.max(start, end)]
    }
}
