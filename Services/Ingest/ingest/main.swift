import IngestService
import StylecastServiceKit

// The ingest executable: everything but the wiring lives in IngestService.
await ServiceMain.run(spec: .ingest, build: IngestServiceBuilder.parts)
