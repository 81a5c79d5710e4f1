// swift-tools-version:6.0
// The Swift bindings of libdocker: the UniFFI-generated `LibDocker.swift` over the
// C module `LibDockerFFI`, which links `liblibdocker_uniffi` (build it with
// `cargo build --release -p libdocker-uniffi`). The generated files are
// committed; `tests/swift/run.sh` regenerates them and fails if they differ
// (`LIBDOCKER_BLESS=1` rewrites them). Build and test against the library:
//
//   swift test -Xlinker -L../../target/release   (and LD_LIBRARY_PATH or
//   DYLD_LIBRARY_PATH pointing there to run)
import PackageDescription

let package = Package(
    name: "LibDocker",
    platforms: [.macOS(.v13), .iOS(.v16)],
    products: [
        .library(name: "LibDocker", targets: ["LibDocker"]),
    ],
    targets: [
        .systemLibrary(name: "LibDockerFFI", path: "Sources/LibDockerFFI"),
        .target(name: "LibDocker", dependencies: ["LibDockerFFI"], path: "Sources/LibDocker"),
        .testTarget(name: "LibDockerTests", dependencies: ["LibDocker"], path: "Tests/LibDockerTests"),
    ],
    swiftLanguageModes: [.v6]
)
