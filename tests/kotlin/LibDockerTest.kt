// The Kotlin bindings against the real daemon and registry, compiled with the
// Kotlin 2 compiler and run on the JVM with JNA (tests/kotlin/run.sh). Each
// scenario (and each README snippet) prints `test <file>::<name> ... ok` or
// `... FAILED`, which the parity table reads; any failure exits 1.
import dev.libdocker.*
import java.io.File
import java.util.concurrent.atomic.AtomicInteger
import kotlin.system.exitProcess
import kotlinx.coroutines.*
import kotlinx.coroutines.flow.*

const val IMAGE = "libdocker-test/busybox:latest"
val LABEL = mapOf("libdocker-test" to "kotlin")

class Failed(message: String) : Exception(message)

fun check(ok: Boolean, what: () -> String) {
    if (!ok) throw Failed(what())
}

fun spec(vararg cmd: String, openStdin: Boolean = false) =
    ContainerSpec(image = IMAGE, cmd = cmd.toList(), labels = LABEL, openStdin = openStdin)

/** Connections the client has open, once closing has settled (at most 2 s). */
suspend fun settledConnections(d: Docker, most: UInt): UInt {
    repeat(100) {
        if (d.openConnections() <= most) return d.openConnections()
        delay(20)
    }
    return d.openConnections()
}

/** Whether the client comes to have `count` connections open (within 2 s). */
suspend fun connectionsReach(d: Docker, count: UInt): Boolean {
    repeat(100) {
        if (d.openConnections() == count) return true
        delay(20)
    }
    return false
}

suspend fun lifecycle(d: Docker) {
    val id = d.createContainer(spec("sh", "-c", "sleep 0.2; exit 5"))
    try {
        check(d.inspectContainer(id).status == "created") { "a new container is created" }
        d.startContainer(id)
        check(d.waitContainer(id) == 5L) { "wait gives the exit code" }
        val details = d.inspectContainer(id)
        check(details.status == "exited" && details.exitCode == 5L && details.labels == LABEL) { "inspect: $details" }
        val listed = d.listContainers(true, """{"label": ["libdocker-test=kotlin"]}""")
        check(listed.any { it.id == id && it.state == "exited" }) { "listed: $listed" }
    } finally {
        d.removeContainer(id, true, true)
    }
    try {
        d.inspectContainer(id)
        throw Failed("a removed container is still there")
    } catch (e: DockerException.NotFound) {
    }
    val out = d.run(spec("sh", "-c", "echo ran; echo oops >&2"), false)
    check(out.exitCode == 0L && out.stdout.decodeToString() == "ran\n" && out.stderr.decodeToString() == "oops\n") { "run: $out" }
}

suspend fun logsDemux(d: Docker) {
    val script = "printf 'out1\\000\\001'; printf 'err1' >&2; sleep 0.1; printf 'out2'"
    val id = d.createContainer(spec("sh", "-c", script))
    try {
        d.startContainer(id)
        d.waitContainer(id)
        val chunks = d.logs(id, LogOptions()).asFlow().toList()
        val out = chunks.filter { it.stream == StdStream.STDOUT }.fold(byteArrayOf()) { a, c -> a + c.data }
        val err = chunks.filter { it.stream == StdStream.STDERR }.fold(byteArrayOf()) { a, c -> a + c.data }
        check(out.contentEquals("out1".toByteArray() + byteArrayOf(0, 1) + "out2".toByteArray())) { "stdout: ${out.toList()}" }
        check(err.contentEquals("err1".toByteArray())) { "stderr: ${err.decodeToString()}" }
        // The listener form: stop after the first chunk.
        val heard = AtomicInteger()
        val ended = CompletableDeferred<DockerException?>()
        val handle = d.logsTo(id, LogOptions(), logListener(onEnd = { ended.complete(it) }) { heard.incrementAndGet(); true })
        check(withTimeout(5000) { ended.await() } == null) { "the listener's stop is a clean end" }
        check(heard.get() == 1) { "the listener heard ${heard.get()} chunks after asking to stop" }
        check(handle.isFinished() || run { Thread.sleep(100); handle.isFinished() }) { "the task ended" }
    } finally {
        d.removeContainer(id, true, true)
    }
}

suspend fun execWithStdin(d: Docker): Unit = coroutineScope {
    val id = d.createContainer(spec("sleep", "300"))
    try {
        d.startContainer(id)
        val input = ByteArray(8 shl 20) { (it * 31 + 7).toByte() }
        val whole = d.exec(id, ExecSpec(cmd = listOf("cat")), input)
        check(whole.exitCode == 0L && whole.stdout.contentEquals(input)) { "8 MiB through cat: ${whole.stdout.size} bytes back" }
        val three = d.exec(id, ExecSpec(cmd = listOf("sh", "-c", "exit 3")), null)
        check(three.exitCode == 3L) { "exit code ${three.exitCode}" }
        // Attached: write while reading, then the exit code.
        val p = d.execStart(id, ExecSpec(cmd = listOf("sh", "-c", "tr a-z A-Z; exit 4")), true)
        val reader = async { p.output().toList() }
        p.write("shout\n".toByteArray())
        p.closeStdin()
        val got = reader.await().fold(byteArrayOf()) { a, c -> a + c.data }.decodeToString()
        check(got == "SHOUT\n") { "attached output: $got" }
        check(p.exitCode() == 4L) { "attached exit code" }
    } finally {
        d.removeContainer(id, true, true)
    }
}

