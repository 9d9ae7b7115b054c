import StylecastImageIO
import StylecastProto
import StylecastTensor
import StylecastVision

/// Features of item images computed at ingest: the garment class from the Swift Fashion-MNIST
/// classifier (any image is first prepared like Fashion-MNIST: grey, garment bright on black,
/// 28 x 28) and, for colour images, the dominant colours.
struct ImageFeatureExtractor: Sendable {
    private let classifier: GarmentClassifier
    private let vocabulary: CanonicalVocabulary

    /// Creates the extractor.
    init(classifier: GarmentClassifier, vocabulary: CanonicalVocabulary) {
        self.classifier = classifier
        self.vocabulary = vocabulary
    }

    /// Decodes each image and computes its features, all images of a batch in one classifier
    /// pass.
    /// - Parameter images: PNG bytes, one per item.
    /// - Returns: Per image, its features or the rule its bytes break (not a PNG, corrupt).
    func features(of images: [[UInt8]]) -> [Result<Stylecast_V1_ImageFeatures, RecordRejection>] {
        var results: [Result<Stylecast_V1_ImageFeatures, RecordRejection>] = []
        var decoded: [(position: Int, image: PNGImage)] = []
        for (position, bytes) in images.enumerated() {
            do {
                decoded.append((position, try PNGImage(pngData: bytes)))
                results.append(.success(.init()))
            } catch {
                results.append(.failure(.init(field: "image", rule: "must be a PNG image: \(error)")))
            }
        }
        guard !decoded.isEmpty else { return results }
        let classifications: [GarmentClassification]
        do {
            let input = try GarmentInput.tensor(greyscale: decoded.map { GarmentInput.fashionMNISTStyle($0.image) })
            classifications = try classifier.classify(input)
        } catch {
            for (position, _) in decoded {
                results[position] = .failure(.init(field: "image", rule: "could not be classified: \(error)"))
            }
            return results
        }
        for ((position, image), classification) in zip(decoded, classifications) {
            var features = Stylecast_V1_ImageFeatures()
            features.predictedCategory = vocabulary.category(classification.className)
            features.categoryConfidence = classification.probabilities[classification.classIndex]
            features.dominantColors = dominantColors(of: image)
            results[position] = .success(features)
        }
        return results
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
