// recsys-bench: the Swift side of scripts/bench/recsys.sh. Reads the shared splits written by
// scripts/bench/recsys_anchors.py and prints one JSON object per line: the ALS training time
// (1 BLAS thread) and each model's tuned validation and test metrics; on the Amazon sequences
// also the anonymous session (Session.swift: the hybrid with the user id hidden and the last 3
// training items as context).
//
//   recsys-bench --splits DIR [--datasets amazon,hm1w,hm4w] [--repeats 3]
//
// --repeats 0 skips the ALS timing; --datasets "" runs only the timing (scripts/bench/recsys.sh
// alternates single timing runs of ours and implicit's so that both see the same machine load).
//
// Run it from a release build (scripts/bench/recsys.sh does).

import BenchmarkSupport
import Foundation
import StylecastCalendar
import StylecastRecommender
import StylecastTensor

func emit(_ object: [String: Any]) {
    let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    // Written straight to the file descriptor, so that each line arrives as it is measured.
    FileHandle.standardOutput.write(data + Data("\n".utf8))
}

func emit(_ outcome: Outcome, dataset: String) {
    var record: [String: Any] = [
        "dataset": dataset, "side": "ours", "model": outcome.model, "params": outcome.parameters,
        "valid": outcome.valid.values, "test": outcome.test.values,
    ]
    if let exclude = outcome.excludeSeen { record["exclude_seen"] = exclude }
    emit(record)
}

BLASRuntime.useSingleThread()
let kernel = BLASRuntime.kernelName
let splits = option("--splits", default: "")
let datasets = option("--datasets", default: "amazon,hm1w,hm4w").split(separator: ",").map(String.init)
let repeats = Int(option("--repeats", default: "3")) ?? 3

// ALS training time: Amazon train split, 64 factors, 15 iterations, 3 CG steps, as the anchor.
if repeats > 0 {
let timingStage = try Stage(directory: splits + "/amazon/valid")
let timingMatrix = try InteractionMatrix(
    userCount: timingStage.users, itemCount: timingStage.items, interactions: timingStage.train)
var times = [Double]()
for _ in 0..<repeats {
    let configuration = ALSConfiguration(factors: 64, regularization: 1, alpha: 9, iterations: 15)
    times.append(try ContinuousClock().measure { _ = try ALSModel.train(timingMatrix, configuration: configuration) }.totalSeconds)
}
emit([
    "bench": "als-time", "side": "ours", "factors": 64, "iterations": 15, "seconds": times.sorted(), "kernel": kernel,
    "users": timingStage.users, "items": timingStage.items, "nnz": timingMatrix.entryCount,
])
}

for dataset in datasets {
    let experiments = Experiments(
        name: dataset, valid: try Stage(directory: "\(splits)/\(dataset)/valid"),
        test: try Stage(directory: "\(splits)/\(dataset)/test"))
    var repurchaseWindow: Double?
    if experiments.kind == .sequence {
        emit(try experiments.popularity(window: nil, decay: .none, label: "ours popularity"), dataset: dataset)
    } else {
        emit(try experiments.popularity(window: 7, decay: .none, label: "ours popularity, last week"), dataset: dataset)
        emit(
            try experiments.popularity(window: 28, decay: TimeDecay(halfLife: 7), label: "ours popularity, 4 weeks, half-life 7 days"),
            dataset: dataset)
        let (outcome, window) = try experiments.repurchase()
        emit(outcome, dataset: dataset)
        repurchaseWindow = window
    }
    let (alsOutcome, alsConfiguration) = try experiments.als()
    emit(alsOutcome, dataset: dataset)
    let (coOutcome, coConfiguration) = try experiments.coOccurrence()
    emit(coOutcome, dataset: dataset)
    let components = try experiments.hybridComponents(
        als: alsConfiguration, coOccurrence: coConfiguration, repurchaseWindow: repurchaseWindow)
    let hybrid = try experiments.hybrid(components: components, repurchaseWindow: repurchaseWindow)
    emit(hybrid, dataset: dataset)
    if experiments.kind == .sequence {
        emit(try experiments.session(weights: hybrid.weights, components: components), dataset: dataset)
    }
    if experiments.kind == .days {
        for calls in [false, true] {
            emit(
                try experiments.trendBoost(
                    calls: calls, weights: hybrid.weights, als: alsConfiguration, coOccurrence: coConfiguration,
                    repurchaseWindow: repurchaseWindow),
                dataset: dataset)
        }
    }
}
