// The Swift bindings against a real daemon and registry: the same scenarios as
// tests/kotlin/LibDockerTest.kt (see tests/parity/scenarios.tsv). They need
// DOCKER_HOST (or the default socket), the busybox test image
// libdocker-test/busybox:latest, and for pull/login the registries of
// tests/env/testenv.sh (LIBDOCKER_TEST_REGISTRY, LIBDOCKER_TEST_AUTH_REGISTRY,
// LIBDOCKER_TEST_REGISTRY_USER, LIBDOCKER_TEST_REGISTRY_PASSWORD).
import Foundation
import LibDocker
import Testing

let image = "libdocker-test/busybox:latest"
let label = ["libdocker-test": "swift"]
let env = ProcessInfo.processInfo.environment

func spec(_ cmd: String..., openStdin: Bool = false) -> ContainerSpec {
    ContainerSpec(image: image, cmd: cmd, labels: label, openStdin: openStdin)
}

func bytes(_ chunks: [LogChunk], _ stream: StdStream) -> Data {
    chunks.filter { $0.stream == stream }.reduce(into: Data()) { $0.append($1.data) }
}

/// Connections the client has open, once closing has settled (at most 2 s).
func settledConnections(_ d: Docker, atMost most: UInt32) async throws -> UInt32 {
    for _ in 0..<100 where d.openConnections() > most {
        try await Task.sleep(for: .milliseconds(20))
    }
    return d.openConnections()
}

/// A value set once from a listener's thread, awaited by the test.
final class Box<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: T?
    func set(_ v: T) {
        lock.lock()
        if value == nil { value = v }
        lock.unlock()
    }
    func get() -> T? {
        lock.lock()
        defer { lock.unlock() }
        return value
    }
    func wait(seconds: Double = 5) async throws -> T {
        for _ in 0..<Int(seconds * 50) {
            if let v = get() { return v }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw DockerError.Timeout(reason: "nothing arrived in \(seconds) s")
    }
}

@Suite(.serialized) struct LibDockerScenarios {
    let d: Docker

    init() throws {
        d = try Docker.connect()
    }

