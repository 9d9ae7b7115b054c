// rec-load: the cache-miss half of scripts/bench/recommend-serving.sh. Sends `Recommend` for
// distinct users (so that every call misses the per-user cache and runs the whole miss path:
// cache GET, recent events, the hybrid ranking, the fill script) over one HTTP/2 connection
// with a fixed number of calls in flight, and prints one JSON line with the call count, the
// errors, the rate and the latency percentiles measured at the client.
//
//   rec-load --target HOST:PORT --user-prefix amazon-seq: --first 2 --count 2000 [--concurrency 16] [--k 10]

import BenchmarkSupport
import Foundation
import GRPCCore
import StylecastCalendar
import StylecastClient
import StylecastContracts
import StylecastGRPC
import StylecastProto
import Synchronization

let target = try Endpoint(parsing: option("--target", default: StylecastServiceName.recommendation.defaultTarget))
let prefix = option("--user-prefix", default: "amazon-seq:")
let first = Int(option("--first", default: "2")) ?? 2
let count = Int(option("--count", default: "2000")) ?? 2000
let concurrency = Int(option("--concurrency", default: "16")) ?? 16
let k = UInt32(option("--k", default: "10")) ?? 10

let next = Atomic<Int>(0)
let clock = ContinuousClock()
let started = clock.now
let (latencies, errors, fromCache) = try await withStylecastConnection(to: target) { client in
    let recommendation = Stylecast_V1_Recommendation.Client(wrapping: client)
    return await withTaskGroup(of: ([Double], [String], Int).self) { group in
        for _ in 0..<concurrency {
            group.addTask {
                var latencies: [Double] = []
                var errors: [String] = []
                var cached = 0
                while true {
                    let index = next.add(1, ordering: .relaxed).oldValue
                    if index >= count { break }
                    let request = Stylecast_V1_RecommendRequest.with {
                        $0.userID = prefix + String(first + index)
                        $0.k = k
                    }
                    let start = clock.now
                    do {
                        let response = try await recommendation.recommend(request)
                        latencies.append((clock.now - start).milliseconds)
                        if response.fromCache { cached += 1 }
                    } catch {
                        errors.append("\(error)")
                    }
                }
                return (latencies, errors, cached)
            }
        }
        var all: ([Double], [String], Int) = ([], [], 0)
        for await part in group {
            all.0 += part.0
            all.1 += part.1
            all.2 += part.2
        }
        return all
    }
}
let seconds = (clock.now - started).milliseconds / 1000
let sorted = latencies.sorted()
func percentile(_ q: Double) -> Double { sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(q * Double(sorted.count)))] }
let result: [String: Any] = [
    "requests": count, "succeeded": latencies.count, "errors": errors.count, "first_error": errors.first ?? "",
    "from_cache": fromCache, "seconds": seconds, "rate": Double(latencies.count) / seconds,
    "p50_ms": percentile(0.5), "p99_ms": percentile(0.99), "max_ms": sorted.last ?? 0, "concurrency": concurrency,
]
let data = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
print(String(decoding: data, as: UTF8.self))
