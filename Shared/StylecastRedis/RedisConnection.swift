import CHiredis
import StylecastCalendar

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One blocking hiredis connection: the only place that holds a `redisContext*`.
///
/// Every method blocks the calling thread, so it is only ever called on the client's
/// dedicated threads, never on Swift's cooperative pool. It is `@unchecked Sendable` because
/// `ConnectionPool` hands it to exactly one thread at a time (check-out/check-in), which
/// is the exclusivity hiredis needs; it is never used by two threads at once.
final class RedisConnection: @unchecked Sendable {
    private let context: UnsafeMutablePointer<redisContext>
    private var currentTimeout: Duration
    private let defaultTimeout: Duration
    /// Set once hiredis reported an I/O or protocol error: such a context cannot be reused.
    private(set) var isBroken = false

    /// Connects, then authenticates and selects the database named in `url`.
    /// - Parameters:
    ///   - url: Where to connect and how to log in.
    ///   - connectTimeout: Limit for the TCP connect.
    ///   - commandTimeout: Limit for writing a command and reading its reply.
    init(url: RedisURL, connectTimeout: Duration, commandTimeout: Duration) throws(RedisError) {
        guard
            let context = url.host.withCString({
                redisConnectWithTimeout($0, Int32(url.port), connectTimeout.timeval)
            })
        else {
            throw .connectionFailed("\(url.host):\(url.port): out of memory")
        }
        if context.pointee.err != 0 {
            let reason = Self.errorString(context)
            redisFree(context)
            throw .connectionFailed("\(url.host):\(url.port): \(reason)")
        }
        self.context = context
        self.defaultTimeout = commandTimeout
        self.currentTimeout = commandTimeout
        guard redisSetTimeout(context, commandTimeout.timeval) == REDIS_OK else {
            // deinit frees the context.
            throw .connectionFailed("\(url.host):\(url.port): could not set the socket timeout")
        }

        if let password = url.password {
            let user = url.username.map { [RedisArgument($0)] } ?? []
            try login(["AUTH"] + user + [RedisArgument(password)], url: url, refused: "AUTH rejected")
        }
        if url.database != 0 {
            try login(["SELECT", RedisArgument(url.database)], url: url, refused: "SELECT \(url.database) rejected")
        }
    }

    deinit {
        redisFree(context)
    }

    /// Runs one command and waits for its reply. An error reply is returned as
    /// ``RedisValue/error(_:)``, not thrown.
    /// - Parameters:
    ///   - arguments: The command and its arguments.
    ///   - timeout: Reply timeout for this command, or `nil` for the connection's default.
    /// - Throws: ``RedisError/connectionLost(_:)``, ``RedisError/timeout(_:)`` or
    ///   ``RedisError/protocolError(_:)``; the connection is then broken.
    func command(_ arguments: [RedisArgument], timeout: Duration? = nil) throws(RedisError) -> RedisValue {
        try applyTimeout(timeout)
        let reply = Self.withArgv(arguments) { argc, argv, lengths in
            redisCommandArgv(context, argc, argv, lengths)
        }
        guard let reply else { throw failure(while: Self.name(of: arguments)) }
        return Self.consume(reply)
    }

    /// Writes all commands, then reads all replies: one round trip.
    /// - Parameters:
    ///   - commands: The commands, each an argument list.
    ///   - timeout: Reply timeout, or `nil` for the connection's default.
    /// - Returns: One reply per command, in order (error replies as values).
    /// - Throws: As ``command(_:timeout:)``.
    func pipeline(_ commands: [[RedisArgument]], timeout: Duration? = nil) throws(RedisError) -> [RedisValue] {
        try applyTimeout(timeout)
        for arguments in commands {
            let status = Self.withArgv(arguments) { argc, argv, lengths in
                redisAppendCommandArgv(context, argc, argv, lengths)
            }
            guard status == REDIS_OK else { throw failure(while: "queueing a pipeline") }
        }
        var replies: [RedisValue] = []
        replies.reserveCapacity(commands.count)
        for arguments in commands {
            var raw: UnsafeMutableRawPointer?
            guard redisGetReply(context, &raw) == REDIS_OK, let raw else {
                throw failure(while: "a pipeline at \(Self.name(of: arguments))")
            }
            replies.append(Self.consume(raw))
        }
        return replies
    }

