import StylecastProto
import StylecastTrends

/// The trend library's values as the v1 messages.
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
}
