import Foundation
import StylecastDatasets
import Testing

/// Every shared data file read end to end, with the counts its README states.
@Suite("Real data sets")
struct RealDataTests {
    /// Reads a shared data file that must read whole: no file-level failure, no rejected record.
    func readClean(
        _ source: DatasetSource, _ relative: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> ReadResult {
        let result = try ReadResult(source: source, path: DataFiles.path(relative))
        #expect(result.failure == nil, sourceLocation: sourceLocation)
        #expect(result.rejections.isEmpty, sourceLocation: sourceLocation)
        return result
    }

    @Test func myntraReadsEveryRowAndRepairsTheTwentyTwoUnquotedCommas() throws {
        let result = try readClean(.myntra, "myntra/styles.csv.gz")
        #expect(result.items.count == 44_446)
        let repaired = result.items.filter { $0.1 != nil }
        #expect(repaired.count == 22)
        for (_, repair, item) in repaired {
            #expect(item.title.contains(","), "\(item.itemID): \(item.title)")
            #expect(repair?.hasPrefix("productDisplayName is the last column") == true)
        }
        let first = try #require(result.items.first)
        #expect(first.0 == 2)
        #expect(first.2.itemID == "myntra:15970")
        #expect(first.2.title == "Turtle Check Men Navy Blue Shirt")
        #expect(first.2.category == "Shirts")
        #expect(first.2.color == "Navy Blue")
        #expect(first.2.extra == ["masterCategory": "Apparel", "subCategory": "Topwear", "year": "2011", "usage": "Casual"])
        let perfume = try #require(result.items.first { $0.2.itemID == "myntra:44065" })
        #expect(perfume.2.title == "Boss Men Perfume, After Shave Balm and Shower Gel Set")
        #expect(perfume.0 == 6044)
        #expect(result.bytesRead == result.totalBytes)
    }

    @Test func hmArticlesAreItems() throws {
        let result = try readClean(.hm, "hm/articles_train.csv.gz")
        #expect(result.items.count == 11_800)
        let first = try #require(result.items.first?.2)
        #expect(first.itemID == "hm:0111565001")
        #expect(first.title == "20 den 1p Stockings")
        #expect(first.category == "Underwear Tights")
        #expect(first.color == "Black")
        #expect(first.gender == "Women")
        #expect(first.extra["section_name"] == "Womens Nightwear, Socks & Tigh")
        #expect(first.description_p.hasPrefix("Semi shiny nylon stockings with a wide, reinforced trim"))
    }

    @Test func hmTransactionsArePurchasesWithARowIdentityAndFlatMemory() throws {
        let result = try readClean(.hm, "hm/transactions_train.csv.gz")
        #expect(result.interactions.count == 31_662)
        let first = try #require(result.interactions.first)
        #expect(first.0 == 2)
        #expect(first.1.interactionID == "hm:tx:2")
        #expect(first.1.kind == "purchase")
        #expect(first.1.itemID == "hm:0493995001")
        #expect(first.1.timestamp == 1_537_401_600)  // 2018-09-20T00:00:00Z
        #expect(Set(result.interactions.map(\.1.interactionID)).count == 31_662)
        // The decompressed file is about 3.6 MB; the buffer holds a chunk or two, never the file.
        #expect(result.peakBufferCapacity <= 512 * 1024, "peak buffer \(result.peakBufferCapacity) bytes")
    }

    @Test func hmCustomersAreRefusedWithAReason() {
        let error = #expect(throws: DatasetError.self) { try DatasetReader(source: .hm, path: DataFiles.path("hm/customers.csv.gz")) }
        #expect(error?.description.contains("customers are not items or interactions") == true)
    }

    @Test(arguments: [("train", 5_080), ("test", 497)])
    func visuelleProductsAreItems(split: String, count: Int) throws {
        let result = try readClean(.visuelle, "visuelle/\(split).csv")
        #expect(result.items.count == count)
        let first = try #require(result.items.first?.2)
        #expect(first.extra["split"] == split)
        #expect(first.extra["weekly_sales"]?.split(separator: ",").count == 12)
        #expect(!first.releaseDate.isEmpty)
        if split == "train" {
            #expect(first.itemID == "visuelle:1")
            #expect(first.title == "yellow acrylic long sleeve")
            #expect(first.releaseDate == "2016-12-01")
            #expect(first.extra["image_path"] == "PE17/00001.png")
        }
    }

    @Test func visuelleTrendsAreOneSeriesPerTerm() throws {
        let result = try readClean(.visuelle, "visuelle/gtrends.csv")
        #expect(result.signals.count == 96)
        let first = try #require(result.signals.first?.2)
        #expect(first.term == "long sleeve")
        #expect(first.points.count == 220)
        #expect(first.points.first?.week == "2015-10-05")
        #expect(first.points.first?.value == 55)
        // -1 marks a missing week and is left out.
        #expect(result.signals.contains { $0.2.points.count < 220 })
        #expect(result.signals.allSatisfy { $0.2.points.allSatisfy { $0.value >= 0 } })
    }

    @Test func googleTrendsAreTenHundredFiftySixSeriesOfAHundredFiftySixWeeks() throws {
        let result = try readClean(.gtrends, "gtrends/covid19_fashion_weekly.csv.gz")
        #expect(result.signals.count == 1_056)
        #expect(result.signals.allSatisfy { $0.2.points.count == 156 })
        let first = try #require(result.signals.first)
        #expect(first.0 == 2)
        #expect(first.2.geo == "AT")
        #expect(first.2.group == "bag")
        #expect(first.2.term == "bag")
        // Google's weeks start on Sunday 2017-04-23; points carry that week's Monday.
        #expect(first.2.points.first?.week == "2017-04-24")
        #expect(first.2.points.first?.value == 63)
        #expect(result.signals.allSatisfy { zip($0.2.points, $0.2.points.dropFirst()).allSatisfy { $0.week < $1.week } })
        // Two cells read "<1" and are repaired to 0.5.
        #expect(result.signals.filter { $0.1 != nil }.map { $0.2.points.filter { $0.value == 0.5 }.count }.reduce(0, +) == 2)
    }

    @Test func amazonReviewsAreInteractionsPlusOneItemPerAsin() throws {
        let path = DataFiles.path("amazon/fashion_5core.json.gz")
        let result = try readClean(.amazon, "amazon/fashion_5core.json.gz")
        #expect(result.interactions.count == 3_176)
        #expect(result.items.count == 31)
        // The distinct asins counted independently of the reader, with Foundation's JSON.
        let asins = try Set(
            DataFiles.gunzipLines(path).map {
                try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])["asin"] as? String
            })
        #expect(result.items.count == asins.count)
        let firstItem = try #require(result.items.first?.2)
        #expect(firstItem.itemID == "amazon:B000K2PJ4K")
        #expect(firstItem.title == "Amazon Fashion B000K2PJ4K")
        #expect(firstItem.color == "Blue/Orange")
        #expect(firstItem.extra["size"] == "Big Boys")
        let first = try #require(result.interactions.first?.1)
        #expect(first.interactionID == "amazon:review:ALJ66O1Y6SLHA:B000K2PJ4K:1441324800")
        #expect(first.rating == 5)
        #expect(first.userID == "amazon:ALJ66O1Y6SLHA")
    }

    @Test func amazonSequencesAreOrderedReviews() throws {
        let result = try readClean(.amazon, "amazon/clothing_5core_sequences.txt.gz")
        #expect(result.interactions.count == 278_677)
        #expect(Set(result.interactions.map(\.1.userID)).count == 39_387)
        let first = try #require(result.interactions.first?.1)
        #expect(first.userID == "amazon-seq:1")
        #expect(first.itemID == "amazon-seq:1")
        #expect(first.sequence == 0)
        #expect(first.interactionID == "amazon-seq:1:0")
        #expect(result.interactions[4].1.sequence == 4)
        #expect(result.interactions[4].0 == 1)
        #expect(result.interactions[5].1.userID == "amazon-seq:2")
        #expect(result.interactions[5].0 == 2)
    }

    @Test func womensReviewsAreInteractionsPlusOneItemPerClothingID() throws {
        let result = try readClean(.reviews, "reviews/womens_clothing_reviews.csv.gz")
        #expect(result.interactions.count == 23_486)
        #expect(result.items.count == 1_206)
        let first = try #require(result.interactions.first)
        #expect(first.0 == 2)
        #expect(first.1.interactionID == "reviews:2")
        #expect(first.1.userID == "reviews:row2")
        #expect(first.1.itemID == "reviews:767")
        #expect(first.1.rating == 4)
        // Quoted newlines in review texts: the last record starts well past line 23,487.
        #expect((result.interactions.last?.0 ?? 0) > 23_487)
        #expect(result.items.allSatisfy { !$0.2.title.isEmpty })
    }

    @Test func fashionMNISTIsSeventyThousandPNGItems() throws {
        guard DataFiles.hasFashionMNIST else {
            print("skipped: \(DatasetReader.fashionMNISTDefaultDirectory) is absent (apt-get install dataset-fashion-mnist)")
            return
        }
        var reader = try DatasetReader(source: .fmnist, path: "")
        var counts: [String: Int] = [:]
        var rejected = 0
        var first: StylecastProtoItem?
        while let entry = reader.next() {
            guard case .record(.item(let item), _) = entry.outcome else {
                rejected += 1
                continue
            }
            if first == nil { first = item }
            counts[item.extra["split"] ?? "", default: 0] += 1
        }
        #expect(reader.failure == nil)
        #expect(rejected == 0)
        #expect(counts == ["train": 60_000, "test": 10_000])
        let item = try #require(first)
        #expect(item.itemID == "fmnist:train-00000")
        #expect(item.category == "Ankle boot")
        #expect(Array(item.image.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    }
}

extension DataFiles {
    /// The lines of a gzipped text file, through gzip(1)'s library (zlib via Foundation is not
    /// available everywhere), read whole: test-only.
    static func gunzipLines(_ path: String) throws -> [String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "gzip -dc \"$0\"", path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }
}
