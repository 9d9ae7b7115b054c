// stylecast-fuzz: one executable for every fuzz target; STYLECAST_FUZZ_TARGET names the target.
//
// Built by scripts/fuzz.sh with libFuzzer and AddressSanitizer (and -DSTYLECAST_LIBFUZZER), it
// is a libFuzzer binary: every argument is libFuzzer's (corpus folders, -max_total_time=...,
// files to replay). Built plainly, as `swift build` does, it replays files and folders through
// the same targets and prints each outcome, so a saved crash can be reproduced in a debugger.
//
// The program keeps its own main and hands over to libFuzzer's LLVMFuzzerRunDriver, rather than
// letting libFuzzer's main take over: SwiftPM names an executable's entry point after its module,
// and this way one target builds the same with and without the fuzzer.

import CLibFuzzer
import Foundation
import StylecastFuzzTargets

/// The target this process runs, set up once from the environment.
enum Session {
    static let target: any FuzzTarget = {
        let environment = ProcessInfo.processInfo.environment
        guard let name = environment["STYLECAST_FUZZ_TARGET"], !name.isEmpty else {
            fail("set STYLECAST_FUZZ_TARGET to one of: \(FuzzTargets.names.joined(separator: ", "))")
        }
        do {
            return try FuzzTargets.make(named: name, environment: environment)
        } catch {
            fail("\(error)")
        }
    }()

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("stylecast-fuzz: \(message)\n".utf8))
        exit(2)
    }
}

/// libFuzzer's entry point: one input. A broken invariant traps, so libFuzzer saves the input.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let input = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    do {
        _ = try Session.target.run(input)
    } catch {
        fatalError("\(error)")
    }
    return 0
}

/// Replays files, and the files in folders, printing each outcome; 1 when an invariant broke.
func replay(_ paths: [String]) -> Int32 {
    guard !paths.isEmpty else {
        Session.fail("usage: STYLECAST_FUZZ_TARGET=NAME stylecast-fuzz FILE|FOLDER... (a plain build replays inputs)")
    }
    var status: Int32 = 0
    for path in paths {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { Session.fail("\(path): no such file") }
        let files = isFolder.boolValue
            ? ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted().map { path + "/" + $0 } : [path]
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else { Session.fail("\(file): cannot read") }
            do {
                switch try Session.target.run([UInt8](data)) {
                case .accepted(let summary): print("\(file): accepted: \(summary)")
                case .rejected(let reason): print("\(file): rejected: \(reason)")
                }
            } catch {
                print("\(file): FAILED: \(error)")
                status = 1
            }
        }
    }
    return status
}

#if STYLECAST_LIBFUZZER
_ = Session.target  // Set up before the first input, so a configuration error stops at once.
var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzOneInput))
#else
exit(replay(Array(CommandLine.arguments.dropFirst())))
#endif
