import Foundation
import StylecastImageIO
import StylecastProto
import StylecastVision

/// Features of item images computed at ingest: the garment class from the Swift Fashion-MNIST
/// classifier (any image is first prepared like Fashion-MNIST: grey, garment bright on black,
/// 28 x 28) and, for colour images, the dominant colours.
///
/// Memory: images are decoded one at a time, refused before inflating when their header
/// claims more than `maximumPixelCount` pixels, and shrunk to ``workingSide`` before any
/// feature is computed; only the 28 x 28 inputs and the colours of a batch are kept for the one
/// classifier pass.
struct ImageFeatureExtractor: Sendable {
    /// The longest side features are computed at: the classifier sees 28 x 28 and the colour
    /// clustering at most 4,096 samples, so larger images only cost memory.
    static let workingSide = 256

    private let classifier: GarmentClassifier
    private let vocabulary: CanonicalVocabulary
    private let maximumPixelCount: Int

    /// Creates the extractor.
    /// - Parameters:
    ///   - classifier: The garment classifier.
    ///   - vocabulary: Maps class names to canonical categories.
    ///   - maximumPixelCount: The largest image decoded (`STYLECAST_INGEST_MAX_IMAGE_PIXELS`).
    init(classifier: GarmentClassifier, vocabulary: CanonicalVocabulary, maximumPixelCount: Int) {
        self.classifier = classifier
        self.vocabulary = vocabulary
        self.maximumPixelCount = maximumPixelCount
    }

    /// Decodes each image and computes its features, all images of a batch in one classifier
    /// pass.
    /// - Parameter images: PNG bytes, one per item (each copied out for decoding only while it
    ///   is decoded).
    /// - Returns: Per image, its features or the rule its bytes break (not a PNG, corrupt, too
    ///   many pixels).
    func features(of images: [Data]) -> [Result<Stylecast_V1_ImageFeatures, RecordRejection>] {
        var results: [Result<Stylecast_V1_ImageFeatures, RecordRejection>] = []
        var prepared: [(position: Int, input: [UInt8], colors: [Stylecast_V1_DominantColor])] = []
        for (position, bytes) in images.enumerated() {
            do throws(ImageIOError) {
                let image = try PNGImage(pngData: [UInt8](bytes), maximumPixelCount: maximumPixelCount)
                    .scaledDown(toFit: Self.workingSide)
                prepared.append((position, GarmentInput.fashionMNISTStyle(image), dominantColors(of: image)))
                results.append(.success(.init()))
            } catch {
                results.append(.failure(.init(field: "image", rule: Self.rule(for: error))))
            }
        }
        guard !prepared.isEmpty else { return results }
        let classifications: [GarmentClassification]
        do {
            classifications = try classifier.classify(try GarmentInput.tensor(greyscale: prepared.map(\.input)))
        } catch {
            for (position, _, _) in prepared {
                results[position] = .failure(.init(field: "image", rule: "could not be classified: \(error)"))
            }
            return results
        }
        for ((position, _, colors), classification) in zip(prepared, classifications) {
            var features = Stylecast_V1_ImageFeatures()
            features.predictedCategory = vocabulary.category(classification.className)
            features.categoryConfidence = classification.probabilities[classification.classIndex]
            features.dominantColors = colors
            results[position] = .success(features)
        }
        return results
    }

    /// The rule an undecodable image breaks, naming the pixel limit and its setting when that
    /// is the reason.
    private static func rule(for error: ImageIOError) -> String {
        if case .pngTooManyPixels(let width, let height, let limit) = error {
            return "must be a PNG of at most \(limit) pixels (STYLECAST_INGEST_MAX_IMAGE_PIXELS), got \(width)x\(height)"
        }
        return "must be a PNG image: \(error)"
    }

    /// Dominant colours of a colour image (k-means in CIELAB over the garment mask, named by
    /// the lexicon's colour vocabulary; docs/image-features.md); none for a greyscale image.
    private func dominantColors(of image: PNGImage) -> [Stylecast_V1_DominantColor] {
        DominantColors.extract(from: image).map { color in
            .with {
                $0.hex = color.hex
                $0.share = Float(color.share)
                $0.name = color.name
            }
        }
    }
}
