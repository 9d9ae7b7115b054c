import Foundation
import Logging
import Prometheus
import StylecastCalendar
import StylecastContracts
import StylecastErrors
import StylecastProto
import StylecastRecommender
import StylecastRedis
import StylecastServiceKit
import Synchronization

/// The service's core, without gRPC: the current model, the per-user cache, the users' recent
/// events and the content index; it validates `k`, answers the four RPCs' questions and
/// retrains.
package final class RecommendationEngine: Sendable {
    private let configuration: RecommendationConfiguration
    private let redis: RedisClient
    private let partitions: StreamPartitions
    private let store: ModelStore
    private let cache: RecommendationCache
    /// Copies of cache entries in process memory, `nil` when turned off; kept coherent by
    /// ``NearCacheInvalidation``.
    package let nearCache: RecommendationNearCache?
    private let recent: RecentInteractions
    private let trainer: RecommenderTrainer
    private let logger: Logger
    private let current = Mutex<RecommenderModel?>(nil)
    /// Embeddings for content kNN.
    package let content = ContentIndex()
    /// What the request rules read of each known item (``ItemFacts``) and which items are out of
    /// stock or hidden, from the stored bodies of the model's items, of every item embedded
    /// since, and of every item whose state changed (``ItemStateFollower``).
    package let catalogue = ItemCatalogue()
    /// Impressions, clicks, carts and purchases per reason and surface, `nil` without metrics.
    package let attribution: AttributionCounters?
    /// Items the catalogue knows and the model does not (embedded or changed since it was
    /// trained): what exploration may show.
    private let explorationPool = Mutex<(ids: [String], members: Set<String>)>(([], []))
    /// The rising attributes (``TrendCallFollower``) and, once asked, their signal per item of
    /// one model.
    private let trends = Mutex<(signals: TrendSignals, perItem: TrendItemSignals?)>((.none, nil))

    /// Creates the engine (no model until ``install(_:)``, ``refresh()`` or ``loadOrTrain()``).
    /// - Parameters:
    ///   - configuration: Limits, cache lifetime and training parameters.
    ///   - redis: The Redis pool.
    ///   - partitions: How the interactions stream is split (training reads every partition).
    ///   - logger: Logs training and loading.
    ///   - metrics: Where cache lookups are counted, or `nil`.
    package init(
        configuration: RecommendationConfiguration, redis: RedisClient, partitions: StreamPartitions = .single,
        logger: Logger, metrics: PrometheusCollectorRegistry? = nil
    ) {
        self.configuration = configuration
        self.redis = redis
        self.partitions = partitions
        self.store = ModelStore(redis: redis)
        let near =
            configuration.nearCacheEntries > 0 && configuration.cacheTimeToLive > .zero
            ? RecommendationNearCache(capacity: configuration.nearCacheEntries) : nil
        self.nearCache = near
        self.cache = RecommendationCache(
            redis: redis, timeToLive: configuration.cacheTimeToLive, near: near, metrics: metrics)
        self.recent = RecentInteractions(redis: redis)
        self.trainer = RecommenderTrainer(
            factors: configuration.alsFactors, iterations: configuration.alsIterations,
            repurchaseWindowDays: Double(configuration.repurchaseWindowDays))
        self.logger = logger
        self.attribution = metrics.map(AttributionCounters.init)
    }

    /// The model in use, `nil` before the first is ready.
    package var model: RecommenderModel? { current.withLock { $0 } }

    /// Replaces the model in use.
    package func install(_ model: RecommenderModel) {
        current.withLock { $0 = model }
        let known = catalogue.itemIDs
        explorationPool.withLock { pool in
            let ids = (pool.ids + known.filter { !pool.members.contains($0) }).filter { model.items[$0] == nil }
            pool = (ids, Set(ids))
        }
    }

    private func requireModel() throws(RecommendationError) -> RecommenderModel {
        guard let model else { throw .modelNotReady }
        return model
    }

    /// Checks `k` against `1...maxK`, naming the field.
    package func validate(k: UInt32) throws(InvalidInput) -> Int {
        guard k >= 1, k <= configuration.maxK else {
            throw InvalidInput(field: "k", rule: "must be between 1 and \(configuration.maxK), got \(k)")
        }
        return Int(k)
    }

    /// Recommend: the cached answer when it is a hit, else computed and (for a user the model or
    /// the recent log knows, best-effort) cached, ``RecommendationConfiguration/cacheDepth``
    /// items deep.
    /// With `rules` the cached list is used when k of its items pass them (the first k that do
    /// are exactly the first k of the whole ranking with the rules); else, and with a session
    /// `context`, the list is computed and not stored.
    /// - Parameters:
    ///   - userID: The customer; may be empty when `context` is not.
    ///   - rawK: List length, 1 to `STYLECAST_REC_MAX_K`.
    ///   - rules: What the list may contain (``ListRules``).
    ///   - context: Items viewed in this session, oldest first (at most ``maximumContextItems``).
    ///   - surface: Where the list is shown (``Surface/validated(_:)``), for the
    ///     `recommendation_id` and the attribution counters.
    ///   - trendBoost: 0 (off) to 1, how much items of rising attributes are raised; a boosted
    ///     list is computed every call.
    /// - Throws: ``InvalidInput`` for a bad `k`, context or user id (``KeyIdentifier``),
    ///   ``RecommendationError`` (`unknownContext` when no context item is known), ``RedisError``.
    package func recommend(
        userID: String, k rawK: UInt32, rules: ListRules = ListRules(), context: [String] = [],
        surface: String = Surface.unspecified, trendBoost: Float = 0
    ) async throws -> Stylecast_V1_RecommendResponse {
        guard trendBoost.isFinite, (0...1).contains(trendBoost) else {
            throw InvalidInput(field: "trend_boost", rule: "must be between 0 (off) and 1, got \(trendBoost)")
        }
        try KeyIdentifier.check(userID, field: "user_id", allowEmpty: !context.isEmpty)
        let k = try validate(k: rawK)
        let started = ContinuousClock.now
        let model = try requireModel()
        try Self.check(context: context, known: { model.items[$0] != nil || self.content.contains($0) })
        let withdrawn = catalogue.withdrawn
        if !rules.isEmpty, context.isEmpty, trendBoost == 0, !userID.isEmpty,
            let answer = try await cachedAnswer(userID: userID, k: k, rules: rules, withdrawn: withdrawn, model: model)
        {
            var hit = answer.response
            hit.timings = .with { $0.totalMs = (ContinuousClock.now - started).milliseconds }
            return served(explored(hit, k: k, model: model, userID: userID, rules: answer.rules, facts: answer.facts), surface: surface)
        }
        guard rules.isEmpty, context.isEmpty, trendBoost == 0 else {
            // A list with rules, a session context or a boost is computed here: the cache keeps
            // the plain list of a user only.
            let (events, _) = userID.isEmpty ? ([], 0) : try await recent.read(userID: userID)
            let boosting = trendBoost > 0
            let facts = rules.readsFacts || rules.diversity != nil || boosting ? catalogue.snapshot.facts : [:]
            let rules = rules.withdrawing(withdrawn)
            let boost = boosting ? ItemBoost(signals: trendSignals(for: model, facts: { facts })?.values, strength: trendBoost) : .off
            let items = await runOffEventLoop {
                model.recommend(
                    userID: userID, recent: events, context: context, count: k, rules: rules, facts: { facts[$0] }, boost: boost)
            }
            var response = Self.response(items)
            response.timings = .with { $0.totalMs = (ContinuousClock.now - started).milliseconds }
            return served(explored(response, k: k, model: model, userID: userID, rules: rules, facts: { facts[$0] }, shown: context), surface: surface)
        }
        // A cached list that holds an item withdrawn since is not used: recomputed and stored again.
        if var hit = try await cache.lookup(userID: userID, k: k, version: model.version),
            withdrawn.isEmpty || !hit.items.contains(where: { withdrawn.contains($0.itemID) })
        {
            hit.fromCache = true
            hit.timings = .with { $0.totalMs = (ContinuousClock.now - started).milliseconds }
            return served(explored(hit, k: k, model: model, userID: userID, rules: ListRules().withdrawing(withdrawn)), surface: surface)
        }
        let (events, recentCount) = try await recent.read(userID: userID)
        let computing = ContinuousClock.now
        let plain = ListRules().withdrawing(withdrawn)
        let depth = max(k, configuration.cacheDepth)
        // A full ranking takes milliseconds: off the event loop that read the request.
        let items = await runOffEventLoop { model.recommend(userID: userID, recent: events, count: depth, rules: plain) }
        var response = Self.response(items)
        response.timings = .with { $0.inferenceMs = (ContinuousClock.now - computing).milliseconds }
        // Only users the model or the log knows are cached: an unknown id (whatever a caller
        // sends) adds no key. Filling is best-effort: the answer is computed, a failed fill does
        // not fail it.
        if model.users[userID] != nil || !events.isEmpty {
            do {
                try await cache.fill(response, userID: userID, k: depth, version: model.version, recentCount: recentCount)
            } catch {
                logger.warning("Recommend cache fill failed; answered without it", metadata: ["error": "\(error)"])
            }
        }
        if response.items.count > k { response.items.removeSubrange(k...) }
        response.timings.totalMs = (ContinuousClock.now - started).milliseconds
        return served(explored(response, k: k, model: model, userID: userID, rules: plain), surface: surface)
    }

    /// A served list: its `recommendation_id`, and one impression per item counted.
    private func served(_ response: Stylecast_V1_RecommendResponse, surface: String) -> Stylecast_V1_RecommendResponse {
        var response = response
        let items = response.items.map { (itemID: $0.itemID, reason: RecommendationReason(rawValue: $0.reason) ?? .popular) }
        response.recommendationID = RecommendationID(surface: surface, items: items).text
        attribution?.countImpressions(of: items.lazy.map(\.reason), surface: surface)
        return response
    }

    /// `response` with ``RecommendationConfiguration/explorePercent`` of its slots (at least one
    /// when exploring, none in a list of one) given to items the rules allow, at random
    /// positions, with reason `explore`: new items (the ``explorationPool``) and items of the
    /// attributes trend-aggregation calls rising that `userID` has not interacted with, in
    /// turns; unchanged when exploration is off or nothing qualifies.
    private func explored(
        _ response: Stylecast_V1_RecommendResponse, k: Int, model: RecommenderModel, userID: String, rules: ListRules,
        facts: (String) -> ItemFacts? = { _ in nil }, shown: [String] = []
    ) -> Stylecast_V1_RecommendResponse {
        let slots = configuration.explorePercent == 0 || k < 2 ? 0 : max(1, k * configuration.explorePercent / 100)
        guard slots > 0 else { return response }
        let newItems = explorationPool.withLock { $0.ids }
        let rising = trendSignals(for: model, facts: { self.catalogue.snapshot.facts })?.rising ?? []
        guard !newItems.isEmpty || !rising.isEmpty else { return response }
        var taken = Set(response.items.map(\.itemID)).union(shown)
        if !rising.isEmpty, let user = model.users[userID] {
            taken.formUnion(model.histories[user].map { model.items.identifiers[Int($0.item)] })
        }
        var picks: [String] = []
        for _ in 0..<(8 * slots) where picks.count < slots {
            // New items and items of rising attributes take turns; either alone when the other is empty.
            let fromNew = rising.isEmpty || (!newItems.isEmpty && picks.count % 2 == 0)
            let candidate = fromNew
                ? newItems[Int.random(in: 0..<newItems.count)] : model.items.identifiers[rising[Int.random(in: 0..<rising.count)]]
            guard !fromNew || model.items[candidate] == nil, !taken.contains(candidate),
                rules.admits(candidate, facts: facts(candidate))
            else {
                continue
            }
            picks.append(candidate)
            taken.insert(candidate)
        }
        guard !picks.isEmpty else { return response }
        var explored = response
        explored.items = Array(response.items.prefix(k - picks.count))
        for pick in picks {
            explored.items.insert(
                .with {
                    $0.itemID = pick
                    $0.reason = RecommendationReason.explore.rawValue
                },
                at: Int.random(in: 0...explored.items.count))
        }
        return explored
    }

    /// Takes in the attributes trend-aggregation calls rising now (``TrendCallFollower``).
    package func updateRisingAttributes(_ attributes: [RisingAttribute]) {
        trends.withLock { trends in
            trends = (TrendSignals(attributes, generation: trends.signals.generation + 1), nil)
        }
    }

    /// The trend signal of every item of `model`, built once per model and set of calls (the
    /// catalogue's facts are read only then); `nil` while no attribute rises.
    private func trendSignals(for model: RecommenderModel, facts: () -> [String: ItemFacts]) -> TrendItemSignals? {
        let (signals, cached) = trends.withLock { ($0.signals, $0.perItem) }
        guard !signals.isEmpty else { return nil }
        if let cached, cached.version == model.version, cached.generation == signals.generation { return cached }
        let catalogue = facts()
        let values = signals.itemSignals(of: model, facts: { catalogue[$0] })
        let built = TrendItemSignals(
            version: model.version, generation: signals.generation, values: values,
            rising: values.indices.filter { values[$0] > 0 })
        trends.withLock { $0.perItem = built }
        return built
    }

    /// Counts an interaction made from a recommended list (`recommendation_id` set) under the
    /// reason the list gave its item; one that names no list this service wrote, or an item the
    /// list did not hold, counts nothing.
    /// - Parameters:
    ///   - kind: The interaction kind (`view` counts as a click).
    ///   - itemID: The item acted on.
    ///   - recommendationID: The list's id.
    package func attribute(kind: String, itemID: String, recommendationID: String) {
        guard let attribution, let event = AttributionCounters.Event(interactionKind: kind),
            let list = RecommendationID(decoding: recommendationID), let reason = list.reason(of: itemID)
        else { return }
        attribution.count(event, reason: reason, surface: list.surface)
    }

    /// A rule request's answer from a cached list, `nil` when none holds k items the rules
    /// allow (the caller then ranks with the rules):
    /// 1. with attribute or price filters and a near cache, the user's *rule list* for those
    ///    filters (the ranking computed with them, ``RecommendationConfiguration/cacheDepth`` deep);
    /// 2. the user's cached list (Redis or the near cache, as deep), the head of the ranking
    ///    without rules;
    /// 3. with filters and a near cache, the rule list computed and stored.
    ///
    /// Either list is the head of a ranking the rules' remaining checks (exclusions, withdrawn
    /// items, diversity) only remove from, so its first k allowed items are exactly the first k
    /// of the whole ranking with the rules.
    private func cachedAnswer(
        userID: String, k: Int, rules: ListRules, withdrawn: Set<String>, model: RecommenderModel
    ) async throws -> (response: Stylecast_V1_RecommendResponse, rules: ListRules, facts: (String) -> ItemFacts?)? {
        // Read before the facts: a list computed with filters holds for the facts it read, so it
        // is keyed with their generation, and a change of any known item's facts leaves it unread.
        let factsGeneration = catalogue.factsGeneration
        let facts = rules.readsFacts || rules.diversity != nil ? catalogue.snapshot.facts : [:]
        let lookup: (String) -> ItemFacts? = { facts[$0] }
        let allowed = rules.withdrawing(withdrawn)
        // A list shorter than its depth holds the whole ranking: its allowed items are the answer
        // even when fewer than k. A rule list was computed with these filters on the same facts
        // (its key holds their generation): only its ids are asked again.
        func answer(from list: [Stylecast_V1_ScoredItem], depth: Int, filtersHold: Bool = false) -> [Stylecast_V1_ScoredItem]? {
            let kept = filtersHold
                ? allowed.diverse(list.lazy.filter { allowed.admitsID($0.itemID) }, count: k, itemID: \.itemID, facts: lookup)
                : allowed.diverse(
                    list.lazy.filter { allowed.admits($0.itemID, facts: lookup($0.itemID)) }, count: k, itemID: \.itemID,
                    facts: lookup)
            return kept.count == k || list.count < depth ? kept : nil
        }
        let key = StylecastKeys.Recommendation.cache(userID: userID)
        let keepsRuleLists = rules.readsFacts && nearCache != nil && cache.isEnabled
        let filterKey = keepsRuleLists ? rules.filterKey + " facts:\(factsGeneration)" : ""
        // With filters, the rule list is the closer head: read it first.
        if keepsRuleLists, let list = nearCache?.lookupRuleList(key: key, filters: filterKey, version: model.version) {
            guard let items = answer(from: list.response.items, depth: list.k, filtersHold: true) else { return nil }
            return (.with { $0.items = items; $0.fromCache = true }, allowed, lookup)
        }
        if let cached = try await cache.lookup(userID: userID, k: k, version: model.version, whole: true),
            let items = answer(from: cached.items, depth: max(k, configuration.cacheDepth))
        {
            var hit = cached
            hit.items = items
            hit.fromCache = true
            return (hit, allowed, lookup)
        }
        guard keepsRuleLists, let nearCache else { return nil }
        // Computed with the filters alone and kept, if no invalidation of the user comes first.
        let ticket = nearCache.beginRead(of: key)
        let events: [LoggedInteraction]
        do {
            events = try await recent.read(userID: userID).0
        } catch {
            if let ticket { nearCache.endRead(ticket, storing: nil) }
            throw error
        }
        let filters = rules.filtersOnly.withdrawing(withdrawn)
        let depth = max(k, configuration.cacheDepth)
        let items = await runOffEventLoop {
            model.recommend(userID: userID, recent: events, count: depth, rules: filters, facts: { facts[$0] })
        }
        let list = Self.response(items)
        if let ticket {
            if model.users[userID] != nil || !events.isEmpty {
                nearCache.endRead(
                    ticket, storingRuleList: .init(
                        version: model.version, k: depth, response: list, expires: .now + configuration.cacheTimeToLive),
                    filters: filterKey)
            } else {
                nearCache.endRead(ticket, storing: nil)
            }
        }
        return answer(from: list.items, depth: depth).map { items in (.with { $0.items = items }, allowed, lookup) }
    }

    /// Most items a session context may name.
    package static let maximumContextItems = 100

    /// Checks a session context: at most ``maximumContextItems`` valid ids, at least one of them known.
    /// - Throws: ``InvalidInput`` naming `context_item_ids`; ``RecommendationError/unknownContext(_:)``
    ///   when none of its items is known.
    static func check(context: [String], known: (String) -> Bool) throws {
        guard !context.isEmpty else { return }
        guard context.count <= maximumContextItems else {
            throw InvalidInput(
                field: "context_item_ids", rule: "must name at most \(maximumContextItems) items, got \(context.count)")
        }
        for (index, itemID) in context.enumerated() { try KeyIdentifier.check(itemID, field: "context_item_ids[\(index)]") }
        guard context.contains(where: known) else { throw RecommendationError.unknownContext(context.count) }
    }

    /// SimilarItems: co-occurrence neighbours, or content kNN when the item has none.
    /// - Throws: ``RecommendationError/unknownItem(_:)`` when neither knows the item.
    package func similarItems(
        itemID: String, k rawK: UInt32, rules requested: ListRules = ListRules(), surface: String = Surface.unspecified
    ) throws -> Stylecast_V1_RecommendResponse {
        try KeyIdentifier.check(itemID, field: "item_id")
        let k = try validate(k: rawK)
        let model = try requireModel()
        let (facts, withdrawn) = catalogue.snapshot
        let rules = requested.withdrawing(withdrawn)
        let index = model.items[itemID]
        guard index != nil || content.contains(itemID) else { throw RecommendationError.unknownItem(itemID) }
        guard !rules.isEmpty else {
            var items = index.map { model.coOccurring(with: $0, count: k) } ?? []
            if items.isEmpty { items = content.similarItems(to: itemID, count: k) }
            return served(Self.response(items), surface: surface)
        }
        // With rules: the co-occurrence neighbours they allow, then the content neighbours they
        // allow, so that k come back whenever k eligible items exist; the diversity limit walks both.
        let admits = { (id: String) in rules.admits(id, facts: facts[id]) }
        var candidates = index.map { index in
            model.coOccurring(with: index, count: rules.diversity == nil ? k : .max) { admits(model.items.identifiers[$0]) }
        } ?? []
        if candidates.count < k || rules.diversity != nil {
            let taken = Set(candidates.map(\.itemID)).union([itemID])
            candidates += content.similarItems(to: itemID, count: content.count).filter {
                !taken.contains($0.itemID) && admits($0.itemID)
            }
        }
        return served(Self.response(rules.diverse(candidates, count: k, itemID: \.itemID) { facts[$0] }), surface: surface)
    }

    /// CompleteTheLook: complementary categories bought together, topped up with popular ones.
    /// - Throws: ``RecommendationError/unknownItem(_:)`` for an item the model does not know.
    package func completeTheLook(
        itemID: String, k rawK: UInt32, rules requested: ListRules = ListRules(), surface: String = Surface.unspecified
    ) throws -> Stylecast_V1_RecommendResponse {
        try KeyIdentifier.check(itemID, field: "item_id")
        let k = try validate(k: rawK)
        let model = try requireModel()
        guard let index = model.items[itemID] else { throw RecommendationError.unknownItem(itemID) }
        let (facts, withdrawn) = catalogue.snapshot
        let rules = requested.withdrawing(withdrawn)
        return served(
            Self.response(model.completeTheLook(for: index, count: k, rules: rules, facts: { facts[$0] })), surface: surface)
    }

    /// How long the Refresh lock holds if its owner dies while training.
    package static let refreshLockLifetime: Duration = .seconds(600)

    /// Retrains from every stored interaction, stores the model for the other replicas and uses
    /// it. One Refresh trains at a time across replicas (a lock in Redis): a Refresh that finds
    /// another training waits for it and uses its model, so concurrent Refreshes end with every
    /// replica on one version.
    /// - Throws: ``RedisError`` or ``RecommendationError``.
    @discardableResult
    package func refresh() async throws -> RecommenderModel {
        let owner = UUID().uuidString
        guard try await store.lockRefresh(owner: owner, lifetime: Self.refreshLockLifetime) else {
            // Another replica (or call) is training: wait for its model rather than train a rival.
            let deadline = ContinuousClock.now + Self.refreshLockLifetime
            while try await store.isRefreshLocked(), ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
            }
            try await reloadIfChanged()
            return try requireModel()
        }
        do {
            let trained = try await trainAndStore()
            try await store.unlockRefresh(owner: owner)
            return trained
        } catch {
            try? await store.unlockRefresh(owner: owner)
            throw error
        }
    }

    private func trainAndStore() async throws -> RecommenderModel {
        let interactions = try await InteractionLog(redis: redis, partitions: partitions).readAll()
        var itemIDs = IdentifierIndex()
        for interaction in interactions { _ = itemIDs.insert(interaction.itemID) }
        // One read of the item records: their categories train the model, their facts serve the rules.
        let stamp = catalogue.stamp()
        let bodies = try await store.items(itemIDs.identifiers)
        let categories = bodies.compactMapValues { $0.category.isEmpty ? nil : $0.category }
        let version = max(UInt64(Date().timeIntervalSince1970 * 1000), (model?.version ?? 0) + 1)
        let trained: RecommenderModel
        do {
            trained = try trainer.train(interactions, categories: categories, version: version)
        } catch {
            throw RecommendationError.training(error)
        }
        try await store.save(trained)
        install(trained)
        try await loadEmbeddings(for: trained, bodies: (bodies, stamp))
        logger.info(
            "model trained",
            metadata: [
                "users": "\(trained.users.count)", "items": "\(trained.items.count)",
                "interactions": "\(trained.interactionCount)", "training_ms": "\(trained.trainingMilliseconds)",
                "version": "\(trained.version)",
            ])
        return trained
    }

    /// Start-up: loads the stored model, or trains when interactions exist and none is stored,
    /// or installs an empty model.
    /// - Throws: ``RedisError`` or ``RecommendationError``.
    package func loadOrTrain() async throws {
        if let stored = try await store.load() {
            install(stored)
            try await loadEmbeddings(for: stored)
            logger.info("model loaded", metadata: ["version": "\(stored.version)", "items": "\(stored.items.count)"])
            return
        }
        try await refresh()
    }

    /// Loads the stored model when its version differs from the one in use (another replica
    /// refreshed).
    /// - Throws: ``RedisError`` or ``RecommendationError``.
    package func reloadIfChanged() async throws {
        guard let version = try await store.storedVersion(), version != model?.version,
            let stored = try await store.load()
        else { return }
        install(stored)
        try await loadEmbeddings(for: stored)
        logger.info("model reloaded", metadata: ["version": "\(stored.version)"])
    }

    /// Records an interaction from the stream: the user's recent events and cache invalidation.
    /// - Throws: A ``RedisError``.
    package func record(_ interaction: LoggedInteraction) async throws(RedisError) {
        try await recent.record(interaction)
    }

    /// Adds an item published by text-embedding to the content index.
    /// - Throws: A ``RedisError``.
    package func addEmbeddedItem(_ itemID: String) async throws(RedisError) {
        content.insert(try await store.embeddings(of: [itemID]))
        try await loadFacts(of: [itemID])
    }

    /// Reads the stored bodies of items whose state changed (``ItemStateFollower``) into the
    /// catalogue: an item out of stock or hidden leaves every list from then on.
    /// - Throws: A ``RedisError``.
    package func itemStateChanged(_ itemIDs: [String]) async throws(RedisError) {
        try await loadFacts(of: itemIDs)
    }

    /// Reads every known item's stored body again (the ``ItemStateFollower`` at its start, so
    /// that no change between an earlier read and its first position is missed).
    /// - Throws: A ``RedisError``.
    package func reloadCatalogue() async throws(RedisError) {
        try await loadFacts(of: catalogue.itemIDs)
    }

    /// Loads the model's items into the content index and the rules' catalogue.
    /// - Parameters:
    ///   - model: The model whose items are loaded.
    ///   - bodies: Their records and the catalogue stamp taken before they were read, when the
    ///     caller has just read them (training), else `nil`.
    private func loadEmbeddings(
        for model: RecommenderModel, bodies: (items: [String: Stylecast_V1_FashionItem], stamp: UInt64)? = nil
    ) async throws(RedisError) {
        content.insert(try await store.embeddings(of: model.items.identifiers))
        if let bodies {
            catalogue.merge(bodies.items, readAt: bodies.stamp)
        } else {
            try await loadFacts(of: model.items.identifiers)
        }
    }

    /// Reads the stored bodies of `itemIDs` into the catalogue.
    private func loadFacts(of itemIDs: [String]) async throws(RedisError) {
        let stamp = catalogue.stamp()
        let items = try await store.items(itemIDs)
        catalogue.merge(items, readAt: stamp)
        guard let model else { return }
        explorationPool.withLock { pool in
            for id in items.keys where model.items[id] == nil && pool.members.insert(id).inserted { pool.ids.append(id) }
        }
    }

    static func response(_ items: [RankedItem]) -> Stylecast_V1_RecommendResponse {
        .with { response in
            response.items = items.map { item in
                .with {
                    $0.itemID = item.itemID
                    $0.score = item.score
                    $0.reason = item.reason.rawValue
                }
            }
        }
    }
}

/// The trend signals of one model's items for one set of trend calls: one per item, in the
/// model's item order, and the items whose signal is above 0 (what exploration may show).
struct TrendItemSignals: Sendable {
    var version: UInt64
    var generation: UInt64
    var values: [Float]
    var rising: [Int]
}
