import Foundation
import StylecastTrends

/// One sentence per card in English and in Chinese, filled in from the card's numbers only: the
/// stage, the trailing and forecast year-over-year growth with its interval, how many series
/// agree, and the stage a quarter before.
enum ReportNarrative {
    static let stageNames: [LifecycleStage: (english: String, chinese: String)] = [
        .risingStar: ("a rising star", "新星"),
        .sustainedRiser: ("a sustained riser", "持续上升"),
        .seasonalRiser: ("a seasonal riser", "季节性上升"),
        .stable: ("stable", "平稳"),
        .seasonalDecliner: ("a seasonal decliner", "季节性下降"),
        .sustainedDecliner: ("a sustained decliner", "持续下降"),
        .fallingStar: ("a falling star", "急速下滑"),
    ]

    static let kindNames: [String: (english: String, chinese: String)] = [
        "color": ("colour", "颜色"), "pattern": ("pattern", "图案"), "style": ("style", "风格"),
        "material": ("material", "材质"), "silhouette": ("silhouette", "廓形"), "category": ("category", "品类"),
        TrendAttribute.termKind: ("search term", "搜索词"),
    ]

    static func sentences(attribute: TrendAttribute, market: String, fused: FusedTrend, previousStage: LifecycleStage?)
        -> (english: String, chinese: String)
    {
        guard let stage = fused.stage, let names = stageNames[stage] else { return ("", "") }
        let kind = kindNames[attribute.kind] ?? (attribute.kind, attribute.kind)
        let place = market == TrendReport.allMarkets ? ("across all markets", "在所有市场") : ("in \(market)", "在\(market)市场")
        let growth = percent(fused.growth)
        let forecast = percent(fused.forecastGrowth)
        let interval = (percent(fused.forecastGrowthLower), percent(fused.forecastGrowthUpper))
        var english =
            "\(attribute.value.capitalized) (\(kind.english)) is \(names.english) \(place.0): \(growth) on the same 12 weeks last year, "
            + "forecast \(forecast) for the next 12 weeks (80% interval \(interval.0) to \(interval.1)); "
            + "\(fused.agreeing) of \(fused.staged) series agree."
        var chinese =
            "\(attribute.value)（\(kind.chinese)）\(place.1)为「\(names.chinese)」：较去年同期12周\(growth)，"
            + "未来12周预测\(forecast)（80%区间\(interval.0)至\(interval.1)）；\(fused.staged)个序列中\(fused.agreeing)个方向一致。"
        if let previousStage, let before = stageNames[previousStage] {
            english += previousStage == stage ? " Same stage a quarter ago." : " A quarter ago: \(before.english)."
            chinese += previousStage == stage ? "一个季度前阶段相同。" : "一个季度前：\(before.chinese)。"
        } else {
            english += " No stage a quarter ago."
            chinese += "一个季度前尚无阶段。"
        }
        return (english, chinese)
    }

    static func percent(_ value: Double) -> String { String(format: "%+.0f%%", value * 100) }
}
