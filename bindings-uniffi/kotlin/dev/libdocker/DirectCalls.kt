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
import kotlinx.coroutines.suspendCancellableCoroutine

/** `GET /_ping`: true when the daemon answers. */
suspend fun Docker.ping(): Boolean = direct(DOCKER, FfiConverterBoolean) { h, call -> DirectCalls.ping(h, call) }

/** The API version in use: pinned, or negotiated with the daemon once. */
suspend fun Docker.apiVersion(): String = direct(DOCKER, FfiConverterString) { h, call -> DirectCalls.apiVersion(h, call) }

/** The daemon's version. */
suspend fun Docker.version(): VersionInfo = direct(DOCKER, FfiConverterTypeVersionInfo) { h, call -> DirectCalls.version(h, call) }

/** `SystemInfo` as JSON text. */
suspend fun Docker.info(): String = direct(DOCKER, FfiConverterString) { h, call -> DirectCalls.info(h, call) }

/** Calls any operation by its id (see `operations()`), with its parameters
 * as a JSON object (path, query, header and body parameters by name; empty
 * for none). Gives the answer as JSON text ("" for none). Operations that
 * answer a stream or take over the connection are refused here, before
 * anything is sent, with `WrongOutputKind`: use their typed methods. */
suspend fun Docker.invoke(op: String, paramsJson: String): String =
    direct(DOCKER, FfiConverterString) { h, call -> DirectCalls.invoke(h, op, paramsJson, call) }

/** Connections open right now (idle, answering or streaming). */
fun Docker.openConnections(): UInt = withHandle(DOCKER) { DirectCalls.openConnections(it) }.toUInt()

// The pull streams' next items and those already arrived, at most `most` (log
// output with neighbouring pieces of the same stream joined): what `asFlow()`
// reads. Empty once the stream has ended; a failure is thrown after the items
// before it.

suspend fun LogStream.nextBatch(most: UInt): List<LogChunk> =
    direct(LOG_STREAM, FfiConverterSequenceTypeLogChunk) { h, call -> DirectCalls.logStreamNextBatch(h, most.toInt(), call) }

suspend fun ProgressStream.nextBatch(most: UInt): List<ProgressEvent> =
    direct(PROGRESS_STREAM, FfiConverterSequenceTypeProgressEvent) { h, call -> DirectCalls.progressStreamNextBatch(h, most.toInt(), call) }

suspend fun EventStream.nextBatch(most: UInt): List<DockerEvent> =
    direct(EVENT_STREAM, FfiConverterSequenceTypeDockerEvent) { h, call -> DirectCalls.eventStreamNextBatch(h, most.toInt(), call) }

suspend fun JsonStream.nextBatch(most: UInt): List<String> =
    direct(JSON_STREAM, FfiConverterSequenceString) { h, call -> DirectCalls.jsonStreamNextBatch(h, most.toInt(), call) }

suspend fun MonitorStream.nextBatch(most: UInt): List<MonitorEvent> =
    direct(MONITOR_STREAM, FfiConverterSequenceTypeMonitorEvent) { h, call -> DirectCalls.monitorStreamNextBatch(h, most.toInt(), call) }

suspend fun MapEventStream.nextBatch(most: UInt): List<MapEvent> =
    direct(MAP_EVENT_STREAM, FfiConverterSequenceTypeMapEvent) { h, call -> DirectCalls.mapEventStreamNextBatch(h, most.toInt(), call) }

suspend fun MapLogStream.nextBatch(most: UInt): List<MapLogLine> =
    direct(MAP_LOG_STREAM, FfiConverterSequenceTypeMapLogLine) { h, call -> DirectCalls.mapLogStreamNextBatch(h, most.toInt(), call) }

/** The JNI entry points, in the library the generated bindings load. */
internal object DirectCalls {
    init {
        // The JVM finds JNI methods only in libraries it loaded itself; JNA
        // finds this one as the generated bindings do (on jna.library.path,
        // the same file, which the dynamic loader then opens once).
        val name = System.getProperty("uniffi.component.libdocker_uniffi.libraryOverride") ?: "libdocker_uniffi"
        System.load(NativeLibrary.getInstance(name).file.absolutePath)
    }

    @JvmStatic external fun ping(docker: Long, call: DirectCall<*>): Long
    @JvmStatic external fun apiVersion(docker: Long, call: DirectCall<*>): Long
    @JvmStatic external fun version(docker: Long, call: DirectCall<*>): Long
    @JvmStatic external fun info(docker: Long, call: DirectCall<*>): Long
    @JvmStatic external fun invoke(docker: Long, op: String, paramsJson: String, call: DirectCall<*>): Long
    @JvmStatic external fun logStreamNextBatch(stream: Long, most: Int, call: DirectCall<*>): Long
    @JvmStatic external fun progressStreamNextBatch(stream: Long, most: Int, call: DirectCall<*>): Long
    @JvmStatic external fun eventStreamNextBatch(stream: Long, most: Int, call: DirectCall<*>): Long
    @JvmStatic external fun jsonStreamNextBatch(stream: Long, most: Int, call: DirectCall<*>): Long
    @JvmStatic external fun monitorStreamNextBatch(stream: Long, most: Int, call: DirectCall<*>): Long
    @JvmStatic external fun mapEventStreamNextBatch(stream: Long, most: Int, call: DirectCall<*>): Long
    @JvmStatic external fun mapLogStreamNextBatch(stream: Long, most: Int, call: DirectCall<*>): Long
    @JvmStatic external fun openConnections(docker: Long): Int
    @JvmStatic external fun cancel(task: Long)
    @JvmStatic external fun release(task: Long)
}

/** A started call's end, heard on a runtime thread. */
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

/** Starts a call with `start(handle, call)` and waits for its end; a
 * cancelled coroutine cancels it (its connection is closed), whenever the
 * cancel comes: before the start (nothing is sent), during it, or after. */
private suspend inline fun <O : Any, T> O.direct(
    handles: GeneratedHandles<O>,
    converter: FfiConverter<T, *>,
    crossinline start: (Long, DirectCall<T>) -> Long,
): T {
    val task = AtomicLong()
    try {
        return suspendCancellableCoroutine { continuation ->
            if (!continuation.isActive) return@suspendCancellableCoroutine
            continuation.invokeOnCancellation { DirectCalls.cancel(task.get()) }
            task.set(withHandle(handles) { start(it, DirectCall(continuation, converter)) })
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