    @Test func lifecycle() async throws {
        let id = try await d.createContainer(spec: spec("sh", "-c", "sleep 0.2; exit 5"))
        #expect(try await d.inspectContainer(id: id).status == "created")
        try await d.startContainer(id: id)
        #expect(try await d.waitContainer(id: id) == 5)
        let details = try await d.inspectContainer(id: id)
        #expect(details.status == "exited" && details.exitCode == 5 && details.labels == label)
        let listed = try await d.listContainers(all: true, filtersJson: #"{"label": ["libdocker-test=swift"]}"#)
        #expect(listed.contains { $0.id == id && $0.state == "exited" })
        try await d.removeContainer(id: id, force: true, volumes: true)
        await #expect(throws: DockerError.self) { try await d.inspectContainer(id: id) }
        let out = try await d.run(spec: spec("sh", "-c", "echo ran; echo oops >&2"))
        #expect(out.exitCode == 0 && out.stdout == Data("ran\n".utf8) && out.stderr == Data("oops\n".utf8))
    }

    @Test func logsDemux() async throws {
        let id = try await d.createContainer(spec: spec("sh", "-c", "printf 'out1\\000\\001'; printf 'err1' >&2; sleep 0.1; printf 'out2'"))
        defer { Task { try? await d.removeContainer(id: id, force: true) } }
        try await d.startContainer(id: id)
        _ = try await d.waitContainer(id: id)
        var chunks: [LogChunk] = []
        for try await chunk in try await d.logs(id: id, options: LogOptions()).values {
            chunks.append(chunk)
        }
        #expect(bytes(chunks, .stdout) == Data("out1".utf8) + Data([0, 1]) + Data("out2".utf8))
        #expect(bytes(chunks, .stderr) == Data("err1".utf8))
        // The listener form: stop after the first chunk.
        let heard = Box<Int>()
        let ended = Box<String>()
        let handle = d.logsTo(id: id, options: LogOptions(), listener: LogHandler(onEnd: { error in ended.set(error.map { String(describing: $0) } ?? "clean") }) { _ in
            heard.set(1)
            return true
        })
        #expect(try await ended.wait() == "clean")
        #expect(heard.get() == 1)
        try await Task.sleep(for: .milliseconds(100))
        #expect(handle.isFinished())
    }

    @Test func execWithStdinAndExitCode() async throws {
        let id = try await d.createContainer(spec: spec("sleep", "300"))
        defer { Task { try? await d.removeContainer(id: id, force: true) } }
        try await d.startContainer(id: id)
        let input = Data((0..<(8 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
        let whole = try await d.exec(id: id, spec: ExecSpec(cmd: ["cat"]), stdin: input)
        #expect(whole.exitCode == 0 && whole.stdout == input)
        #expect(try await d.exec(id: id, spec: ExecSpec(cmd: ["sh", "-c", "exit 3"])).exitCode == 3)
        // Attached: write while reading, then the exit code.
        let p = try await d.execStart(id: id, spec: ExecSpec(cmd: ["sh", "-c", "tr a-z A-Z; exit 4"]), stdin: true)
        let reader = Task { () throws -> [LogChunk] in
            var got: [LogChunk] = []
            for try await chunk in p.output { got.append(chunk) }
            return got
        }
        try await p.write(data: Data("shout\n".utf8))
        try await p.closeStdin()
        #expect(bytes(try await reader.value, .stdout) == Data("SHOUT\n".utf8))
        #expect(try await p.exitCode() == 4)
    }

    @Test func pullProgress() async throws {
        let registry = env["LIBDOCKER_TEST_REGISTRY"] ?? "127.0.0.1:5000"
        let repo = "\(registry)/libdocker-test/swift-\(UInt64(Date().timeIntervalSince1970 * 1e6))"
        try await d.tagImage(image: image, repo: repo, tag: "v1")
        var digest = false
        for try await event in try await d.push(reference: "\(repo):v1").values {
            digest = digest || (event.auxJson ?? "").contains("Digest")
        }
        #expect(digest)
        try await d.removeImage(image: "\(repo):v1")
        var statuses: [String] = []
        for try await event in try await d.pull(reference: "\(repo):v1").values {
            statuses.append(event.status ?? "")
        }
        #expect(statuses.contains { $0.hasPrefix("Digest:") })
        try await d.removeImage(image: "\(repo):v1")
        await #expect(throws: DockerError.self) {
            for try await _ in try await d.pull(reference: "\(registry)/libdocker-test/never-pushed").values {}
        }
    }

    @Test func eventsAndCancel() async throws {
        _ = try await d.ping()
        d.closeIdle()
        let baseline = d.openConnections()
        let quiet = #"{"label": ["libdocker-test-never-set=1"]}"#
        // Cancelling the iterating task cancels the stream (the sequence calls cancel()).
        let reading = Task { () throws -> Int in
            var n = 0
            for try await _ in try await d.events(filtersJson: quiet).values { n += 1 }
            return n
        }
        try await Task.sleep(for: .milliseconds(300))
        #expect(d.openConnections() == baseline + 1)
        reading.cancel()
        #expect(try await reading.value == 0)
        #expect(try await settledConnections(d, atMost: baseline) <= baseline)
        // A client with a CancelHandle: firing it ends a long call.
        let fire = CancelHandle()
        let scoped = d.withCancel(handle: fire)
        let sleeper = try await d.createContainer(spec: spec("sleep", "300"))
        defer { Task { try? await d.removeContainer(id: sleeper, force: true) } }
        try await d.startContainer(id: sleeper)
        d.closeIdle()
        let idle = d.openConnections()
        let waiting = Task { try await scoped.waitContainer(id: sleeper) }
        try await Task.sleep(for: .milliseconds(300))
        #expect(d.openConnections() == idle + 1)
        fire.cancel()
        await #expect(throws: DockerError.self) { try await waiting.value }
        #expect(try await settledConnections(d, atMost: idle) <= idle)
        // An event of our own reaches a listener, which stops at the first.
        let first = Box<String>()
        let ended = Box<String>()
        let mine = #"{"label": ["libdocker-test=swift"], "type": ["container"]}"#
        let listener = EventHandler(onEnd: { error in ended.set(error.map { String(describing: $0) } ?? "clean") }) { event in
            first.set(event.action)
            return true
        }
        let handle = try d.eventsTo(listener: listener, filtersJson: mine)
        try await Task.sleep(for: .milliseconds(200))
        let id = try await d.createContainer(spec: spec("true"))
        try await d.removeContainer(id: id, force: true)
        #expect(try await first.wait() == "create")
        #expect(try await ended.wait() == "clean")
        _ = handle
    }

    @Test func errors() async throws {
        do {
            _ = try await d.inspectContainer(id: "libdocker-no-such-container")
            Issue.record("no error")
        } catch DockerError.NotFound(let reason) {
            #expect(reason.contains("No such container"))
        }
        await #expect(throws: DockerError.self) { try await d.invoke(op: "ContainerList", paramsJson: "{not json") }
        do {
            _ = try await d.invoke(op: "ContainerList", paramsJson: #"{"bogus": 1}"#)
            Issue.record("no error")
        } catch DockerError.InvalidParams(let reason) {
            #expect(reason.contains("bogus"))
        }
        do {
            _ = try await d.invoke(op: "ContainerLogs", paramsJson: #"{"id": "x"}"#)
            Issue.record("no error")
        } catch DockerError.WrongOutputKind {}
        do {
            _ = try await Docker(options: DockerOptions(host: "unix:///nonexistent/docker.sock")).ping()
            Issue.record("no error")
        } catch DockerError.Connect {}
        #expect(try await d.invoke(op: "SystemPing", paramsJson: "") == "OK")
        #expect(try operations(category: nil).count == 108 && categories().contains("Container"))
        // A listener that throws ends its stream with a Callback error.
        struct Broke: Error {}
        let id = try await d.createContainer(spec: spec("echo", "x"))
        defer { Task { try? await d.removeContainer(id: id, force: true) } }
        try await d.startContainer(id: id)
        _ = try await d.waitContainer(id: id)
        let ended = Box<String>()
        let handle = d.logsTo(id: id, options: LogOptions(), listener: LogHandler(onEnd: { error in ended.set(error.map { String(describing: $0) } ?? "clean") }) { _ in
            throw Broke()
        })
        #expect(try await ended.wait().contains("Callback"))
        _ = handle
    }

    @Test func concurrency() async throws {
        let pings = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<200 { group.addTask { try await d.ping() } }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(pings.count == 200 && pings.allSatisfy { $0 })
    }

    @Test func inStreamErrors() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("libdocker-swift-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "FROM \(image)\nRUN echo step-output; exit 7\n".write(to: dir.appendingPathComponent("Dockerfile"), atomically: true, encoding: .utf8)
        do {
            for try await _ in try await d.build(spec: BuildSpec(contextDir: dir.path, labels: label)).values {}
            Issue.record("a failing build succeeded")
        } catch DockerError.BuildFailed(let reason) {
            #expect(reason.contains("non-zero code: 7"))
        }
        try "FROM \(image)\nCOPY . /ctx\n".write(to: dir.appendingPathComponent("Dockerfile"), atomically: true, encoding: .utf8)
        try "secret.txt\n".write(to: dir.appendingPathComponent(".dockerignore"), atomically: true, encoding: .utf8)
        try "kept\n".write(to: dir.appendingPathComponent("kept.txt"), atomically: true, encoding: .utf8)
        try "secret\n".write(to: dir.appendingPathComponent("secret.txt"), atomically: true, encoding: .utf8)
        let tag = "libdocker-test/swift-built:\(UInt64(Date().timeIntervalSince1970 * 1e6))"
        for try await _ in try await d.build(spec: BuildSpec(contextDir: dir.path, tags: [tag], labels: label)).values {}
        let listing = try await d.run(spec: ContainerSpec(image: tag, cmd: ["ls", "-A", "/ctx"], labels: label))
        #expect(String(decoding: listing.stdout, as: UTF8.self) == ".dockerignore\nDockerfile\nkept.txt\n")
        try await d.removeImage(image: tag, force: true)
    }

    @Test func attachStatsLogin() async throws {
        let id = try await d.createContainer(spec: spec("sh", "-c", "read line; echo got:$line; echo bye >&2; exit 6", openStdin: true))
        defer { Task { try? await d.removeContainer(id: id, force: true) } }
        let a = try await d.attach(id: id, stdin: true)
        try await d.startContainer(id: id)
        let reader = Task { () throws -> [LogChunk] in
            var got: [LogChunk] = []
            for try await chunk in a.output { got.append(chunk) }
            return got
        }
        try await a.write(data: Data("hello\n".utf8))
        try await a.closeStdin()
        let chunks = try await reader.value
        #expect(bytes(chunks, .stdout) == Data("got:hello\n".utf8) && bytes(chunks, .stderr) == Data("bye\n".utf8))
        #expect(try await d.waitContainer(id: id) == 6)
        let registry = env["LIBDOCKER_TEST_AUTH_REGISTRY"] ?? "127.0.0.1:5001"
        #expect(try await d.login(registry: registry, username: "libdocker", password: "wrong-password") == false)
        if let user = env["LIBDOCKER_TEST_REGISTRY_USER"], let password = env["LIBDOCKER_TEST_REGISTRY_PASSWORD"] {
            #expect(try await d.login(registry: registry, username: user, password: password))
            _ = d.logout(registry: registry)
        }
    }

    @Test func monitor() async throws {
        let run = "swift-\(UUID())"
        let m = try Monitor(filtersJson: #"{"label": ["libdocker-monitor=\#(run)"]}"#)
        m.add(name: "main", docker: d)
        let reports = try await m.subscribe()
        let id = Box<String>()
        let reader = Task { () throws -> [MonitorEvent] in
            var got: [MonitorEvent] = []
            for try await report in reports.values {
                got.append(report)
                if report.kind == .daemonUp {
                    var s = spec("true")
                    s.labels["libdocker-monitor"] = run
                    id.set(try await d.createContainer(spec: s))
                }
                if report.event?.action == "create" { break }
            }
            return got
        }
        let got = try await reader.value
        let created = try #require(id.get())
        #expect(got.last?.daemon == "main" && got.last?.event?.actorId == created)
        try await d.removeContainer(id: created, force: true)
    }

    @Test func mapsUpPsDown() async throws {
        let name = "swift-maps-\(UInt64(Date().timeIntervalSince1970 * 1000))"
        let map = try ContainerMap.fromYaml(text: """
            name: \(name)
            services:
              db:
                image: \(image)
                command: sh -c 'sleep 1; touch /tmp/ready; exec sleep 600'
                stop_grace_period: 1s
                healthcheck: {test: [CMD, test, -f, /tmp/ready], interval: 1s, retries: 30}
              web:
                image: \(image)
                command: [sleep, "600"]
                stop_grace_period: 1s
                depends_on:
                  db: {condition: service_healthy}
            """, workingDir: NSTemporaryDirectory())
        let clients = MapClients(defaultClient: d)
        var events: [MapEvent] = []
        for try await event in map.run(clients: clients, action: .up).values {
            events.append(event)
        }
        let waited = try #require(events.firstIndex { $0.step == "wait" && $0.status == .done && $0.service == "web" })
        let created = try #require(events.firstIndex { $0.step == "create" && $0.service == "web" })
        #expect(waited < created)
        let ps = try await map.ps(clients: clients)
        #expect(ps.map(\.service) == ["db", "web"] && ps.allSatisfy(\.running))
        _ = try await map.down(clients: clients)
        #expect(try await map.ps(clients: clients).isEmpty)
        do {
            _ = try ContainerMap.fromYaml(text: "name: x\nservices:\n  web:\n    image: \(image)\n    bogus: 1\n", workingDir: ".")
            Issue.record("an unknown key was accepted")
        } catch DockerError.InvalidMap(let reason) {
            #expect(reason.contains("<yaml>:5:"))
        }
    }
}
