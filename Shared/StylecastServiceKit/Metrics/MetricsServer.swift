import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Prometheus
import ServiceLifecycle
import StylecastCalendar

/// A small HTTP/1.1 server for Prometheus: `GET /metrics` answers the registry in the text
/// exposition format; anything else is 404. It runs on its own port so that scraping never
/// competes with gRPC traffic, and stops on graceful shutdown or cancellation. A connection
/// that sends nothing for `idleTimeout` is closed, so idle sockets cannot pile up.
public struct MetricsServer: Service {
    private let host: String
    private let port: Int
    private let registry: PrometheusCollectorRegistry
    private let logger: Logger
    private let eventLoopGroup: any EventLoopGroup
    private let idleTimeout: Duration

    /// Creates the server.
    /// - Parameters:
    ///   - host: Address to bind.
    ///   - port: TCP port to bind (0 picks a free one).
    ///   - registry: The metrics to serve.
    ///   - logger: Logs the bound address.
    ///   - eventLoopGroup: Where connections are handled.
    ///   - idleTimeout: A connection that sends nothing this long is closed
    ///     (`STYLECAST_METRICS_IDLE_MS`).
    public init(
        host: String, port: Int, registry: PrometheusCollectorRegistry, logger: Logger,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, idleTimeout: Duration = .seconds(10)
    ) {
        self.host = host
        self.port = port
        self.registry = registry
        self.logger = logger
        self.eventLoopGroup = eventLoopGroup
        self.idleTimeout = idleTimeout
    }

    public func run() async throws {
        let registry = self.registry
        let idle = TimeAmount.milliseconds(idleTimeout.wholeMilliseconds)
        let channel = try await ServerBootstrap(group: eventLoopGroup)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: idle))
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(MetricsHTTPHandler(registry: registry))
                }
            }
            .bind(host: host, port: port)
            .get()
        logger.info(
            "metrics listening", metadata: ["address": "\(channel.localAddress.map { "\($0)" } ?? "?")"])
        // Closed on cancellation too: when another service of the group fails, the group cancels
        // every service, and a server still waiting for its channel would keep the process alive.
        await withTaskCancellationOrGracefulShutdownHandler {
            try? await channel.closeFuture.get()
        } onCancelOrGracefulShutdown: {
            channel.close(promise: nil)
        }
    }
}

/// Answers one HTTP request at a time on a connection. Not Sendable: NIO creates it on the
/// connection's event loop (`syncOperations`) and calls it only there.
private final class MetricsHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let registry: PrometheusCollectorRegistry
    private var requestHead: HTTPRequestHead?

    init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            requestHead = head
        case .body:
            break
        case .end:
            guard let head = requestHead else { return }
            requestHead = nil
            respond(to: head, context: context)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    private func respond(to head: HTTPRequestHead, context: ChannelHandlerContext) {
        let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
        let (status, contentType, body): (HTTPResponseStatus, String, [UInt8]) =
            if head.method == .GET && path == "/metrics" {
                (.ok, "text/plain; version=0.0.4; charset=utf-8", registry.emitToBuffer())
            } else {
                (.notFound, "text/plain; charset=utf-8", Array("not found: try GET /metrics\n".utf8))
            }
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: contentType)
        headers.add(name: "Content-Length", value: "\(body.count)")
        let keepAlive = head.isKeepAlive
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            let channel = context.channel
            done.whenComplete { _ in channel.close(promise: nil) }
        }
    }
}
