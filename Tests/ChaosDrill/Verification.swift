import Foundation
import GRPCCore
import StylecastClient
import StylecastContracts
import StylecastGRPC
import StylecastProto
import StylecastRedis
import StylecastTestSupport

/// After the faults: waits until every consumer group has read and acknowledged everything, then
/// checks the end state against the files and the client summaries.
struct Verification: Sendable {
    let plan: DrillPlan
    let counts: FileCounts
    let stack: ChaosStack
    let report: DrillReport
    let ledger: Ledger

    func run(deadline: ContinuousClock.Instant) async {
        let drainStarted = ContinuousClock.now
        guard let groups = await waitUntilDrained(deadline: deadline) else { return }
        report.note("recovery", "every group drained \((ContinuousClock.now - drainStarted).formattedSeconds) after the last fault and the last file")
        // A promoted replica's `entries-read` is Redis's estimate (it lags what the primary
        // counted), so on a cluster "drained" (last delivered = newest, none pending) decides.
        for group in groups {
            report.check(
                "\(group.label): read and acknowledged every entry",
                group.drained && group.length > 0 && (group.read == nil || group.read == group.length || stack.isCluster),
                "\(group.progress), last delivered \(group.lastDelivered) of \(group.lastGenerated)")
            report.note(
                "groups",
                "\(group.label): \(DrillReport.grouped(group.length)) entries, last delivered = newest, \(group.pending) pending\(group.read.map { ", entries-read \(DrillReport.grouped($0))" } ?? "")")
        }
        do {
            try await checkStreams()
            try await checkTrends()
            try await checkRecommendation()
        } catch {
            report.check("final checks ran", false, "\(error)")
        }
    }

    /// Waits until every group is drained and every ingested item is published as embedded.
    private func waitUntilDrained(deadline: ContinuousClock.Instant) async -> [GroupState]? {
        var lastLog = ContinuousClock.now
        var last: [GroupState] = []
        while ContinuousClock.now < deadline {
            if let groups = try? await stack.probe.groups() {
                last = groups
                let ingested = Self.length(of: .itemsIngested, group: .textEmbedding, in: groups)
                let embedded = Self.length(of: .itemsEmbedded, group: .recommendation, in: groups)
                if groups.allSatisfy(\.drained), ingested == embedded { return groups }
                if ContinuousClock.now - lastLog > .seconds(15) {
                    lastLog = .now
                    report.log(
                        "draining: "
                            + groups.map { "\($0.group)@\(Keys.short($0.stream)) \($0.progress)" }
                            .joined(separator: ", "))
                }
            }
            try? await Task.sleep(for: .milliseconds(250))
        }
        report.check(
            "every group drained before the time limit", false,
            last.map { "\($0.label) \($0.progress)" }.joined(separator: "; "))
        return nil
    }

    /// A stream's entries over its partitions, from one group's states of them (-1: none read yet).
    private static func length(of stream: WorkStream, group: ConsumerGroup, in groups: [GroupState]) -> Int {
        let states = groups.filter { $0.group == group.rawValue && Keys.base($0.stream) == stream.key }
        return states.isEmpty ? -1 : states.reduce(0) { $0 + $1.length }
    }

