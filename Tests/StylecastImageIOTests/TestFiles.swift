import Foundation

/// The path of a committed fixture in this test target's `Fixtures` folder.
func fixturePath(_ name: String) throws -> String {
    let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
    guard let url = Bundle.module.url(forResource: parts[0], withExtension: parts[1], subdirectory: "Fixtures") else {
        throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: name])
    }
    return url.path
}
