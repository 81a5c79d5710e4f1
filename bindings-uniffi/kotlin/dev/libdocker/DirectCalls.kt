// Kotlin's direct calls (shipped with the generated bindings, in the same
// package): the hottest `Docker` methods, and the pull streams' `nextBatch`
// (what every `asFlow()` reads), entered through JNI instead of the generated
// JNA calls (a JNA structure per crossing, five crossings per suspend call).
// They are the same Rust methods (`Docker`'s, the streams'; entered in
// bindings-uniffi/src/jni_calls.rs); values and errors come back in UniFFI's
// serialization and are read with the generated converters, so a caller gets
// what the generated method would give, `DockerException`s included. The
// generated versions are left out of the Kotlin bindings (uniffi.toml), so
// `docker.ping()` is this one.
package dev.libdocker

import com.sun.jna.NativeLibrary
import java.lang.invoke.MethodHandles
import java.lang.invoke.VarHandle
import java.nio.ByteBuffer
import java.util.concurrent.atomic.AtomicLong
import kotlin.coroutines.resume
import kotlin.coroutines.resumeWithException
import kotlinx.coroutines.CancellableContinuation
import kotlinx.coroutines.currentCoroutineContext
import kotlinx.coroutines.suspendCancellableCoroutine

/** `GET /_ping`: true when the daemon answers. */
suspend fun Docker.ping(): Boolean = direct(DOCKER, FfiConverterBoolean) { h, loop, call -> DirectCalls.ping(h, loop, call) }

/** The API version in use: pinned, or negotiated with the daemon once. */
suspend fun Docker.apiVersion(): String = direct(DOCKER, FfiConverterString) { h, loop, call -> DirectCalls.apiVersion(h, loop, call) }

/** The daemon's version. */
suspend fun Docker.version(): VersionInfo = direct(DOCKER, FfiConverterTypeVersionInfo) { h, loop, call -> DirectCalls.version(h, loop, call) }

/** `SystemInfo` as JSON text. */
suspend fun Docker.info(): String = direct(DOCKER, FfiConverterString) { h, loop, call -> DirectCalls.info(h, loop, call) }

/** Calls any operation by its id (see `operations()`), with its parameters
 * as a JSON object (path, query, header and body parameters by name; empty
 * for none). Gives the answer as JSON text ("" for none). Operations that
 * answer a stream or take over the connection are refused here, before
 * anything is sent, with `WrongOutputKind`: use their typed methods. */
suspend fun Docker.invoke(op: String, paramsJson: String): String =
    direct(DOCKER, FfiConverterString) { h, loop, call -> DirectCalls.invoke(h, loop, op, paramsJson, call) }

/** Connections open right now (idle, answering or streaming). */
fun Docker.openConnections(): UInt = withHandle(DOCKER) { DirectCalls.openConnections(it) }.toUInt()

// The pull streams' next items and those already arrived, at most `most` (log
// output with neighbouring pieces of the same stream joined): what `asFlow()`
// reads. Empty once the stream has ended; a failure is thrown after the items
// before it.

suspend fun LogStream.nextBatch(most: UInt): List<LogChunk> =
    direct(LOG_STREAM, FfiConverterSequenceTypeLogChunk) { h, loop, call -> DirectCalls.logStreamNextBatch(h, loop, most.toInt(), call) }

suspend fun ProgressStream.nextBatch(most: UInt): List<ProgressEvent> =
    direct(PROGRESS_STREAM, FfiConverterSequenceTypeProgressEvent) { h, loop, call -> DirectCalls.progressStreamNextBatch(h, loop, most.toInt(), call) }

suspend fun EventStream.nextBatch(most: UInt): List<DockerEvent> =
    direct(EVENT_STREAM, FfiConverterSequenceTypeDockerEvent) { h, loop, call -> DirectCalls.eventStreamNextBatch(h, loop, most.toInt(), call) }

suspend fun JsonStream.nextBatch(most: UInt): List<String> =
    direct(JSON_STREAM, FfiConverterSequenceString) { h, loop, call -> DirectCalls.jsonStreamNextBatch(h, loop, most.toInt(), call) }

suspend fun MonitorStream.nextBatch(most: UInt): List<MonitorEvent> =
    direct(MONITOR_STREAM, FfiConverterSequenceTypeMonitorEvent) { h, loop, call -> DirectCalls.monitorStreamNextBatch(h, loop, most.toInt(), call) }

suspend fun MapEventStream.nextBatch(most: UInt): List<MapEvent> =
    direct(MAP_EVENT_STREAM, FfiConverterSequenceTypeMapEvent) { h, loop, call -> DirectCalls.mapEventStreamNextBatch(h, loop, most.toInt(), call) }

suspend fun MapLogStream.nextBatch(most: UInt): List<MapLogLine> =
    direct(MAP_LOG_STREAM, FfiConverterSequenceTypeMapLogLine) { h, loop, call -> DirectCalls.mapLogStreamNextBatch(h, loop, most.toInt(), call) }

/** The JNI entry points, in the library the generated bindings load. */
internal object DirectCalls {
    init {
        // The JVM finds JNI methods only in libraries it loaded itself; JNA
        // finds this one as the generated bindings do (on jna.library.path,
        // the same file, which the dynamic loader then opens once).
        val name = System.getProperty("uniffi.component.libdocker_uniffi.libraryOverride") ?: "libdocker_uniffi"
        System.load(NativeLibrary.getInstance(name).file.absolutePath)
    }

