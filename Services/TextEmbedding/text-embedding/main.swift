import TextEmbeddingService
import StylecastServiceKit

// The text-embedding executable: everything but the wiring lives in TextEmbeddingService.
await ServiceMain.run(spec: .textEmbedding, build: TextEmbeddingServiceBuilder.parts)