suspend fun pullProgress(d: Docker) {
    val registry = System.getenv("LIBDOCKER_TEST_REGISTRY") ?: "127.0.0.1:5000"
    val repo = "$registry/libdocker-test/kotlin-${System.nanoTime()}"
    d.tagImage(IMAGE, repo, "v1")
    val pushed = d.push("$repo:v1").asFlow().toList()
    check(pushed.any { (it.auxJson ?: "").contains("Digest") }) { "the push reported its digest" }
    d.removeImage("$repo:v1", false)
    val events = mutableListOf<ProgressEvent>()
    val ended = CompletableDeferred<DockerException?>()
    val pulling = d.pullTo("$repo:v1", progressListener(onEnd = { ended.complete(it) }) { synchronized(events) { events.add(it) }; false })
    check(withTimeout(30000) { ended.await() } == null) { "the pull ended cleanly" }
    pulling.close() // the pull lasts as long as its handle
    check(events.any { (it.status ?: "").startsWith("Digest:") }) { "pull events: ${events.map { it.status }}" }
    check(d.inspectImage("$repo:v1").contains("\"Id\"")) { "the pulled image is there" }
    d.removeImage("$repo:v1", false)
    try {
        d.pull("$registry/libdocker-test/never-pushed-${System.nanoTime()}").asFlow().toList()
        throw Failed("pulling a missing image succeeded")
    } catch (e: DockerException.NotFound) {
    }
}

suspend fun eventsAndCancel(d: Docker): Unit = coroutineScope {
    d.ping()
    val baseline = d.openConnections()
    val quiet = """{"label": ["libdocker-test-never-set=1"]}"""
    // A cancelled coroutine drops the Rust future, and its connection is closed.
    val seen = withTimeoutOrNull(500) { d.events(null, null, quiet).asFlow().toList() }
    check(seen == null) { "the quiet stream ended by itself" }
    check(settledConnections(d, baseline) <= baseline) { "the cancelled subscription still holds a connection" }
    val jobs = (1..10).map { launch { d.events(null, null, quiet).asFlow().collect {} } }
    delay(300)
    check(d.openConnections() >= 10u) { "ten subscriptions, ${d.openConnections()} connections" }
    jobs.forEach { it.cancel() }
    jobs.joinAll()
    check(settledConnections(d, baseline) <= baseline) { "cancelled subscriptions still hold connections" }
    // cancel() from elsewhere wakes a pending next(), which gives null (how
    // Swift, whose Task.cancel() does not reach Rust, ends a stream).
    val s = d.events(filtersJson = quiet)
    val pending = async { s.next() }
    delay(200)
    s.cancel()
    check(withTimeout(2000) { pending.await() } == null) { "a cancelled stream's pending next() gives null" }
    check(settledConnections(d, baseline) <= baseline) { "a cancelled stream still holds a connection" }
    // A client with a CancelHandle: firing it ends its long calls (Swift's way).
    val fire = CancelHandle()
    val scoped = d.withCancel(fire)
    val sleeper = d.createContainer(spec("sleep", "300"))
    try {
        d.startContainer(sleeper)
        d.closeIdle()
        val idle = d.openConnections()
        val waiting = async { runCatching { scoped.waitContainer(sleeper) } }
        delay(300)
        check(d.openConnections() == idle + 1u) { "the wait holds a connection" }
        fire.cancel()
        val r = withTimeout(2000) { waiting.await() }
        check(r.exceptionOrNull() is DockerException.Cancelled) { "a fired handle ends a wait: $r" }
        check(settledConnections(d, idle) <= idle) { "a cancelled wait still holds a connection" }
        check(runCatching { scoped.ping() }.exceptionOrNull() is DockerException.Cancelled) { "later calls end at once" }
        check(d.ping()) { "the client it came from goes on" }
        // A direct call (invoke, entered through JNI) that its coroutine stops
        // waiting for is dropped in Rust: its connection closes.
        d.closeIdle()
        val before = d.openConnections()
        val waited = withTimeoutOrNull(300) { d.invoke("ContainerWait", """{"id": "$sleeper"}""") }
        check(waited == null) { "a wait on a running container answered: $waited" }
        check(settledConnections(d, before) <= before) { "a cancelled invoke still holds a connection" }
        // Cancelled from outside while it waits on the runtime.
        val waiter = launch { d.invoke("ContainerWait", """{"id": "$sleeper"}""") }
        delay(300)
        check(d.openConnections() == before + 1u) { "the invoke holds a connection" }
        waiter.cancelAndJoin()
        check(settledConnections(d, before) <= before) { "a cancelled invoke still holds a connection" }
        // Made by a coroutine that is cancelled already (cleanup in a finally): nothing is sent.
        val late = launch {
            try { awaitCancellation() } finally {
                val r = runCatching { d.invoke("ContainerWait", """{"id": "$sleeper"}""") }
                check(r.exceptionOrNull() is CancellationException) { "a cancelled coroutine's invoke: $r" }
            }
        }
        delay(50)
        late.cancelAndJoin()
        check(settledConnections(d, before) <= before) { "an invoke from a cancelled coroutine holds a connection" }
        // Following a silent container's logs (batches read through JNI) until a timeout.
        val followed = withTimeoutOrNull(300) { d.logs(sleeper, LogOptions(follow = true)).asFlow().toList() }
        check(followed == null) { "a silent container's followed logs ended: $followed" }
        check(settledConnections(d, before) <= before) { "cancelled followed logs still hold a connection" }
        check(d.invoke("SystemPing", "") == "OK") { "the client goes on after cancelled calls" }
    } finally {
        d.removeContainer(sleeper, force = true)
    }
    // The listener form, stopped by its handle.
    val stopped = CompletableDeferred<DockerException?>()
    val handle = d.eventsTo(eventListener(onEnd = { stopped.complete(it) }) { false }, filtersJson = quiet)
    delay(200)
    handle.cancel()
    check(withTimeout(2000) { stopped.await() } is DockerException.Cancelled) { "the listener hears Cancelled" }
    check(settledConnections(d, baseline) <= baseline) { "a cancelled handle still holds a connection" }
    // An event of our own reaches a listener, which stops at the first.
    val first = CompletableDeferred<DockerEvent>()
    val ended = CompletableDeferred<DockerException?>()
    val mine = """{"label": ["libdocker-test=kotlin"], "type": ["container"]}"""
    val h = d.eventsTo(eventListener(onEnd = { ended.complete(it) }) { first.complete(it); true }, filtersJson = mine)
    delay(200)
    val id = d.createContainer(spec("true"))
    d.removeContainer(id, true, true)
    check(withTimeout(5000) { first.await() }.action == "create") { "the first event is the create" }
    check(withTimeout(5000) { ended.await() } == null && (h.isFinished() || run { Thread.sleep(100); h.isFinished() })) { "stopped by its listener" }
}