    @JvmStatic external fun ping(docker: Long, loop: Long, call: DirectCall<*>): Long
    @JvmStatic external fun apiVersion(docker: Long, loop: Long, call: DirectCall<*>): Long
    @JvmStatic external fun version(docker: Long, loop: Long, call: DirectCall<*>): Long
    @JvmStatic external fun info(docker: Long, loop: Long, call: DirectCall<*>): Long
    @JvmStatic external fun invoke(docker: Long, loop: Long, op: String, paramsJson: String, call: DirectCall<*>): Long
    @JvmStatic external fun logStreamNextBatch(stream: Long, loop: Long, most: Int, call: DirectCall<*>): Long
    @JvmStatic external fun progressStreamNextBatch(stream: Long, loop: Long, most: Int, call: DirectCall<*>): Long
    @JvmStatic external fun eventStreamNextBatch(stream: Long, loop: Long, most: Int, call: DirectCall<*>): Long
    @JvmStatic external fun jsonStreamNextBatch(stream: Long, loop: Long, most: Int, call: DirectCall<*>): Long
    @JvmStatic external fun monitorStreamNextBatch(stream: Long, loop: Long, most: Int, call: DirectCall<*>): Long
    @JvmStatic external fun mapEventStreamNextBatch(stream: Long, loop: Long, most: Int, call: DirectCall<*>): Long
    @JvmStatic external fun mapLogStreamNextBatch(stream: Long, loop: Long, most: Int, call: DirectCall<*>): Long
    @JvmStatic external fun openConnections(docker: Long): Int
    @JvmStatic external fun cancel(task: Long)
    @JvmStatic external fun release(task: Long)
    @JvmStatic external fun loopNew(): Long
    @JvmStatic external fun loopWait(loop: Long, timeoutMs: Int)
    @JvmStatic external fun loopWake(loop: Long)
    @JvmStatic external fun loopFree(loop: Long)
}

/** A started call's end: heard on the caller's thread (an answer ready at
 * once), a `DockerLoop`'s thread, or a runtime thread. */
internal class DirectCall<T>(
    private val continuation: CancellableContinuation<T>,
    private val converter: FfiConverter<T, *>,
) {
    fun succeed(value: ByteArray) {
        runCatching { converter.read(ByteBuffer.wrap(value)) }
            .fold(continuation::resume, continuation::resumeWithException)
    }

    fun fail(error: ByteArray) {
        val e = runCatching { FfiConverterTypeDockerError.read(ByteBuffer.wrap(error)) }
        continuation.resumeWithException(e.getOrElse { it })
    }
}

/** Starts a call with `start(handle, loop, call)` and waits for its end: on
 * the coroutine's `DockerLoop` when it runs on one (`loop`), else first
 * polled here and then on the runtime (`loop` is 0). A cancelled coroutine
 * cancels it (its connection is closed), whenever the cancel comes: before
 * the start (nothing is sent), during it, or after. */
private suspend inline fun <O : Any, T> O.direct(
    handles: GeneratedHandles<O>,
    converter: FfiConverter<T, *>,
    crossinline start: (Long, Long, DirectCall<T>) -> Long,
): T {
    val loop = DockerLoop.driving(currentCoroutineContext())
    val task = AtomicLong()
    try {
        return suspendCancellableCoroutine { continuation ->
            if (!continuation.isActive) return@suspendCancellableCoroutine
            continuation.invokeOnCancellation { DirectCalls.cancel(task.get()) }
            task.set(withHandle(handles) { start(it, loop, DirectCall(continuation, converter)) })
            // A cancel while it started found no task yet; a second one is harmless.
            if (continuation.isCancelled) DirectCalls.cancel(task.get())
        }
    } finally {
        DirectCalls.release(task.get())
    }
}

/** A generated class's handle and call counter, which keeps the Rust object
 * alive while a call uses the handle (the generated methods' protocol,
 * without their clone of the handle across JNA). */
internal class GeneratedHandles<O : Any>(type: Class<O>) {
    private val lookup = MethodHandles.privateLookupIn(type, MethodHandles.lookup())
    val handle: VarHandle = lookup.findVarHandle(type, "handle", Long::class.javaPrimitiveType)
    val callCounter: VarHandle = lookup.findVarHandle(type, "callCounter", AtomicLong::class.java)
    val cleanable: VarHandle = lookup.findVarHandle(type, "cleanable", UniffiCleaner.Cleanable::class.java)
}

private val DOCKER = GeneratedHandles(Docker::class.java)
private val LOG_STREAM = GeneratedHandles(LogStream::class.java)
private val PROGRESS_STREAM = GeneratedHandles(ProgressStream::class.java)
private val EVENT_STREAM = GeneratedHandles(EventStream::class.java)
private val JSON_STREAM = GeneratedHandles(JsonStream::class.java)
private val MONITOR_STREAM = GeneratedHandles(MonitorStream::class.java)
private val MAP_EVENT_STREAM = GeneratedHandles(MapEventStream::class.java)
private val MAP_LOG_STREAM = GeneratedHandles(MapLogStream::class.java)

private inline fun <O : Any, R> O.withHandle(handles: GeneratedHandles<O>, block: (Long) -> R): R {
    val counter = handles.callCounter.get(this) as AtomicLong
    do {
        val c = counter.get()
        check(c != 0L) { "${javaClass.simpleName} object has already been destroyed" }
    } while (!counter.compareAndSet(c, c + 1L))
    try {
        return block(handles.handle.get(this) as Long)
    } finally {
        if (counter.decrementAndGet() == 0L) (handles.cleanable.get(this) as UniffiCleaner.Cleanable?)?.clean()
    }
}
