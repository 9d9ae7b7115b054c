import StylecastCalendar
import StylecastProto
import StylecastTrends

/// The core's answers and the trend library's values as the v1 messages.
enum TrendMessages {
    static func stage(_ stage: LifecycleStage?) -> Stylecast_V1_TrendStage {
        switch stage {
        case nil: .unspecified
        case .risingStar: .risingStar
        case .sustainedRiser: .sustainedRiser
        case .seasonalRiser: .seasonalRiser
        case .stable: .stable
        case .seasonalDecliner: .seasonalDecliner
        case .sustainedDecliner: .sustainedDecliner
        case .fallingStar: .fallingStar
        }
    }

    /// The first version's status, from the stage (see `TrendStatus` in the proto).
    static func status(_ stage: LifecycleStage?) -> Stylecast_V1_TrendStatus {
        switch stage?.direction {
        case nil: .unspecified
        case .up: stage == .risingStar ? .emerging : .rising
        case .flat: .stable
        case .down: .declining
        }
    }

    static func numbers(_ numbers: some TrendNumbers) -> Stylecast_V1_TrendNumbers {
        .with {
            $0.growth = numbers.growth
            $0.velocity = numbers.velocity
            $0.acceleration = numbers.acceleration
            $0.seasonality = numbers.seasonality
            $0.forecastGrowth = numbers.forecastGrowth
            $0.forecastGrowthLower = numbers.forecastGrowthLower
            $0.forecastGrowthUpper = numbers.forecastGrowthUpper
        }
    }

    static func evidence(_ series: TrendSnapshot.SeriesCall) -> Stylecast_V1_TrendEvidence {
        let call = series.call
        return .with {
            $0.source = series.topic.source.source
            $0.market = series.topic.source.market
            $0.measure = series.topic.source.measure.rawValue
            $0.stage = stage(call.stage)
            if let growth = call.growth {
                $0.numbers = numbers(growth)
                $0.level = growth.level
                $0.lastYearLevel = growth.lastYearLevel
            }
            $0.confidence = call.confidence
            $0.support = call.support
            $0.minimumSupport = call.measure.minimumSupport
            $0.unsupported = call.unsupported?.description ?? ""
            $0.firstWeek = series.coverage?.firstWeek.iso ?? ""
            $0.lastWeek = series.coverage?.lastWeek.iso ?? ""
            if series.coverage == nil { $0.unsupported = "the source has no week to read yet (too little volume or history)" }
        }
    }

    /// An attribute's fused trend with its evidence.
    static func attributeTrend(_ attribute: TrendAttribute, series: [TrendSnapshot.SeriesCall], fused: FusedTrend)
        -> Stylecast_V1_AttributeTrend
    {
        let staged = series.filter { $0.call.stage != nil }
        let sources = Dictionary(grouping: staged, by: \.topic.source.source)
        let agreeingSources = sources.values.filter { calls in
            2 * calls.count { $0.call.direction == fused.direction } > calls.count
        }.count
        let strongest = staged.max { $0.call.support < $1.call.support }
        return .with {
            $0.attribute = .with {
                $0.kind = attribute.kind
                $0.value = attribute.value
                $0.confidence = Float(fused.confidence)
                $0.origin = "trend"
            }
            $0.stage = stage(fused.stage)
            $0.status = status(fused.stage)
            $0.numbers = numbers(fused)
            $0.level = strongest?.call.growth?.level ?? 0
            $0.slope = fused.velocity
            $0.forecastChange = fused.forecastGrowth
            $0.confidence = fused.confidence
            $0.supportedSeries = UInt32(fused.staged)
            $0.agreeingSeries = UInt32(fused.agreeing)
            $0.supportedSources = UInt32(sources.count)
            $0.agreeingSources = UInt32(agreeingSources)
            $0.evidence = series.map(evidence)
        }
    }

    /// The list, each attribute's message taken from `kept` when the list was read from the trend
    /// view (built there once per view build), else built here.
    static func list(_ list: TrendQueries.TrendList, kept: AttributeTrendMessages? = nil) -> Stylecast_V1_ListTrendsResponse {
        .with {
            if let kept, let build = list.viewBuild {
                $0.trends = kept.messages(for: list.trends, viewBuild: build)
            } else {
                $0.trends = list.trends.map { attributeTrend($0.attribute, series: $0.series, fused: $0.fused) }
            }
            $0.asOfWeek = list.lastWeek?.iso ?? ""
            $0.matched = UInt32(list.matched)
        }
    }

    /// The series with last year's weeks beside its own, the raw amounts, the call and the forecasts.
    static func series(_ read: TrendQueries.SeriesRead) -> Stylecast_V1_GetSeriesResponse {
        let chosen = read.series
        let history = chosen.history
        return .with {
            $0.measure = chosen.topic.source.measure.rawValue
            $0.source = chosen.topic.source.source
            $0.market = chosen.topic.source.market
            $0.history = history.map { point(week: $0.week, value: $0.value) }
            // Each labelled with this year's week.
            $0.lastYear = history.compactMap { week in week.lastYear.map { point(week: week.week, value: $0) } }
            $0.amounts = chosen.amounts.sorted { $0.key < $1.key }.map { point(week: $0.key, value: $0.value) }
            $0.call = evidence(chosen)
            if let growth = chosen.call.growth {
                $0.trendForecast = .with {
                    $0.point = growth.forecast
                    $0.lower = growth.forecastLower
                    $0.upper = growth.forecastUpper
                    $0.model = "SeasonalGrowth(profile ±\(growth.profileHalfWidth) weeks)"
                }
            }
            if let forecast = read.forecast { $0.forecast = self.forecast(forecast) }
        }
    }

    static func point(week: CivilDay, value: Double) -> Stylecast_V1_SeriesPoint {
        .with {
            $0.week = week.iso
            $0.value = value
        }
    }

    static func forecast(_ answer: HistoryForecaster.Answer) -> Stylecast_V1_ForecastResponse {
        .with {
            $0.point = answer.point
            $0.lower = answer.lower
            $0.upper = answer.upper
            $0.model = answer.model
        }
    }

    /// Markets and sources with data, with each source's window and series count.
    static func markets(_ snapshot: TrendSnapshot) -> Stylecast_V1_ListMarketsResponse {
        let seriesCounts = Dictionary(grouping: snapshot.calls, by: \.topic.source).mapValues(\.count)
        return .with {
            $0.markets = snapshot.markets
            $0.sources = snapshot.sources
            $0.coverage = snapshot.sourcesWithData.map { source in
                let coverage = snapshot.coverages[source]
                return .with {
                    $0.source = source.source
                    $0.market = source.market
                    $0.measure = source.measure.rawValue
                    $0.firstWeek = coverage?.firstWeek.iso ?? ""
                    $0.lastWeek = coverage?.lastWeek.iso ?? ""
                    $0.thinWeeks = UInt32(coverage?.thinWeeks.count ?? 0)
                    $0.series = UInt32(seriesCounts[source] ?? 0)
                }
            }
        }
    }
}
