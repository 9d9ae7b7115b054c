import Logging
import ServiceLifecycle
import StylecastCalendar
import StylecastTrends

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

    private let store: TrendSeriesStore
    private var contents: Contents?
    private var building: Task<Contents, any Error>?

    init(store: TrendSeriesStore) {
        self.store = store
    }

    /// The latest build; the first call waits for one.
    func current() async throws -> Contents {
        if let contents { return contents }
        return try await build()
    }

    /// Rebuilds when a view version differs from the current build's (or there is none yet).
    /// - Returns: The new build, or `nil` when the current one is up to date.
    @discardableResult
    func refresh() async throws -> Contents? {
        if let contents, try await store.viewVersion() == contents.version { return nil }
        return try await build()
    }

    /// Builds once, sharing a build in progress with every caller.
    private func build() async throws -> Contents {
        if let building { return try await building.value }
        let store = store
        let task = Task { try await Self.build(store: store) }
        building = task
        defer { building = nil }
        let built = try await task.value
        contents = built
        return built
    }

    private static func build(store: TrendSeriesStore) async throws -> Contents {
        let started = ContinuousClock.now
        let version = try await store.viewVersion()
        let series = try await TrendSnapshot.StoredSeries.read(from: store)
        let latest = try TrendSnapshot.compute(series: series, asOf: nil)
        let quarterBefore = try TrendSnapshot.compute(series: series, asOf: nil, lagWeeks: TrendReportBuilder.quarterWeeks)
        return Contents(
            version: version, latest: latest, quarterBefore: quarterBefore,
            fused: TrendQueries.fusedTrends(latest.calls), buildTime: ContinuousClock.now - started)
    }
}

/// Keeps a ``TrendView`` current: checks the view versions every interval
/// (`STYLECAST_TRENDS_VIEW_REFRESH_MS`) and rebuilds when they changed, so that the view trails
/// the series by at most one interval plus one build, and is rebuilt at most once per interval
/// however fast entries arrive.
struct TrendViewRefresher: Service {
    let view: TrendView
    let interval: Duration
    let logger: Logger

    func run() async throws {
        var failing = false
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                if let built = try await view.refresh() {
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
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                return
            }
        }
    }
}
