import RecommendationService
import StylecastServiceKit

// The recommendation executable: everything but the wiring lives in RecommendationService.
await ServiceMain.run(spec: .recommendation, build: RecommendationServiceBuilder.parts)