    /// Ids, streams, embeddings and dead letters against the files and the client summaries.
    private func checkStreams() async throws {
        let stored = try await stack.probe.counts()
        for kind in [DataFile.Kind.items, .interactions, .signals] {
            let totals = ledger.totals(kind)
            let ids = stored[kind.idSet] ?? -1
            let stream = [DataFile.Kind.items: Keys.ingested, .interactions: Keys.interactions, .signals: Keys.signals][kind]!
            let length = stored[stream] ?? -1
            report.check(
                "\(kind.rawValue): accepted by the clients + stored by killed runs = ids stored",
                totals.accepted + totals.storedByFailedRuns == ids,
                "\(totals.accepted) + \(totals.storedByFailedRuns) vs \(ids)")
            report.check(
                "\(kind.rawValue): ids stored = records in the files - rejected", ids == totals.records - totals.rejected,
                "\(ids) vs \(totals.records) - \(totals.rejected)")
            report.check("\(kind.rawValue): one stream entry per stored id", length == ids, "XLEN \(length), SCARD \(ids)")
            report.note(
                "counts",
                "\(kind.rawValue): files \(DrillReport.grouped(totals.records)), rejected \(totals.rejected); clients accepted \(DrillReport.grouped(totals.accepted)) + \(DrillReport.grouped(totals.storedByFailedRuns)) stored by runs that died = \(DrillReport.grouped(totals.accepted + totals.storedByFailedRuns)); ids \(DrillReport.grouped(ids)); XLEN \(Keys.short(stream)) \(DrillReport.grouped(length))")
        }
        for stream in WorkStream.allCases.map(\.key) {
            let dead = stored[Keys.dead(stream)] ?? -1
            report.check("no dead letters in \(Keys.short(stream)):dead", dead == 0, "\(dead) entries")
        }
        report.note("counts", "dead letters: " + WorkStream.allCases.map(\.key).map { "\(Keys.short($0)):dead \(stored[Keys.dead($0)] ?? -1)" }.joined(separator: ", "))

        // Each ingested item embedded and published exactly once.
        let ids = Set((try await stack.redis.send("SMEMBERS", RedisArgument(Keys.itemIDs)).array ?? []).compactMap(\.string))
        // Entry ids repeat across partitions: a source entry is its partition and its id (an
        // item is published on the partition it was ingested on).
        var entries: [(partition: Int, entry: EmbeddedItemEntry)] = []
        for partition in Keys.partitions.all {
            entries += try await stack.redis.allStreamEntries(WorkStream.itemsEmbedded.key(partition: partition), chunk: 2000) { entry in
                (partition, EmbeddedItemEntry(fields: { entry[$0] }))
            }
        }
        let published = entries.map { $0.entry[.itemID] }
        let sources = Set(entries.map { "\($0.partition)/\($0.entry[.ingestedEntry])" })
        let distinct = Set(published)
        report.check(
            "every ingested item embedded exactly once", published.count == ids.count && distinct == ids && sources.count == published.count,
            "\(published.count) published, \(distinct.count) distinct items, \(sources.count) distinct ingested entries, \(ids.count) ids; missing \(Array(ids.subtracting(distinct).prefix(3))), extra \(Array(distinct.subtracting(ids).prefix(3)))")
        var withEmbedding = 0
        let sorted = ids.sorted()
        for start in stride(from: 0, to: sorted.count, by: 1000) {
            let replies = try await stack.redis.pipeline(
                sorted[start..<min(start + 1000, sorted.count)].map { ["EXISTS", RedisArgument(Keys.embedding($0))] })
            withEmbedding += replies.filter { $0.integer == 1 }.count
        }
        report.check("every stored item has its embedding", withEmbedding == ids.count, "\(withEmbedding) of \(ids.count)")
        report.note(
            "counts",
            "embedded: XLEN items.embedded \(DrillReport.grouped(published.count)), distinct items \(DrillReport.grouped(distinct.count)), distinct source entries \(DrillReport.grouped(sources.count)), embeddings stored \(DrillReport.grouped(withEmbedding))")
    }

