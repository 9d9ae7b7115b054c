import ImageGenerationService
import StylecastServiceKit

// The image-generation executable: everything but the wiring lives in ImageGenerationService.
await ServiceMain.run(spec: .imageGeneration, build: ImageGenerationServiceBuilder.parts)
