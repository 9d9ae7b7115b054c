import Dispatch
import Logging
import ServiceLifecycle
import StylecastCalendar
import StylecastTrends
import Synchronization

/// The trend view: every series' call at each source's latest week, the calls a quarter before
/// (what the report compares with) and every attribute fused, kept in memory by each
/// trend-aggregation replica and rebuilt in the background when the series change, so that
/// `ListTrends`, `GetSeries`, `ListMarkets` and `Report` without `as_of` answer without computing
/// (docs/trends.md, "The trend view").
///
/// Every entry the aggregator applies raises the view version of the trend partitions it writes
/// to (``TrendSeriesStore/viewVersion()``). A build reads the versions first, then the series, so
/// a view is never newer than its version: writes that land during a build raise a version again
/// and the next ``refresh()`` rebuilds.
actor TrendView {
    /// One build.
    struct Contents: Sendable {
        /// This build's number, unique in the process and larger for a later build: what was
        /// derived from one build (``TrendQueries/TrendList/viewBuild``) holds while it is current.
        var build: Int
        /// The view versions read before the series.
        var version: [Int64]
        /// Every series' call at each source's latest week.
        var latest: TrendSnapshot
        /// Every series' call a quarter (``TrendReportBuilder/quarterWeeks``) before each source's latest week.
        var quarterBefore: TrendSnapshot
        /// Every attribute of ``latest`` fused, strongest calls first.
        var fused: [TrendQueries.AttributeCall]
        /// How long reading and computing took.
        var buildTime: Duration
    }

    /// A view not read for this long is no longer kept current (``isRead``): rebuilding what
    /// nobody reads would only take CPU from the workers.
    static let idleAfter: Duration = .seconds(30)

    private let store: TrendSeriesStore
    private var building: Task<Contents, any Error>?
    /// The current build and the last read, behind a lock rather than the actor, so that a read
    /// of a current view takes no hop: it stays on the caller's executor (an RPC's event loop).
    private nonisolated let published: Mutex<(contents: Contents?, lastRead: ContinuousClock.Instant)>

    init(store: TrendSeriesStore) {
        self.store = store
        published = Mutex((nil, .now))
    }

    /// Whether the view was read within ``idleAfter``: only then does ``TrendViewRefresher`` keep it current.
    nonisolated var isRead: Bool { published.withLock { ContinuousClock.now - $0.lastRead <= Self.idleAfter } }

    /// The latest build. The first call waits for one; so does the first call after the view sat
    /// unread for ``idleAfter`` when the series changed meanwhile (it was not kept current).
    nonisolated func current() async throws -> Contents {
        let (contents, wasIdle) = published.withLock { state in
            let now = ContinuousClock.now
            let wasIdle = now - state.lastRead > Self.idleAfter
            state.lastRead = now
            return (state.contents, wasIdle)
        }
        if let contents, !wasIdle { return contents }
        do {
            if let built = try await refresh() { return built }
        } catch {
            // Redis failing the check after a pause: serve the last build rather than fail.
            if let contents { return contents }
            throw error
        }
        if let contents = published.withLock(\.contents) { return contents }
        return try await build()
    }

    /// Rebuilds when a view version differs from the current build's (or there is none yet).
    /// A build already running when the change was seen may have read the versions before it,
    /// so one that comes back older than the versions read here is followed by another.
    /// - Returns: The new build, or `nil` when the current one is up to date.
    @discardableResult
    func refresh() async throws -> Contents? {
        let version = try await store.viewVersion()
        if let contents = published.withLock(\.contents), version == contents.version { return nil }
        let built = try await build()
        let older = zip(built.version, version).contains { $0 < $1 } || built.version.count != version.count
        return older ? try await build() : built
    }

    /// Builds once, sharing a build in progress with every caller.
    private func build() async throws -> Contents {
        if let building { return try await building.value }
        let store = store
        let task = Task { try await Self.build(store: store) }
        building = task
        defer { building = nil }
        let built = try await task.value
        published.withLock { $0.contents = built }
        return built
    }

    /// Where the calls are computed: a thread of their own, off Swift's cooperative pool, so that
    /// a rebuild (every series' forecast) never holds a pool thread the RPCs are waiting for.
    private static let computeQueue = DispatchQueue(label: "stylecast.trend-view", qos: .utility)

    /// The last build's number (``Contents/build``).
    private static let builds = Atomic<Int>(0)

    private static func build(store: TrendSeriesStore) async throws -> Contents {
        let started = ContinuousClock.now
        let version = try await store.viewVersion()
        let series = try await TrendSnapshot.StoredSeries.read(from: store)
        let (latest, quarterBefore, fused) = try await withCheckedThrowingContinuation { continuation in
            computeQueue.async {
                continuation.resume(
                    with: Result {
                        let latest = try TrendSnapshot.compute(series: series, asOf: nil)
                        let quarterBefore = try TrendSnapshot.compute(
                            series: series, asOf: nil, lagWeeks: TrendReportBuilder.quarterWeeks)
                        return (latest, quarterBefore, TrendQueries.fusedTrends(latest.calls))
                    })
            }
        }
        return Contents(
            build: builds.add(1, ordering: .relaxed).newValue, version: version, latest: latest, quarterBefore: quarterBefore, fused: fused,
            buildTime: ContinuousClock.now - started)
    }
}

/// Keeps a ``TrendView`` current while it is read (``TrendView/isRead``): checks the view
/// versions every interval (`STYLECAST_TRENDS_VIEW_REFRESH_MS`) and rebuilds when they changed. After a rebuild it waits
/// at least ``costFactor`` times as long as the rebuild took, so that while entries keep
/// arriving (a backlog draining) rebuilding takes at most a fifth of one core, however many
/// series there are. The view trails the series by at most the longer of the two waits plus one
/// build.
struct TrendViewRefresher: Service {
    /// A rebuild that took t is followed by a wait of at least this many t.
    static let costFactor = 4

    let view: TrendView
    let interval: Duration
    let logger: Logger

    func run() async throws {
        var failing = false
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            var wait = interval
            do {
                if view.isRead, let built = try await view.refresh() {
                    wait = max(interval, built.buildTime * Self.costFactor)
                    logger.debug(
                        "trend view rebuilt",
                        metadata: [
                            "series": "\(built.latest.calls.count)", "attributes": "\(built.fused.count)",
                            "build_ms": "\(Int(built.buildTime.milliseconds))",
                        ])
                }
                if failing { logger.info("trend view current again") }
                failing = false
            } catch {
                if !failing { logger.warning("trend view rebuild failed; serving the last build, trying again", metadata: ["error": "\(error)"]) }
                failing = true
            }
            do {
                let pause = wait
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) }
            } catch {
                return
            }
        }
    }
}