suspend fun typedErrors(d: Docker) {
    try { d.inspectContainer("libdocker-no-such-container"); throw Failed("no error") } catch (e: DockerException.NotFound) {
        check(e.reason.contains("No such container")) { e.reason }
    }
    try { d.invoke("ContainerInspect", """{"id": "libdocker-no-such-container"}"""); throw Failed("no error") } catch (e: DockerException.NotFound) {
        check(e.reason.contains("No such container")) { e.reason }
    }
    try { d.invoke("ContainerList", "{not json"); throw Failed("no error") } catch (e: DockerException.InvalidParams) {}
    try { d.invoke("ContainerList", """{"bogus": 1}"""); throw Failed("no error") } catch (e: DockerException.InvalidParams) {
        check(e.reason.contains("bogus")) { e.reason }
    }
    try { d.invoke("NoSuchOperation", ""); throw Failed("no error") } catch (e: DockerException) {}
    try { d.invoke("ContainerLogs", """{"id": "x"}"""); throw Failed("no error") } catch (e: DockerException.WrongOutputKind) {}
    try { Docker(DockerOptions(host = "unix:///nonexistent/docker.sock")).ping(); throw Failed("no error") } catch (e: DockerException.Connect) {}
    try { Docker(DockerOptions(apiVersion = "one")); throw Failed("no error") } catch (e: DockerException.InvalidParams) {}
    check(d.invoke("SystemPing", "") == "OK") { "a whole answer as text" }
    check(operations(null).size == 108 && "Container" in categories()) { "the operation table" }
    // A listener that throws ends its stream with the exception as a Callback error.
    val ended = CompletableDeferred<DockerException?>()
    val id = d.createContainer(spec("echo", "x"))
    try {
        d.startContainer(id)
        d.waitContainer(id)
        val h = d.logsTo(id, LogOptions(), logListener(onEnd = { ended.complete(it) }) { throw IllegalStateException("listener broke") })
        val e = withTimeout(5000) { ended.await() }
        h.close()
        check(e is DockerException.Callback && e.reason.contains("listener broke")) { "a throwing listener: $e" }
    } finally {
        d.removeContainer(id, true, true)
    }
    // A closed (freed) client refuses calls with an exception, never an abort.
    val gone = Docker.connect()
    gone.close()
    try { gone.ping(); throw Failed("a freed client answered") } catch (e: IllegalStateException) {}
}

