// libdocker's Kotlin bindings (client name `libdocker-kotlin`), per bench/PROTOCOL.md:
// the UniFFI-generated Kotlin with its Flow extension, on the JVM with JNA, used
// as a Kotlin user would: one `Docker`, suspend calls from coroutines.
//
// * ping-seq: `docker.ping()` one after another in `runBlocking`.
// * ping-par: C coroutines on Dispatchers.Default sharing the N pings.
// With `-Dbench.dispatcher=loop` (client name `libdocker-kotlin-loop`) all of it
// runs on a `DockerLoop` instead, whose thread waits on the calls' sockets itself.
// * list-seq: `docker.listContainers(all = true)` (typed list entries).
// * logs: `docker.logs(id).asFlow()`, counting the bytes of the chunks.
// CPU is the process's (all JVM threads) over the measured section. The JVM
// compiles hot code as it runs: the request workloads first make the same calls
// untimed (20,000, or as many as measured if more), and `logs` reads the same
// logs once untimed, so the section measures compiled code, as a long-running
// Kotlin service runs (cold, the compiler's threads took a third of C1's CPU).
import dev.libdocker.*
import java.lang.management.ManagementFactory
import java.util.concurrent.atomic.AtomicInteger
import kotlin.system.exitProcess
import kotlinx.coroutines.*
import kotlinx.coroutines.flow.*

val os = ManagementFactory.getOperatingSystemMXBean() as com.sun.management.OperatingSystemMXBean

fun maxRssKb(): Long =
    java.io.File("/proc/self/status").readLines().first { it.startsWith("VmHWM:") }
        .split(Regex("\\s+"))[1].toLong()

class Meter {
    private var wall0 = 0L
    private var cpu0 = 0L
    var wall = 0.0
    var cpu = 0.0

    suspend fun <T> measure(warm: suspend () -> Unit = {}, work: suspend () -> T): T {
        warm()
        wall0 = System.nanoTime()
        cpu0 = os.processCpuTime
        val result = work()
        wall = (System.nanoTime() - wall0) / 1e9
        cpu = (os.processCpuTime - cpu0) / 1e9
        return result
    }
}

fun main(args: Array<String>): Unit = runBlocking {
    val workload = args[0]
    val opts = args.drop(1).chunked(2).associate { (k, v) -> k.removePrefix("--") to v }
    val loop = if (System.getProperty("bench.dispatcher") == "loop") DockerLoop() else null
    val client = if (loop != null) "libdocker-kotlin-loop" else "libdocker-kotlin"
    withContext(loop ?: coroutineContext) { workload(workload, opts, client, loop) }
    exitProcess(0)
}

suspend fun workload(workload: String, opts: Map<String, String>, client: String, loop: DockerLoop?) {
    val n = opts["n"]?.toInt() ?: 0
    val docker = Docker(DockerOptions(host = opts["host"]))
    docker.ping()
    val meter = Meter()
    // The JVM compiles a method with its top tier after some 10,000 calls (and
    // profiles it until then): 20,000 untimed calls, or as many as measured.
    val warmup = maxOf(n, 20_000)
    var ops = 0L
    var bytes = 0L
    when (workload) {
        "noop" -> ops = 1
        "ping-seq" -> meter.measure(warm = { repeat(warmup) { docker.ping() } }) {
            repeat(n) { docker.ping() }
            ops = n.toLong()
        }
        // The bindings' own cost: a suspend call that does no I/O, and a plain call.
        "binding-async" -> meter.measure {
            repeat(n) { docker.apiVersion() }
            ops = n.toLong()
        }
        "binding-sync" -> meter.measure {
            repeat(n) { docker.openConnections() }
            ops = n.toLong()
        }
        "list-seq" -> meter.measure(warm = { repeat(warmup) { docker.listContainers(all = true) } }) {
            repeat(n) { docker.listContainers(all = true) }
            ops = n.toLong()
        }
        "ping-par" -> {
            val c = opts["concurrency"]!!.toInt()
            suspend fun pings(count: Int) {
                val next = AtomicInteger()
                withContext(loop ?: Dispatchers.Default) {
                    repeat(c) { launch { while (next.getAndIncrement() < count) docker.ping() } }
                }
            }
            meter.measure(warm = { pings(warmup) }) { pings(n) }
            ops = n.toLong()
        }
        "logs" -> meter.measure(warm = { docker.logs(opts["container"]!!, LogOptions()).asFlow().collect { } }) {
            docker.logs(opts["container"]!!, LogOptions()).asFlow().collect { bytes += it.data.size }
            ops = 1
        }
        // A listener hears each chunk on the runtime's thread (a JNA callback).
        "logs-listener" -> meter.measure {
            val done = CompletableDeferred<DockerException?>()
            val handle = docker.logsTo(opts["container"]!!, LogOptions(), logListener(onEnd = { done.complete(it) }) {
                bytes += it.data.size
                false
            })
            done.await()?.let { throw it }
            handle.close()
            ops = 1
        }
        else -> exitProcess(3)
    }
    println(
        """{"client": "$client", "workload": "$workload", "ops": $ops, "bytes": $bytes, """ +
            """"wall_s": ${meter.wall}, "cpu_s": ${meter.cpu}, "maxrss_kb": ${maxRssKb()}, "latencies_ms": []}"""
    )
}
