import ArgumentParser
import Foundation
import StylecastClient
import StylecastGRPC

/// `stylecast generate`: garment designs from a prompt, from two seeds (style mixing) or from
/// the trends, written as PNG files.
struct GenerateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate garment designs (PNG) from a prompt, by mixing two designs, or from the trends.",
        discussion: """
            With a prompt, the image-generation service reads it with text-embedding (English or \
            Chinese: garment, colours, pattern) and draws COUNT designs; design i uses seed \
            SEED + i. --mix A B draws the mix of design A's coarse and design B's fine styles, \
            then A and B. --from-trends N draws N designs from the rising \
            attributes. Files are written to --out as generated-<seed>-<i>.png. \
            docs/image-generation.md describes the rules.

            Examples:
              stylecast generate "a red and white striped summer dress" --count 4 --out out
              stylecast generate "未来感十足的设计，鲜艳的荧光色，复杂的几何图案" --count 2 --seed 7
              stylecast generate --mix 13 24 --crossover 2 --out out
              stylecast generate --from-trends 8 --out out --json
            """)

    @Option(help: "host:port of the image-generation service.")
    var target = Endpoint.defaultEndpoint(of: .imageGeneration)

    @Argument(help: "The design prompt (words are joined with spaces).")
    var prompt: [String] = []

    @Option(help: "Designs to draw from the prompt.")
    var count: UInt32 = 1

    @Option(help: "Seed of the first design.")
    var seed: UInt64 = 0

    @Option(help: "Edge length in pixels (0 = the service default, 256).")
    var size: UInt32 = 0

    @Option(
        parsing: .upToNextOption,
        help: ArgumentHelp("Mix two designs: the coarse styles of SEED_A, the fine of SEED_B.", valueName: "seed"))
    var mix: [UInt64] = []

    @Option(help: "With --mix: layers before this one take SEED_A's style (1-5; 0 = 2).")
    var crossover: UInt32 = 0

    @Option(help: "With --mix: the garment class of both designs (empty = each seed's own).")
    var category: String = ""

    @Option(name: .customLong("from-trends"), help: "Draw this many designs from the rising attributes.")
    var fromTrends: UInt32?

    @Option(help: "Folder to write the PNG files into (created if missing).")
    var out: String = "."

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    func validate() throws {
        let modes = [!prompt.isEmpty, !mix.isEmpty, fromTrends != nil].filter { $0 }.count
        guard modes == 1 else { throw ValidationError("give exactly one of: a prompt, --mix SEED_A SEED_B, --from-trends N") }
        if !mix.isEmpty, mix.count != 2 { throw ValidationError("--mix takes two seeds, got \(mix.count)") }
    }

    func run() async throws {
        let response = try await withStylecastConnection(to: target) { client in
            let service = Stylecast_V1_ImageGeneration.Client(wrapping: client)
            if let fromTrends {
                return try await service.generateFromTrends(.with {
                    $0.n = fromTrends
                    $0.seed = seed
                    $0.size = size
                })
            }
            if mix.count == 2 {
                return try await service.mixStyles(.with {
                    $0.seedA = mix[0]
                    $0.seedB = mix[1]
                    $0.crossoverLayer = crossover
                    $0.category = category
                    $0.size = size
                })
            }
            return try await service.generate(.with {
                $0.prompt = prompt.joined(separator: " ")
                $0.count = count
                $0.seed = seed
                $0.size = size
            })
        }
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        var files: [String] = []
        for (index, image) in response.images.enumerated() {
            let path = (out as NSString).appendingPathComponent("generated-\(image.seed)-\(index).png")
            try image.png.write(to: URL(fileURLWithPath: path))
            files.append(path)
        }
        if json {
            try printJSON([
                "images": zip(response.images, files).map { image, file in
                    [
                        "file": file, "category": image.category, "seed": image.seed, "palette": image.palette,
                        "pattern": image.pattern, "width": image.width, "height": image.height,
                    ] as [String: Any]
                },
                "attributes": response.attributes.map {
                    ["kind": $0.kind, "value": $0.value, "confidence": $0.confidence, "origin": $0.origin] as [String: Any]
                },
                "notes": response.notes,
                "total_ms": response.timings.totalMs,
            ])
            return
        }
        let understood = response.attributes.map { "\($0.kind) \($0.value) (\($0.origin))" }.joined(separator: ", ")
        print("understood: \(understood.isEmpty ? "-" : understood)")
        for note in response.notes { print("note: \(note)") }
        for (image, file) in zip(response.images, files) {
            print("\(file)  \(image.category), \(image.pattern), \(image.palette.joined(separator: " ")), seed \(image.seed)")
        }
        print(String(format: "%d design%@ in %.0f ms", response.images.count, response.images.count == 1 ? "" : "s", response.timings.totalMs))
    }
}
