import Foundation
import StylecastText

/// The fuzz targets by name, and where their committed inputs live.
public enum FuzzTargets {
    /// Every target, in the order `scripts/fuzz.sh` runs them.
    public static let names = [
        SafetensorsFuzzTarget.name, TokenizerFuzzTarget.name, CSVFuzzTarget.name, JSONLinesFuzzTarget.name,
        PNGFuzzTarget.name, IDXFuzzTarget.name,
    ]

    /// Why a target cannot be set up (a configuration problem, not a finding).
    public struct SetupError: Error, CustomStringConvertible {
        public var description: String
    }

    /// The target called `name`, set up from the environment: `STYLECAST_MODELS_DIR` (default
    /// `models`) holds `all-MiniLM-L6-v2/` for the tokenizer; the dataset targets write their
    /// file to a new directory under `STYLECAST_FUZZ_SCRATCH` (default `/tmp`), removed at exit.
    /// - Parameters:
    ///   - name: One of ``names``.
    ///   - environment: The process environment.
    /// - Throws: ``SetupError`` for an unknown name, a missing model or an unwritable scratch folder.
    public static func make(named name: String, environment: [String: String]) throws(SetupError) -> any FuzzTarget {
        switch name {
        case SafetensorsFuzzTarget.name: return SafetensorsFuzzTarget()
        case PNGFuzzTarget.name: return PNGFuzzTarget()
        case IDXFuzzTarget.name: return IDXFuzzTarget()
        case TokenizerFuzzTarget.name:
            let models = environment["STYLECAST_MODELS_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "models"
            do {
                return TokenizerFuzzTarget(tokenizer: try WordPieceTokenizer(directory: models + "/all-MiniLM-L6-v2"))
            } catch {
                throw SetupError(description: "\(error) (run scripts/setup.sh or set STYLECAST_MODELS_DIR)")
            }
        case CSVFuzzTarget.name:
            return CSVFuzzTarget(scratchDirectory: try scratchDirectory(environment))
        case JSONLinesFuzzTarget.name:
            return JSONLinesFuzzTarget(scratchDirectory: try scratchDirectory(environment))
        default:
            throw SetupError(description: "no fuzz target \"\(name)\"; the targets are \(names.joined(separator: ", "))")
        }
    }

    /// A new private directory under `STYLECAST_FUZZ_SCRATCH`, removed with its files at exit.
    private static func scratchDirectory(_ environment: [String: String]) throws(SetupError) -> String {
        let parent = environment["STYLECAST_FUZZ_SCRATCH"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array((parent + "/stylecast-fuzz-XXXXXX").utf8CString)
        guard let created = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw SetupError(description: "cannot create a directory in \(parent) (errno \(errno))")
        }
        let path = String(cString: created)
        ScratchCleanup.register(path)
        return path
    }

    /// `Tests/Fuzz` in the package this file was compiled from.
    public static let fuzzDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// The committed inputs of a target, sorted: its seed corpus (`Tests/Fuzz/Corpus/NAME`)
    /// and the inputs that once broke it (`Tests/Fuzz/Regressions/NAME`).
    /// - Parameter target: A target name.
    /// - Returns: Paths relative to `Tests/Fuzz`, e.g. `Regressions/png/crc-overflow.png`.
    public static func committedInputs(of target: String) -> [String] {
        ["Corpus", "Regressions"].flatMap { kind in
            let folder = "\(kind)/\(target)"
            let names = (try? FileManager.default.contentsOfDirectory(atPath: fuzzDirectory + "/" + folder)) ?? []
            return names.filter { !$0.hasPrefix(".") }.sorted().map { "\(folder)/\($0)" }
        }
    }

    /// The bytes of a committed input.
    /// - Parameter relativePath: A path from ``committedInputs(of:)``.
    public static func contents(of relativePath: String) throws -> [UInt8] {
        try [UInt8](Data(contentsOf: URL(fileURLWithPath: fuzzDirectory + "/" + relativePath)))
    }
}

/// Removes the dataset targets' scratch directories when the process exits normally.
private enum ScratchCleanup {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var paths: [String] = []

    static func register(_ path: String) {
        lock.withLock {
            if paths.isEmpty { atexit { ScratchCleanup.removeAll() } }
            paths.append(path)
        }
    }

    private static func removeAll() {
        lock.withLock {
            for path in paths { try? FileManager.default.removeItem(atPath: path) }
            paths = []
        }
    }
}
