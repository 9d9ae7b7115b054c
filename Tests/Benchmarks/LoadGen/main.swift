// load-gen: the Swift side of scripts/bench/load.sh. Calls each RPC kind once, then drives all
// five services at once for a fixed time with a mix of calls, each RPC kind from its own workers
// over its own HTTP/2 connection, and samples every service's resident memory once a second (pids
// from the `stylecast up` stack file). Prints one JSON object: per RPC the calls, rate, p50/p99
// latency, errors and RESOURCE_EXHAUSTED answers; per service the mean RSS of the first and the
// last 10 seconds and the CPU seconds it used during the load.
//
//   load-gen --stack RUN_DIR/stack.json --users FILE --items FILE [--seconds 60] [--workers 2]
//            [--only RPC,RPC]   (only these RPC kinds, e.g. --only ListTrends: one call's cost alone)

import BenchmarkSupport
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import StylecastCalendar
import StylecastClient
import StylecastGRPC
import StylecastProto
import Synchronization

func lines(_ path: String) throws -> [String] {
    try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init).filter { !$0.isEmpty }
}

func residentKiB(_ pid: Int) -> Int {
    let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
    return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
}

/// The CPU time (user and system) the process has used so far, in seconds.
func cpuSeconds(_ pid: Int) -> Double {
    let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
    // The command name (field 2) may hold spaces: count from its closing parenthesis, after
    // which field 3 (the state) comes first, so utime (14) and stime (15) are the 12th and 13th.
    guard let close = stat.lastIndex(of: ")") else { return 0 }
    let fields = stat[stat.index(after: close)...].split(separator: " ")
    guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
    return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
}

struct StackFile: Decodable {
    struct Process: Decodable {
        var name: String
        var pid: Int
        var grpcPort: Int?
    }
    var services: [Process]
}

/// What one worker saw: latencies of successful calls, and the failures by status code.
struct Tally: Sendable {
    var latencies: [Double] = []
    var exhausted = 0
    var errors: [String: Int] = [:]

    mutating func merge(_ other: Tally) {
        latencies += other.latencies
        exhausted += other.exhausted
        for (code, count) in other.errors { errors[code, default: 0] += count }
    }
}

/// One kind of call: its service's executable name and the call itself (`index` counts the
/// worker's calls, for choosing inputs).
struct CallKind: Sendable {
    var name: String
    var service: String
    var call: @Sendable (GRPCClient<HTTP2ClientTransport.Posix>, Int) async throws -> Void
}

let seconds = Int(option("--seconds", default: "60")) ?? 60
let workers = Int(option("--workers", default: "2")) ?? 2
let stack = try JSONDecoder().decode(
    StackFile.self, from: Data(contentsOf: URL(fileURLWithPath: option("--stack", default: ".stylecast-run/stack.json"))))
let users = try lines(option("--users", default: "users.txt"))
let items = try lines(option("--items", default: "items.txt"))
let prompts = [
    "a red and white striped summer dress", "black leather ankle boots", "navy polka dot blouse",
    "一条红色条纹连衣裙", "oversized grey wool coat", "floral pink bag", "white sneakers with green details",
]
let texts = items.prefix(200).map { "product \($0) in the spring collection" }

func port(_ service: String) -> Int { stack.services.first { $0.name == service }?.grpcPort ?? 0 }

let allKinds: [CallKind] = [
    CallKind(name: "Recommend", service: "recommendation") { client, index in
        _ = try await Stylecast_V1_Recommendation.Client(wrapping: client).recommend(.with {
            $0.userID = users[index % users.count]
            $0.k = 10
        })
    },
    CallKind(name: "SimilarItems", service: "recommendation") { client, index in
        do {
            _ = try await Stylecast_V1_Recommendation.Client(wrapping: client).similarItems(.with {
                $0.itemID = items[(index * 7) % items.count]
                $0.k = 10
            })
        } catch let error as RPCError where error.code == .notFound {
            // Items the model never saw: an answer, not a failure.
        }
    },
    CallKind(name: "Embed", service: "text-embedding") { client, index in
        // Half repeated (cache hits), half new.
        let text = index % 2 == 0 ? texts[index % texts.count] : "load text \(index) \(UUID().uuidString.prefix(6))"
        _ = try await Stylecast_V1_TextEmbedding.Client(wrapping: client).embed(.with { $0.texts = [text] })
    },
    CallKind(name: "ExtractAttributes", service: "text-embedding") { client, index in
        _ = try await Stylecast_V1_TextEmbedding.Client(wrapping: client).extractAttributes(.with {
            $0.texts = [prompts[index % prompts.count]]
        })
    },
    CallKind(name: "Generate", service: "image-generation") { client, index in
        _ = try await Stylecast_V1_ImageGeneration.Client(wrapping: client).generate(.with {
            $0.prompt = prompts[index % prompts.count]
            $0.count = 1
            $0.seed = UInt64(index)
            $0.size = 64
        })
    },
    CallKind(name: "ListTrends", service: "trend-aggregation") { client, _ in
        _ = try await Stylecast_V1_TrendAggregation.Client(wrapping: client).listTrends(.with { $0.limit = 20 })
    },
    CallKind(name: "Forecast", service: "trend-aggregation") { client, index in
        let history: [Double] = (0..<104).map { week in
            let season: Double = 20 * sin(Double(week) * 2 * Double.pi / 52)
            let noise = Double((week * 37 + index) % 11)
            return 100 + season + noise
        }
        _ = try await Stylecast_V1_TrendAggregation.Client(wrapping: client).forecast(.with {
            $0.history = history
            $0.horizon = 12
            $0.seasonLength = 52
        })
    },
    CallKind(name: "GetItem", service: "ingest") { client, index in
        do {
            _ = try await Stylecast_V1_Ingest.Client(wrapping: client).getItem(.with { $0.itemID = items[index % items.count] })
        } catch let error as RPCError where error.code == .notFound {
            // Purchased articles missing from the article file: an answer, not a failure.
        }
    },
]
let only = Set(option("--only", default: "").split(separator: ",").map(String.init))
let kinds = only.isEmpty ? allKinds : allKinds.filter { only.contains($0.name) }
guard !kinds.isEmpty else {
    FileHandle.standardError.write(Data("load-gen: --only names no RPC of \(allKinds.map(\.name))\n".utf8))
    exit(2)
}

