import StylecastRedis
import Testing

@Suite("RedisURL parsing")
struct RedisURLTests {
    @Test("Good URLs parse into host, port, database and credentials")
    func goodURLs() throws {
        #expect(try RedisURL(parsing: "redis://localhost") == RedisURL(host: "localhost"))
        #expect(try RedisURL(parsing: "redis://10.0.0.5:6380/2") == RedisURL(host: "10.0.0.5", port: 6380, database: 2))
        #expect(
            try RedisURL(parsing: "redis://:s3cret@redis:6379/1")
                == RedisURL(host: "redis", port: 6379, database: 1, password: "s3cret"))
        #expect(
            try RedisURL(parsing: "redis://app:p%40ss@redis:7000/0")
                == RedisURL(host: "redis", port: 7000, username: "app", password: "p@ss"))
        #expect(try RedisURL(parsing: "redis://[::1]:6390/3") == RedisURL(host: "::1", port: 6390, database: 3))
        #expect(try RedisURL(parsing: "  REDIS://h/  ") == RedisURL(host: "h"))
    }

    @Test("A comma-separated list names a cluster's seed nodes; credentials and database apply to all")
    func seedList() throws {
        let url = try RedisURL(parsing: "redis://:pw@h1:7000,[::1]:7001,h3/0")
        #expect(url.seeds == [.init(host: "h1", port: 7000), .init(host: "::1", port: 7001), .init(host: "h3", port: 6379)])
        #expect(url.description == "redis://:***@h1:7000,[::1]:7001,h3:6379/0")
        #expect(url.pointing(to: url.seeds[1]) == RedisURL(host: "::1", port: 7001, password: "pw"))
        #expect(throws: RedisURLError.missingHost) { try RedisURL(parsing: "redis://h1:7000,,h3/0") }
        #expect(throws: RedisURLError.invalidPort("x")) { try RedisURL(parsing: "redis://h1:7000,h2:x/0") }
    }

    @Test("The description redacts the password")
    func descriptionRedactsPassword() throws {
        let url = try RedisURL(parsing: "redis://app:topsecret@redis:6379/4")
        #expect(url.description == "redis://app:***@redis:6379/4")
        #expect(!url.description.contains("topsecret"))
    }

    @Test(
        "Malformed URLs throw an error saying exactly what is wrong, without the password",
        arguments: [
            ("http://:pw@host:6379/0", RedisURLError.unsupportedScheme("http"), "Redis URL scheme 'http' is not supported"),
            ("host:6379", .missingScheme, "Redis URL has no scheme"),
            ("redis://:pw@:6379/0", .missingHost, "Redis URL has no host"),
            ("redis://:pw@host:abc/0", .invalidPort("abc"), "Redis URL port 'abc' is not a number"),
            ("redis://:pw@host:/0", .invalidPort(""), "Redis URL port '' is not a number"),
            ("redis://:pw@host:70000/0", .portOutOfRange(70000), "Redis URL port 70000 is out of range; expected 1...65535"),
            ("redis://:pw@host:0/0", .portOutOfRange(0), "Redis URL port 0 is out of range"),
            ("redis://:pw@host:6379/one", .invalidDatabase("one"), "Redis URL database 'one' is not a number"),
            ("redis://:pw@host:6379/-1", .invalidDatabase("-1"), "Redis URL database '-1' is not a number"),
            ("redis://:pw@host:6379/0?ssl=1", .unsupportedComponent("?ssl=1"), "Redis URL part '?ssl=1' is not supported"),
        ])
    func malformedURLs(text: String, expected: RedisURLError, message: String) {
        #expect(throws: expected) { try RedisURL(parsing: text) }
        #expect(expected.description.hasPrefix(message))
        #expect(!expected.description.contains("pw"))
    }

    @Test("A missing environment variable is named in the error")
    func missingEnvironmentVariable() {
        #expect(throws: RedisURLError.environmentVariableNotSet("STYLECAST_NO_SUCH_VARIABLE")) {
            try RedisURL.fromEnvironment(variable: "STYLECAST_NO_SUCH_VARIABLE")
        }
    }

    @Test("Hash tags decide which keys share a Redis Cluster slot")
    func hashTags() {
        #expect(RedisKey.hashTag(of: "app:{items.ingested}:dead") == "items.ingested")
        #expect(RedisKey.hashTag(of: "plain") == nil)
        #expect(RedisKey.hashTag(of: "a{}b") == nil)
        #expect(RedisKey.shareHashSlot(["s:{t}", "s:{t}:dead", "x{t}y"]))
        #expect(!RedisKey.shareHashSlot(["s:{t}", "s:{u}"]))
        #expect(!RedisKey.shareHashSlot(["stream", "stream:dead"]))
    }
}