    /// Queues one command and writes it out without reading its reply: for a subscribed
    /// connection, whose replies arrive among pushed messages (``nextMessages(within:)``).
    /// - Parameter arguments: The command and its arguments.
    /// - Throws: ``RedisError/connectionLost(_:)`` or ``RedisError/timeout(_:)``; the
    ///   connection is then broken.
    func write(_ arguments: [RedisArgument]) throws(RedisError) {
        let status = Self.withArgv(arguments) { argc, argv, lengths in
            redisAppendCommandArgv(context, argc, argv, lengths)
        }
        guard status == REDIS_OK else { throw failure(while: "queueing \(Self.name(of: arguments))") }
        var done: Int32 = 0
        repeat {
            guard redisBufferWrite(context, &done) == REDIS_OK else {
                throw failure(while: "writing \(Self.name(of: arguments))")
            }
        } while done == 0
    }

    /// Waits up to `timeout` for data and returns every complete reply or pushed message that
    /// arrived, in order; an empty array when nothing came in time. Unlike a timed-out
    /// ``command(_:timeout:)``, a quiet wait leaves the connection usable.
    /// - Parameter timeout: The longest wait (millisecond precision).
    /// - Throws: ``RedisError/connectionLost(_:)`` when Redis closed the connection, or
    ///   ``RedisError/protocolError(_:)``; the connection is then broken.
    func nextMessages(within timeout: Duration) throws(RedisError) -> [RedisValue] {
        let buffered = try bufferedMessages()
        guard buffered.isEmpty else { return buffered }
        var descriptor = pollfd(fd: context.pointee.fd, events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(clamping: timeout.wholeMilliseconds)
        let ready = poll(&descriptor, 1, milliseconds)
        if ready < 0 {
            guard errno == EINTR else { throw failure(while: "waiting for messages") }
            return []
        }
        guard ready > 0 else { return [] }
        guard redisBufferRead(context) == REDIS_OK else { throw failure(while: "reading messages") }
        return try bufferedMessages()
    }

    /// The replies already read into hiredis's buffer, without touching the socket.
    private func bufferedMessages() throws(RedisError) -> [RedisValue] {
        var messages: [RedisValue] = []
        while true {
            var raw: UnsafeMutableRawPointer?
            guard redisGetReplyFromReader(context, &raw) == REDIS_OK else {
                throw failure(while: "parsing messages")
            }
            guard let raw else { return messages }
            messages.append(Self.consume(raw))
        }
    }

    /// Runs a login command; a failure or an error reply (prefixed with `refused`) fails the connect.
    private func login(_ arguments: [RedisArgument], url: RedisURL, refused: String) throws(RedisError) {
        let reply: RedisValue
        do {
            reply = try command(arguments)
        } catch {
            throw .connectionFailed("\(url.host):\(url.port): \(error)")
        }
        if let message = reply.errorMessage {
            throw .connectionFailed("\(url.host):\(url.port): \(refused): \(message)")
        }
    }

    private func applyTimeout(_ requested: Duration?) throws(RedisError) {
        let wanted = requested ?? defaultTimeout
        guard wanted != currentTimeout else { return }
        guard redisSetTimeout(context, wanted.timeval) == REDIS_OK else {
            isBroken = true
            throw .connectionLost("could not set the socket timeout")
        }
        currentTimeout = wanted
    }

    /// Classifies the context's error right after a failed call (errno is still that call's).
    private func failure(while what: String) -> RedisError {
        isBroken = true
        let savedErrno = errno
        let reason = Self.errorString(context)
        switch context.pointee.err {
        case REDIS_ERR_IO where savedErrno == EAGAIN || savedErrno == EWOULDBLOCK:
            return .timeout("no reply to \(what) within \(currentTimeout)")
        case REDIS_ERR_PROTOCOL, REDIS_ERR_OOM:
            return .protocolError("\(what): \(reason)")
        default:
            return .connectionLost("\(what): \(reason)")
        }
    }

    private static func errorString(_ context: UnsafeMutablePointer<redisContext>) -> String {
        withUnsafeBytes(of: context.pointee.errstr) { raw in
            let bytes = raw.prefix(while: { $0 != 0 })
            return bytes.isEmpty ? "unknown error" : String(decoding: bytes, as: UTF8.self)
        }
    }

    private static func name(of arguments: [RedisArgument]) -> String {
        arguments.first.map { $0.description.uppercased() } ?? "an empty command"
    }

    /// Lays all arguments out in one buffer and calls `body` with hiredis's argv/argvlen view.
    private static func withArgv<Result>(
        _ arguments: [RedisArgument],
        _ body: (Int32, UnsafeMutablePointer<UnsafePointer<CChar>?>, UnsafePointer<Int>) -> Result
    ) -> Result {
        let total = arguments.reduce(0) { $0 + $1.bytes.count }
        let storage = UnsafeMutablePointer<CChar>.allocate(capacity: max(total, 1))
        let pointers = UnsafeMutablePointer<UnsafePointer<CChar>?>.allocate(capacity: max(arguments.count, 1))
        let lengths = UnsafeMutablePointer<Int>.allocate(capacity: max(arguments.count, 1))
        defer {
            storage.deallocate()
            pointers.deallocate()
            lengths.deallocate()
        }
        var offset = 0
        for (index, argument) in arguments.enumerated() {
            argument.bytes.withUnsafeBytes { source in
                UnsafeMutableRawPointer(storage + offset).copyMemory(
                    from: source.baseAddress ?? UnsafeRawPointer(storage), byteCount: source.count)
            }
            pointers[index] = UnsafePointer(storage + offset)
            lengths[index] = argument.bytes.count
            offset += argument.bytes.count
        }
        return body(Int32(arguments.count), pointers, lengths)
    }

    /// Converts a reply tree to a ``RedisValue`` and frees it.
    private static func consume(_ raw: UnsafeMutableRawPointer) -> RedisValue {
        let reply = raw.assumingMemoryBound(to: redisReply.self)
        defer { freeReplyObject(raw) }
        return convert(reply)
    }

    private static func convert(_ reply: UnsafeMutablePointer<redisReply>) -> RedisValue {
        let node = reply.pointee
        switch node.type {
        case REDIS_REPLY_STRING:
            return .bulkString(bytes(node))
        case REDIS_REPLY_INTEGER:
            return .integer(Int64(node.integer))
        case REDIS_REPLY_ARRAY:
            var elements: [RedisValue] = []
            elements.reserveCapacity(node.elements)
            for index in 0..<node.elements {
                if let child = node.element[index] {
                    elements.append(convert(child))
                } else {
                    elements.append(.null)
                }
            }
            return .array(elements)
        case REDIS_REPLY_STATUS:
            return .status(String(decoding: bytes(node), as: UTF8.self))
        case REDIS_REPLY_ERROR:
            return .error(String(decoding: bytes(node), as: UTF8.self))
        default:
            return .null
        }
    }

    private static func bytes(_ node: redisReply) -> [UInt8] {
        guard let str = node.str, node.len > 0 else { return [] }
        return Array(UnsafeRawBufferPointer(start: str, count: node.len))
    }
}

extension Duration {
    /// The duration as a C `timeval` (microsecond precision), as hiredis expects.
    fileprivate var timeval: timeval {
        let (seconds, attoseconds) = components
        return Glibc.timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
    }
}