// One call of each kind before the clock starts, failures ignored: the first ListTrends waits
// for the first trend view build, which would otherwise count in the first seconds' latencies
// and in trend-aggregation's CPU.
for kind in kinds {
    try? await withStylecastConnection(to: Endpoint(host: "127.0.0.1", port: port(kind.service))) { client in
        try await kind.call(client, 0)
    }
}

// RSS sampler: one sample per service per second.
let samples = Mutex<[String: [Int]]>([:])
let clock = ContinuousClock()
let started = clock.now
let end = started + .seconds(seconds)
let cpuAtStart = Dictionary(uniqueKeysWithValues: stack.services.map { ($0.name, cpuSeconds($0.pid)) })
// The load's window is the clock's: workers start no call after it, and each service's CPU is
// read when it runs out. What follows (the calls still in flight, closing the connections: 5-9 s
// in runs of 2026-12-07) counts in neither the rates nor the CPU.
let sampler = Task {
    while clock.now < end {
        samples.withLock { table in
            for process in stack.services { table[process.name, default: []].append(residentKiB(process.pid)) }
        }
        try? await Task.sleep(until: min(clock.now + .seconds(1), end), clock: clock)
    }
    return Dictionary(uniqueKeysWithValues: stack.services.map { ($0.name, cpuSeconds($0.pid) - (cpuAtStart[$0.name] ?? 0)) })
}

let results = try await withThrowingTaskGroup(of: (String, Tally).self) { group in
    for kind in kinds {
        group.addTask {
            try await withStylecastConnection(to: Endpoint(host: "127.0.0.1", port: port(kind.service))) { client in
                await withTaskGroup(of: Tally.self) { lanes in
                    for lane in 0..<workers {
                        lanes.addTask {
                            var tally = Tally()
                            var index = lane
                            while clock.now < end {
                                let start = clock.now
                                do {
                                    try await kind.call(client, index)
                                    tally.latencies.append((clock.now - start).milliseconds)
                                } catch let error as RPCError where error.code == .resourceExhausted {
                                    tally.exhausted += 1
                                } catch let error as RPCError {
                                    tally.errors["\(error.code)", default: 0] += 1
                                } catch {
                                    tally.errors["\(type(of: error))", default: 0] += 1
                                }
                                index += workers
                            }
                            return tally
                        }
                    }
                    var total = Tally()
                    for await tally in lanes { total.merge(tally) }
                    return (kind.name, total)
                }
            }
        }
    }
    var all: [(String, Tally)] = []
    for try await result in group { all.append(result) }
    return all
}
let cpuDuringLoad = await sampler.value
let elapsed = Double(seconds)

var rpcs: [[String: Any]] = []
for kind in kinds {
    guard let tally = results.first(where: { $0.0 == kind.name })?.1 else { continue }
    let sorted = tally.latencies.sorted()
    func percentile(_ q: Double) -> Double { sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(q * Double(sorted.count)))] }
    rpcs.append([
        "rpc": kind.name, "service": kind.service, "calls": sorted.count, "rate": Double(sorted.count) / elapsed,
        "p50_ms": percentile(0.5), "p99_ms": percentile(0.99), "resource_exhausted": tally.exhausted,
        "errors": tally.errors.values.reduce(0, +), "error_codes": tally.errors,
    ])
}
var memory: [[String: Any]] = []
for (name, values) in samples.withLock({ $0 }).sorted(by: { $0.key < $1.key }) {
    let first = values.prefix(10), last = values.suffix(10)
    let firstMean = first.isEmpty ? 0 : first.reduce(0, +) / first.count
    let lastMean = last.isEmpty ? 0 : last.reduce(0, +) / last.count
    memory.append([
        "service": name, "first_10s_kib": firstMean, "last_10s_kib": lastMean, "samples": values.count,
        "cpu_seconds": cpuDuringLoad[name] ?? 0,
    ])
}
let summary: [String: Any] = ["seconds": elapsed, "workers_per_rpc": workers, "rpcs": rpcs, "memory": memory]
print(String(decoding: try JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys]), as: UTF8.self))