    /// Weekly items and sales summed over categories, through the trend-aggregation RPCs, against
    /// the counts made from the VISUELLE files.
    private func checkTrends() async throws {
        func read() async throws -> (totals: CategoryWeeklyTotals, wrongItems: [String], wrongSales: [String]) {
            let totals = try await withStylecastConnection(to: stack.definition("trend-aggregation").endpoint) { client in
                try await CategoryWeeklyTotals.read(from: Stylecast_V1_TrendAggregation.Client(wrapping: client))
            }
            let (items, sales) = (totals.items, totals.sales)
            let weeks = Set(counts.weekly.keys).union(items.filter { $0.value != 0 }.keys).union(sales.filter { $0.value != 0 }.keys)
            var wrongItems: [String] = []
            var wrongSales: [String] = []
            for week in weeks.sorted() {
                let expected = counts.weekly[week] ?? (0, 0)
                if items[week, default: 0] != expected.items { wrongItems.append("\(week): \(items[week, default: 0]) vs \(expected.items)") }
                if abs(sales[week, default: 0] - expected.sales) > 1e-6 * max(1, expected.sales) {
                    wrongSales.append("\(week): \(sales[week, default: 0]) vs \(expected.sales)")
                }
            }
            return (totals, wrongItems, wrongSales)
        }
        // The latest calls come from the trend view, which trails the series by up to one refresh
        // (STYLECAST_TRENDS_VIEW_REFRESH_MS, 1 s) and one build: read again until it caught up.
        let started = ContinuousClock.now
        var (totals, wrongItems, wrongSales) = try await read()
        while !(wrongItems.isEmpty && wrongSales.isEmpty), ContinuousClock.now - started < .seconds(15) {
            try await Task.sleep(for: .milliseconds(250))
            (totals, wrongItems, wrongSales) = try await read()
        }
        let caughtUp = ContinuousClock.now - started
        let (items, sales, categories) = (totals.items, totals.sales, totals.categories)
        let expectedItems = counts.weekly.values.reduce(0) { $0 + $1.items }
        let expectedSales = counts.weekly.values.reduce(0) { $0 + $1.sales }
        let totalItems = items.values.reduce(0, +)
        let totalSales = sales.values.reduce(0, +)
        report.check("trend weekly items (summed over categories) equal the files' in every week", wrongItems.isEmpty && categories > 0, wrongItems.prefix(5).joined(separator: "; "))
        report.check("trend weekly sales (summed over categories) equal the files' in every week", wrongSales.isEmpty && categories > 0, wrongSales.prefix(5).joined(separator: "; "))
        report.note(
            "counts",
            "trends: \(categories) categories, \(counts.weekly.count) weeks; items \(DrillReport.grouped(Int(totalItems))) (files \(DrillReport.grouped(Int(expectedItems)))), sales \(String(format: "%.0f", totalSales)) units (files \(String(format: "%.0f", expectedSales))); weeks differing: items \(wrongItems.count), sales \(wrongSales.count); read from the trend view \(caughtUp.formattedSeconds) after the streams drained")
    }

    /// The recommendation group consumed every interaction (checked with the groups); a refresh
    /// trains on every stored interaction, and a real user of the data gets recommendations.
    private func checkRecommendation() async throws {
        var perUser: [String: Int] = [:]
        for entry in try await stack.redis.streamEntries(Keys.interactions, count: 5000) {
            let user = InteractionEntry(fields: { entry[$0] })[.userID]
            if !user.isEmpty { perUser[user, default: 0] += 1 }
        }
        guard let user = perUser.max(by: { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) })?.key else {
            report.check("a user to recommend for", false, "no interactions")
            return
        }
        let length = try await stack.probe.counts()[Keys.interactions] ?? -1
        try await withStylecastConnection(to: stack.definition("recommendation").endpoint) { client in
            let service = Stylecast_V1_Recommendation.Client(wrapping: client)
            var options = CallOptions.defaults
            options.timeout = .seconds(600)
            let refreshed = try await service.refresh(.init(), options: options)
            report.check(
                "Refresh trains on every stored interaction", refreshed.interactions == UInt64(length),
                "\(refreshed.interactions) vs XLEN \(length)")
            let answer = try await service.recommend(.with { $0.userID = user; $0.k = 12 })
            report.check("Recommend for \(user) returns items", !answer.items.isEmpty, "\(answer.items.count) items")
            report.note(
                "counts",
                "recommendation: Refresh trained on \(DrillReport.grouped(Int(refreshed.interactions))) interactions (\(refreshed.users) users, \(refreshed.items) items) in \(String(format: "%.0f", refreshed.trainingMs)) ms; Recommend(\(user), k 12): \(answer.items.count) items, first \(answer.items.first?.itemID ?? "-")")
        }
    }
}