suspend fun concurrency(d: Docker) {
    val all = coroutineScope { (1..200).map { async { d.ping() } }.awaitAll() }
    check(all.size == 200 && all.all { it }) { "200 concurrent pings" }
    val versions = coroutineScope { (1..50).map { async { d.version().apiVersion } }.awaitAll() }
    check(versions.toSet().size == 1) { "concurrent version calls agree" }
    val raw = d.invoke("SystemVersion", "")
    check(raw.contains(""""ApiVersion":"${versions.first()}"""")) { "version() and invoke agree: $raw" }
    check(d.info().contains("\"Containers\"")) { "info() is SystemInfo's JSON" }
}

suspend fun inStreamErrors(d: Docker) {
    val dir = kotlin.io.path.createTempDirectory("libdocker-kt-build").toFile()
    try {
        File(dir, "Dockerfile").writeText("FROM $IMAGE\nRUN echo step-output; exit 7\n")
        try {
            d.build(BuildSpec(contextDir = dir.path, labels = LABEL)).asFlow().toList()
            throw Failed("a failing build succeeded")
        } catch (e: DockerException.BuildFailed) {
            check(e.reason.contains("non-zero code: 7")) { e.reason }
        }
        File(dir, "Dockerfile").writeText("FROM $IMAGE\nCOPY . /ctx\n")
        File(dir, ".dockerignore").writeText("secret.txt\n")
        File(dir, "kept.txt").writeText("kept\n")
        File(dir, "secret.txt").writeText("secret\n")
        val tag = "libdocker-test/kotlin-built:${System.nanoTime()}"
        d.build(BuildSpec(contextDir = dir.path, tags = listOf(tag), labels = LABEL)).asFlow().toList()
        val listing = d.run(ContainerSpec(image = tag, cmd = listOf("ls", "-A", "/ctx"), labels = LABEL), false)
        check(listing.stdout.decodeToString().split("\n").filter { it.isNotEmpty() } == listOf(".dockerignore", "Dockerfile", "kept.txt")) {
            "the context held ${listing.stdout.decodeToString()}"
        }
        d.removeImage(tag, true)
    } finally {
        dir.deleteRecursively()
    }
}

suspend fun networksAndVolumes(d: Docker) {
    val net = d.createNetwork("libdocker-kt-${System.nanoTime()}", null, LABEL)
    val vol = d.createVolume(null, LABEL)
    val id = d.createContainer(spec("sleep", "300").copy(binds = listOf("$vol:/data")))
    try {
        d.startContainer(id)
        d.connectNetwork(net, id, listOf("db"))
        check(d.inspectContainer(id).json.contains("\"db\"")) { "the alias is set" }
        d.disconnectNetwork(net, id, false)
        check(d.listNetworks("""{"label": ["libdocker-test=kotlin"]}""").any { it.id == net }) { "the network is listed" }
        check(d.listVolumes("""{"label": ["libdocker-test=kotlin"]}""").any { it.name == vol }) { "the volume is listed" }
        val local = kotlin.io.path.createTempDirectory("libdocker-kt-copy").toFile()
        File(local, "note.txt").writeText("copied in\n")
        d.copyTo(id, File(local, "note.txt").path, "/data")
        d.copyFrom(id, "/data/note.txt", File(local, "back").path)
        check(File(local, "back/note.txt").readText() == "copied in\n") { "copied in and back" }
        local.deleteRecursively()
    } finally {
        d.removeContainer(id, true, true)
        d.removeNetwork(net)
        d.removeVolume(vol, true)
    }
}

suspend fun attachStatsLogin(d: Docker): Unit = coroutineScope {
    // attach to a container's stdin and output; its exit code comes from wait.
    val id = d.createContainer(spec("sh", "-c", "read line; echo got:\$line; echo bye >&2; exit 6", openStdin = true))
    try {
        val a = d.attach(id, true, false)
        d.startContainer(id)
        val reader = async { a.output().toList() }
        a.write("hello\n".toByteArray())
        a.closeStdin()
        val chunks = reader.await()
        val out = chunks.filter { it.stream == StdStream.STDOUT }.fold(byteArrayOf()) { x, c -> x + c.data }.decodeToString()
        val err = chunks.filter { it.stream == StdStream.STDERR }.fold(byteArrayOf()) { x, c -> x + c.data }.decodeToString()
        check(out == "got:hello\n" && err == "bye\n") { "attached: '$out' '$err'" }
        check(d.waitContainer(id) == 6L) { "the attached container's exit code" }
    } finally {
        d.removeContainer(id, true, true)
    }
    // stats: samples of a running container, as JSON.
    val busy = d.createContainer(spec("sleep", "300"))
    try {
        d.startContainer(busy)
        val samples = d.stats(busy).asFlow().take(2).toList()
        check(samples.size == 2 && samples.all { it.contains("\"memory_stats\"") }) { "stats: $samples" }
    } finally {
        d.removeContainer(busy, true, true)
    }
    // login to the htpasswd registry: refused, then accepted and used by a push.
    val registry = System.getenv("LIBDOCKER_TEST_AUTH_REGISTRY") ?: "127.0.0.1:5001"
    check(!d.login(registry, "libdocker", "wrong-password")) { "a wrong password was accepted" }
    check(d.login(registry, System.getenv("LIBDOCKER_TEST_REGISTRY_USER")!!, System.getenv("LIBDOCKER_TEST_REGISTRY_PASSWORD")!!)) { "login" }
    val repo = "$registry/libdocker-test/kotlin-auth-${System.nanoTime()}"
    d.tagImage(IMAGE, repo, "v1")
    try {
        check(d.push("$repo:v1").asFlow().toList().any { (it.auxJson ?: "").contains("Digest") }) { "the push with the login" }
    } finally {
        d.logout(registry)
        d.removeImage("$repo:v1", false)
    }
}

/** Several clients at once: the main daemon, the mutual-TLS daemon from files,
 * podman, and a client pinned to API 1.25; TLS without a certificate fails typed. */
suspend fun manyDaemons(d: Docker): Unit = coroutineScope {
    val env = System.getenv()
    val certs = env["LIBDOCKER_TEST_CERTS"]!!
    val tlsHost = env["LIBDOCKER_TEST_TLS_HOST"]!!.replace("tcp://", "https://")
    val tls = Docker(DockerOptions(host = tlsHost, tlsCa = "$certs/ca.pem", tlsCert = "$certs/cert.pem", tlsKey = "$certs/key.pem"))
    val podman = Docker(DockerOptions(host = env["LIBDOCKER_TEST_PODMAN_HOST"]!!))
    val pinned = Docker(DockerOptions(host = d.host(), apiVersion = "1.25", requestTimeoutMs = 5000u))
    val answers = listOf(d, tls, podman, pinned).map { c -> async { c.version() } }.awaitAll()
    check(answers.size == 4 && answers.all { it.apiVersion.isNotEmpty() }) { "versions: $answers" }
    check(pinned.apiVersion() == "1.25") { "the pinned client speaks 1.25" }
    check(pinned.waitContainer(pinned.createContainer(spec("true")).also { pinned.startContainer(it) }) == 0L) { "wait on 1.25" }
    val noCert = Docker(DockerOptions(host = tlsHost, tlsCa = "$certs/ca.pem"))
    try { noCert.ping(); throw Failed("the tlsverify daemon took a client without a certificate") } catch (e: DockerException) {
        check(e is DockerException.Tls || e is DockerException.Connect) { "no certificate: $e" }
    }
    try { Docker(DockerOptions(host = tlsHost, tlsCert = "$certs/cert.pem")); throw Failed("a certificate without its key") } catch (e: DockerException.InvalidParams) {}
    listOf(tls, podman, pinned, noCert).forEach { it.close() }
    d.listContainers(all = true, filtersJson = """{"label": ["libdocker-test=kotlin"]}""").forEach { d.removeContainer(it.id, force = true) }
}

/** A service on the two-node test swarm: converging with a listener, a task on
 * each node, logs from both demultiplexed, scaled, an update of a stale version
 * refused as OutOfSequence naming it, a node relabelled, unknown ones NotFound. */
suspend fun swarmService(d: Docker) {
    val host = System.getenv("LIBDOCKER_TEST_SWARM_MANAGER") ?: throw Failed("LIBDOCKER_TEST_SWARM_MANAGER is not set")
    val m = Docker(DockerOptions(host = host))
    val script = "echo kt-out-\$(hostname); echo kt-err-\$(hostname) >&2; exec sleep 600"
    val id = m.createService(ServiceSpec(name = "libdocker-kt-${System.nanoTime()}", image = IMAGE,
        command = listOf("sh", "-c", script), labels = LABEL, replicas = 2uL, stopGraceSeconds = 1uL))
    try {
        val heard = java.util.Collections.synchronizedList(mutableListOf<Convergence>())
        val done = m.waitServiceConverged(id, 90_000uL, object : ConvergenceListener {
            override fun onProgress(progress: Convergence) { heard.add(progress) }
        })
        check(done.converged && done.running == 2uL && done.desired == 2uL) { "converged: $done" }
        check(heard.isNotEmpty() && heard.last().converged) { "progress heard: $heard" }
        val tasks = m.listTasks("""{"service": ["$id"], "desired-state": ["running"]}""")
        check(tasks.map { it.nodeId }.toSet().size == 2) { "a task on each node: $tasks" }
        val hosts = tasks.map { it.containerId!!.take(12) }
        var out = ""
        var err = ""
        for (attempt in 1..100) {
            val chunks = m.serviceLogs(id, LogOptions()).asFlow().toList()
            out = chunks.filter { it.stream == StdStream.STDOUT }.fold(byteArrayOf()) { a, c -> a + c.data }.decodeToString()
            err = chunks.filter { it.stream == StdStream.STDERR }.fold(byteArrayOf()) { a, c -> a + c.data }.decodeToString()
            if (hosts.all { out.contains("kt-out-$it") && err.contains("kt-err-$it") }) break
            delay(200)
        }
        check(hosts.all { out.contains("kt-out-$it") && err.contains("kt-err-$it") }) { "logs of both nodes: $out / $err" }
        check(!out.contains("kt-err") && !err.contains("kt-out")) { "demultiplexed: $out / $err" }
        m.scaleService(id, 3uL)
        check(m.waitServiceConverged(id, 90_000uL, null).running == 3uL) { "scaled to 3" }
        val read = m.inspectService(id)
        m.updateService(id, read.version, read.specJson)
        try {
            m.updateService(id, read.version, read.specJson)
            throw Failed("an update of a stale version was taken")
        } catch (e: DockerException.OutOfSequence) {
            check(e.reason.contains("version ${read.version},")) { "names the stale version: ${e.reason}" }
        }
        val worker = m.listNodes("""{"role": ["worker"]}""").single()
        m.setNodeLabels(worker.id, mapOf("zone" to "kt"))
        check(m.inspectNode(worker.id).labels == mapOf("zone" to "kt")) { "node labels" }
        m.setNodeLabels(worker.id, mapOf())
        try { m.inspectService("no-such-service-kt"); throw Failed("an unknown service was found") } catch (e: DockerException.NotFound) {
            check(e.reason.contains("no-such-service-kt")) { "names it: ${e.reason}" }
        }
    } finally {
        m.removeService(id)
        m.close()
    }
}

/** A monitor of two daemons: each up, an event of each tagged with its daemon,
 * the container cache, the listener form, and every connection closed after. */
suspend fun monitor(d: Docker): Unit = coroutineScope {
    val env = System.getenv()
    val certs = env["LIBDOCKER_TEST_CERTS"]!!
    val tls = Docker(DockerOptions(host = env["LIBDOCKER_TEST_TLS_HOST"]!!, tlsCa = "$certs/ca.pem", tlsCert = "$certs/cert.pem", tlsKey = "$certs/key.pem"))
    val run = "kotlin-${System.nanoTime()}"
    val m = Monitor(filtersJson = """{"label": ["libdocker-monitor=$run"]}""")
    m.add("main", d)
    m.add("tls", tls)
    check(m.daemons() == listOf("main", "tls")) { "daemons: ${m.daemons()}" }
    val reports = m.subscribe()
    val seen = mutableListOf<MonitorEvent>()
    val flow = reports.asFlow()
    val collector = launch { flow.collect { synchronized(seen) { seen.add(it) } } }
    suspend fun waitFor(what: String, p: (MonitorEvent) -> Boolean) {
        withTimeoutOrNull(20000) { while (synchronized(seen) { seen.none(p) }) delay(20) } ?: throw Failed("no $what in ${synchronized(seen) { seen.toList() }}")
    }
    waitFor("main up") { it.kind == MonitorEventKind.DAEMON_UP && it.daemon == "main" }
    waitFor("tls up") { it.kind == MonitorEventKind.DAEMON_UP && it.daemon == "tls" }
    val id = d.createContainer(ContainerSpec(image = IMAGE, cmd = listOf("true"), labels = LABEL + ("libdocker-monitor" to run)))
    try {
        waitFor("the create on main") { it.daemon == "main" && it.event?.action == "create" && it.event?.actorId == id }
        check(m.containers("main").any { it.id == id && it.state == "created" }) { "the cache: ${m.containers("main")}" }
        // The listener form hears the destroy and stops there.
        val heard = CompletableDeferred<MonitorEvent>()
        val ended = CompletableDeferred<DockerException?>()
        val handle = m.listen(monitorListener(onEnd = { ended.complete(it) }) { e ->
            if (e.event?.action == "destroy") { heard.complete(e); true } else false
        })
        delay(300)
        d.removeContainer(id, force = true)
        check(withTimeout(10000) { heard.await() }.daemon == "main") { "the listener heard the destroy" }
        check(withTimeout(5000) { ended.await() } == null) { "the listener stopped itself" }
        handle.close()
    } finally {
        runCatching { d.removeContainer(id, force = true) }
    }
    collector.cancelAndJoin()
    // No one listens: the monitor stops and its connections close.
    for (c in listOf(d, tls)) {
        repeat(100) { if (c.openConnections() > 0u) { c.closeIdle(); delay(20) } }
        check(c.openConnections() == 0u) { "connections left: ${c.openConnections()}" }
    }
    check(m.containers("main").isEmpty()) { "a stopped monitor forgets" }
    tls.close()
    // Stats of a running container, as docker stats computes them.
    val busy = d.createContainer(ContainerSpec(image = IMAGE, cmd = listOf("sleep", "300"), labels = LABEL + ("libdocker-monitor" to "$run-stats")))
    try {
        d.startContainer(busy)
        val sm = Monitor(filtersJson = """{"label": ["libdocker-monitor=$run-stats"]}""", statsEveryMs = 500u)
        sm.add("main", d)
        val stats = withTimeout(20000) { sm.subscribe().asFlow().first { it.kind == MonitorEventKind.STATS } }.stats!!
        check(stats.id == busy && stats.memoryUsage > 0u && stats.memoryPercent > 0.0 && stats.pids >= 1u) { "stats: $stats" }
    } finally {
        d.removeContainer(busy, force = true)
    }
}

/** The mutual-TLS daemon, from the test env's certificates. */
fun tlsDaemon(): Docker {
    val env = System.getenv()
    val certs = env["LIBDOCKER_TEST_CERTS"]!!
    return Docker(DockerOptions(host = env["LIBDOCKER_TEST_TLS_HOST"]!!, tlsCa = "$certs/ca.pem", tlsCert = "$certs/cert.pem", tlsKey = "$certs/key.pem"))
}

/** The test image on `other` too, carried through the test registry if absent. */
suspend fun ensureImageOn(d: Docker, other: Docker) {
    try { other.inspectImage(IMAGE); return } catch (e: DockerException.NotFound) {}
    val registry = System.getenv("LIBDOCKER_TEST_REGISTRY") ?: "127.0.0.1:5000"
    val repo = "$registry/libdocker-test/busybox"
    val tag = "kotlin-${System.nanoTime()}"
    d.tagImage(IMAGE, repo, tag)
    d.push("$repo:$tag").asFlow().toList()
    other.pull("$repo:$tag").asFlow().toList()
    other.tagImage("$repo:$tag", "libdocker-test/busybox", "latest")
    d.removeImage("$repo:$tag", false)
    other.removeImage("$repo:$tag", false)
}

/** A project name of its own (lowercase, digits, `-`, `_`). */
fun project(what: String) = "kt-$what-${System.nanoTime()}"

/** db (healthy after a second) on the TLS daemon; web on the default client,
 * waiting for db to be healthy. */
fun twoDaemonMap(name: String) = """
name: $name
x-libdocker:
  clients: {tls: {}}
services:
  db:
    image: $IMAGE
    command: sh -c 'echo db starting >&2; sleep 1; touch /tmp/ready; exec sleep 600'
    stop_grace_period: 1s
    healthcheck: {test: [CMD, test, -f, /tmp/ready], interval: 1s, retries: 30}
    x-libdocker: {clients: [tls]}
  web:
    image: $IMAGE
    command: sh -c 'echo hello from web; exec sleep 600'
    stop_grace_period: 1s
    depends_on:
      db: {condition: service_healthy}
"""

/** A map over two daemons: `up` as a Flow (web created only once db is
 * healthy), `ps` on the right daemons, nothing left to plan, `down` through a
 * listener, and nothing left after it. */
suspend fun mapsUpPsDown(d: Docker) {
    val tls = tlsDaemon()
    ensureImageOn(d, tls)
    val clients = MapClients(d)
    clients.add("tls", tls)
    check(clients.names() == listOf("", "tls")) { "clients: ${clients.names()}" }
    val name = project("maps")
    val map = ContainerMap.fromYaml(twoDaemonMap(name), System.getProperty("java.io.tmpdir"))
    check(map.name() == name && map.services() == listOf("db", "web") && map.warnings().isEmpty()) { "the map: ${map.toJson()}" }
    check(ContainerMap.fromJson(map.toJson()).services() == map.services()) { "the JSON form reads back" }
    try {
        val planned = map.plan(clients, MapAction.UP)
        check(planned.any { it.step == "create" && it.client == "tls" && it.service == "db" }) { "the plan: $planned" }
        val events = map.runFlow(clients, MapAction.UP).toList()
        val waited = events.indexOfFirst { it.step == "wait" && it.status == MapStatus.DONE && it.service == "web" }
        val created = events.indexOfFirst { it.step == "create" && it.service == "web" }
        check(waited >= 0 && created > waited) { "web created before db was healthy: ${events.map { it.line }}" }
        check(events[waited].message == "service_healthy") { "the wait: ${events[waited]}" }
        check(events.none { it.status == MapStatus.FAILED }) { "failures: ${events.map { it.line }}" }
        // Listed by daemon (the default client first), then by service.
        val ps = map.ps(clients)
        check(ps.map { it.client to it.name } == listOf("" to "${name}_web_1", "tls" to "${name}_db_1")) { "ps: $ps" }
        check(ps.all { it.running && it.state == "running" }) { "ps: $ps" }
        val (web, db) = ps
        check(db.status.contains("healthy")) { "db: $db" }
        val mine = """{"label": ["com.docker.compose.project=$name"]}"""
        check(d.listContainers(true, mine).map { it.id } == listOf(web.id)) { "web is on the main daemon" }
        check(tls.listContainers(true, mine).map { it.id } == listOf(db.id)) { "db is on the TLS daemon" }
        var lines = map.logs(clients, LogOptions()).asFlow().toList()
        for (i in 1..20) { // web has only just started
            if (lines.size >= 2) break
            delay(100)
            lines = map.logs(clients, LogOptions()).asFlow().toList()
        }
        check(lines.any { it.client == "" && it.container == "${name}_web_1" && it.stream == StdStream.STDOUT && it.line == "hello from web" }) { "logs: $lines" }
        check(lines.any { it.client == "tls" && it.service == "db" && it.stream == StdStream.STDERR && it.line == "db starting" }) { "logs: $lines" }
        check(map.plan(clients, MapAction.UP).isEmpty()) { "up again has nothing to do" }
        check(map.up(clients).done == 0uL) { "up again did something" }
        // down through the listener form.
        val heard = mutableListOf<MapEvent>()
        val ended = CompletableDeferred<DockerException?>()
        val handle = map.runTo(mapListener(onEnd = { ended.complete(it) }) { synchronized(heard) { heard.add(it) }; false }, clients, MapAction.DOWN)
        check(withTimeout(60000) { ended.await() } == null) { "down failed: ${heard.map { it.line }}" }
        handle.close()
        check(heard.count { it.step == "remove" && it.status == MapStatus.DONE } == 2) { "down: ${heard.map { it.line }}" }
        val left = map.ps(clients)
        check(left.isEmpty()) { "left after down: $left" }
        for (c in listOf(d, tls)) {
            check(c.listNetworks().none { it.name == "${name}_default" }) { "a network is left on ${c.host()}" }
        }
    } finally {
        runCatching { map.down(clients) }
        tls.close()
    }
}

/** A wrong map is a typed InvalidMap naming its file and line; a missing client
 * is refused before anything is sent; a failing step is MapFailed at the end
 * of the Flow, after its events. */
suspend fun mapsErrors(d: Docker) {
    val dir = kotlin.io.path.createTempDirectory("libdocker-kt-map").toFile()
    try {
        val text = "name: ${project("cycle")}\nservices:\n  a:\n    image: $IMAGE\n    depends_on: [b]\n  b:\n    image: $IMAGE\n    depends_on: [a]\n"
        val file = File(dir, "compose.yaml").apply { writeText(text) }
        try {
            ContainerMap.load(file.path)
            throw Failed("a cycle was accepted")
        } catch (e: DockerException.InvalidMap) {
            check(e.reason.contains("compose.yaml:5:") && e.reason.contains("cycle")) { e.reason }
        }
        try {
            ContainerMap.fromYaml("name: x\nservices:\n  web:\n    image: $IMAGE\n    bogus: 1\n", dir.path)
            throw Failed("an unknown key was accepted")
        } catch (e: DockerException.InvalidMap) {
            check(e.reason.contains("<yaml>:5:") && e.reason.contains("bogus")) { e.reason }
        }
        val elsewhere = ContainerMap.fromYaml(twoDaemonMap(project("noclient")), dir.path)
        try {
            elsewhere.ps(MapClients(d))
            throw Failed("a map was used without its tls client")
        } catch (e: DockerException.InvalidMap) {
            check(e.reason.contains("tls")) { e.reason }
        }
        val registry = System.getenv("LIBDOCKER_TEST_REGISTRY") ?: "127.0.0.1:5000"
        val name = project("fail")
        val failing = ContainerMap.fromYaml(
            "name: $name\nservices:\n  gone:\n    image: $registry/libdocker-test/never-pushed-${System.nanoTime()}\n  after:\n    image: $IMAGE\n    depends_on: [gone]\n",
            dir.path,
        )
        val clients = MapClients(d)
        val events = mutableListOf<MapEvent>()
        try {
            failing.runFlow(clients, MapAction.UP).collect { events.add(it) }
            throw Failed("a missing image was pulled")
        } catch (e: DockerException.MapFailed) {
            check(e.reason.contains("gone") && e.reason.contains("after")) { e.reason }
            check(events.any { it.step == "pull" && it.status == MapStatus.FAILED }) { events.map { it.line }.toString() }
            check(events.any { it.service == "after" && it.status == MapStatus.SKIPPED }) { events.map { it.line }.toString() }
        } finally {
            failing.down(clients)
        }
    } finally {
        dir.deleteRecursively()
    }
}

/** A cancelled Flow collection stops the action where it is: web, waiting for
 * db to be healthy, is never created, though db becomes healthy later. */
suspend fun mapsCancel(d: Docker): Unit = coroutineScope {
    val name = project("cancel")
    val map = ContainerMap.fromYaml("""
name: $name
services:
  db:
    image: $IMAGE
    command: sh -c 'sleep 2; touch /tmp/ready; exec sleep 600'
    stop_grace_period: 1s
    healthcheck: {test: [CMD, test, -f, /tmp/ready], interval: 1s, retries: 30}
  web:
    image: $IMAGE
    command: [sleep, "600"]
    stop_grace_period: 1s
    depends_on:
      db: {condition: service_healthy}
""", System.getProperty("java.io.tmpdir"))
    val clients = MapClients(d)
    try {
        val waiting = CompletableDeferred<Unit>()
        val collector = launch {
            map.runFlow(clients, MapAction.UP).collect {
                if (it.step == "wait" && it.service == "web" && it.status == MapStatus.WORKING) waiting.complete(Unit)
            }
        }
        withTimeout(20000) { waiting.await() }
        withTimeout(2000) { collector.cancelAndJoin() }
        delay(4000) // db is healthy by now: an action still running would have made web
        val ps = map.ps(clients)
        check(ps.map { it.service } == listOf("db")) { "after the cancel: $ps" }
        // up again resumes: web is made.
        check(map.up(clients).done > 0uL) { "up again did nothing" }
        val resumed = map.ps(clients)
        check(resumed.map { it.service } == listOf("db", "web")) { "resumed: $resumed" }
    } finally {
        map.down(clients)
    }
    check(map.ps(clients).isEmpty()) { "left after down" }
    // A client's CancelHandle ends a map's call (Swift's way): up, waiting for a
    // dependency that never becomes healthy, ends with Cancelled.
    val stuck = ContainerMap.fromYaml("""
name: ${project("stuck")}
services:
  db:
    image: $IMAGE
    command: [sleep, "600"]
    stop_grace_period: 1s
    healthcheck: {test: [CMD, test, -f, /never], interval: 1s, retries: 1000}
  web:
    image: $IMAGE
    stop_grace_period: 1s
    depends_on:
      db: {condition: service_healthy}
""", System.getProperty("java.io.tmpdir"))
    val fire = CancelHandle()
    val scoped = MapClients(d.withCancel(fire))
    try {
        val up = async { runCatching { stuck.up(scoped) } }
        withTimeout(20000) { while (stuck.ps(clients).none { it.service == "db" && it.running }) delay(100) }
        fire.cancel()
        val r = withTimeout(2000) { up.await() }
        check(r.exceptionOrNull() is DockerException.Cancelled) { "a fired handle ends up: $r" }
        val made = stuck.ps(clients)
        check(made.map { it.service } == listOf("db")) { "web was made: $made" }
    } finally {
        stuck.down(clients)
    }
}

/** The scenarios, named as tests/parity/cells.tsv names them. */
/** A map deployed to the two-node swarm as a stack, updated in place, removed whole. */
suspend fun mapsStack(d: Docker) {
    val host = System.getenv("LIBDOCKER_TEST_SWARM_MANAGER") ?: throw Failed("LIBDOCKER_TEST_SWARM_MANAGER is not set")
    val m = Docker(DockerOptions(host = host))
    val dir = java.nio.file.Files.createTempDirectory("kt-stack")
    java.nio.file.Files.writeString(dir.resolve("token.txt"), "kt-token\n")
    val name = "ktstack${System.nanoTime()}"
    val map = ContainerMap.fromYaml("""
        name: $name
        services:
          web:
            image: $IMAGE
            command: [sleep, "600"]
            deploy: {replicas: 2, labels: {tier: front}}
            secrets: [token]
        secrets:
          token: {file: ./token.txt}
    """.trimIndent(), workingDir = dir.toString())
    try {
        val made = map.deployStack(m)
        check(made.services == listOf("${name}_web") && made.networks == listOf("${name}_default")) { "deployed: $made" }
        check(made.secrets == listOf("${name}_token")) { "secrets: $made" }
        val web = m.inspectService("${name}_web")
        check(web.labels["tier"] == "front" && web.labels["com.docker.stack.namespace"] == name) { "labels: ${web.labels}" }
        val again = map.deployStack(m)
        check(again.services.isEmpty() && again.updated == listOf("${name}_web")) { "redeployed: $again" }
    } finally {
        val removed = map.removeStack(m)
        check(removed.services == listOf("${name}_web") && removed.secrets == listOf("${name}_token")) { "removed: $removed" }
    }
    try {
        m.inspectService("${name}_web")
        throw Failed("the stack's service outlived the removal")
    } catch (e: DockerException.NotFound) {
        // gone, as it should be
    }
    m.close()
}

/** The scenarios' calls on a `DockerLoop`, whose thread waits on its calls'
 * sockets itself. Awaited from outside the loop with a time limit: a loop that
 * missed a wake-up would never time itself out. */
suspend fun dockerLoop(d: Docker) {
    val loop = DockerLoop()
    val onLoop = CoroutineScope(loop)
    val sleeper = d.createContainer(spec("sleep", "300"))
    try {
        d.startContainer(sleeper)
        withTimeout(120_000) {
            onLoop.async {
                val thread = Thread.currentThread()
                check(thread.name == "libdocker-loop") { "runs on ${thread.name}" }
                check(DockerLoop.driving(currentCoroutineContext()) != 0L) { "direct calls here are not driven by the loop" }
                check((1..1000).all { d.ping() }) { "1000 pings in a row on the loop" }
                check(Thread.currentThread() === thread) { "the pings resumed on the loop's thread" }
                // Resumed from other threads (a wake-up of the loop) and by timers.
                repeat(100) { withContext(Dispatchers.IO) { Thread.sleep(0) } }
                delay(10)
                check(Thread.currentThread() === thread) { "back on the loop's thread" }
                // A coroutine that keeps the loop's queue full does not starve the calls.
                var spinning = true
                val spinner = launch { while (spinning) yield() }
                check((1..20).all { d.ping() }) { "pings beside a yielding coroutine" }
                spinning = false
                spinner.join()
                lifecycle(d)
                logsDemux(d)
                typedErrors(d)
                concurrency(d)
                // Cancelled calls on the loop close their connections.
                d.closeIdle()
                val before = d.openConnections()
                val waited = withTimeoutOrNull(300) { d.invoke("ContainerWait", """{"id": "$sleeper"}""") }
                check(waited == null) { "a wait on a running container answered: $waited" }
                check(settledConnections(d, before) <= before) { "a timed-out invoke on the loop still holds a connection" }
                val waiter = launch { d.invoke("ContainerWait", """{"id": "$sleeper"}""") }
                check(connectionsReach(d, before + 1u)) { "the invoke holds a connection" }
                waiter.cancelAndJoin()
                check(settledConnections(d, before) <= before) { "a cancelled invoke on the loop still holds a connection" }
            }.await()
        }
        // Closing the loop under a waiting call: the call hears Cancelled and its connection closes.
        d.closeIdle()
        val before = d.openConnections()
        val heard = CompletableDeferred<Throwable?>()
        onLoop.launch {
            try {
                d.invoke("ContainerWait", """{"id": "$sleeper"}""")
                heard.complete(null)
            } catch (e: Throwable) {
                heard.complete(e)
            }
        }
        check(connectionsReach(d, before + 1u)) { "the invoke on the loop holds a connection" }
        loop.close()
        val e = withTimeout(5000) { heard.await() }
        check(e is DockerException.Cancelled) { "a call left on a closed loop: $e" }
        check(settledConnections(d, before) <= before) { "a call left on a closed loop still holds a connection" }
        // Work dispatched to a closed loop is cancelled, not lost.
        val late = onLoop.async { d.ping() }
        val lateEnd = runCatching { withTimeout(5000) { late.await() } }.exceptionOrNull()
        check(lateEnd is CancellationException && lateEnd !is TimeoutCancellationException) { "work dispatched to a closed loop: $lateEnd" }
    } finally {
        loop.close()
        d.removeContainer(sleeper, force = true)
    }
}

val SCENARIOS: List<Pair<String, suspend (Docker) -> Unit>> = listOf(
    "lifecycle" to ::lifecycle,
    "logsDemux" to ::logsDemux,
    "execWithStdin" to ::execWithStdin,
    "pullProgress" to ::pullProgress,
    "eventsAndCancel" to ::eventsAndCancel,
    "typedErrors" to ::typedErrors,
    "concurrency" to ::concurrency,
    "dockerLoop" to ::dockerLoop,
    "inStreamErrors" to ::inStreamErrors,
    "networksAndVolumes" to ::networksAndVolumes,
    "attachStatsLogin" to ::attachStatsLogin,
    "swarmService" to ::swarmService,
    "manyDaemons" to ::manyDaemons,
    "monitor" to ::monitor,
    "mapsUpPsDown" to ::mapsUpPsDown,
    "mapsErrors" to ::mapsErrors,
    "mapsCancel" to ::mapsCancel,
    "mapsStack" to ::mapsStack,
)

fun main(): Unit = runBlocking {
    val d = Docker.connect()
    var failed = 0
    val tests = SCENARIOS + README_SNIPPETS.mapIndexed { n, snippet ->
        "readmeSnippet${n + 1}" to suspend { _: Docker -> snippet(IMAGE) }
    }
    for ((name, scenario) in tests) {
        val outcome = try {
            scenario(d)
            "ok"
        } catch (e: Throwable) {
            failed++
            System.err.println("$name: $e")
            e.printStackTrace()
            "FAILED"
        }
        // The line tests/parity/table.py reads, as cargo test writes it.
        println("test tests/kotlin/LibDockerTest.kt::$name ... $outcome")
    }
    println(if (failed == 0) "Kotlin: all ${tests.size} tests passed" else "Kotlin: $failed test(s) failed")
    exitProcess(if (failed == 0) 0 else 1)
}
