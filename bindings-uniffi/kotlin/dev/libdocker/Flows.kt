// Kotlin idioms over the generated bindings (shipped with them, in the same
// package): every stream as a cold `Flow` that ends the stream (and closes its
// connection) when the collector stops, is cancelled or fails; and listeners
// written as lambdas.
package dev.libdocker

import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.emitAll
import kotlinx.coroutines.flow.flow

private fun <T : Any> items(next: suspend () -> T?, cancel: () -> Unit): Flow<T> = flow {
    try {
        while (true) {
            emit(next() ?: break)
        }
    } finally {
        cancel()
    }
}

/** Items read a batch at a time (what has arrived, up to [BATCH]): one crossing
 * of the FFI for many small items. */
private fun <T : Any> batches(nextBatch: suspend (UInt) -> List<T>, cancel: () -> Unit): Flow<T> = flow {
    try {
        while (true) {
            val batch = nextBatch(BATCH)
            if (batch.isEmpty()) break
            for (item in batch) emit(item)
        }
    } finally {
        cancel()
    }
}

private const val BATCH = 1024u

/** The output, chunk by chunk; stdout and stderr apart. */
fun LogStream.asFlow(): Flow<LogChunk> = batches(::nextBatch, ::cancel)

/** The messages of a pull, push or build; a failure inside it is thrown. */
fun ProgressStream.asFlow(): Flow<ProgressEvent> = batches(::nextBatch, ::cancel)

/** The daemon's events, until the collector stops. */
fun EventStream.asFlow(): Flow<DockerEvent> = batches(::nextBatch, ::cancel)

/** JSON documents as text (stats samples). */
fun JsonStream.asFlow(): Flow<String> = batches(::nextBatch, ::cancel)

/** A monitor's reports, until the collector stops. */
fun MonitorStream.asFlow(): Flow<MonitorEvent> = batches(::nextBatch, ::cancel)

/** A map action's events; the action runs while the flow is collected, and
 * stops where it is when the collector stops or is cancelled. Its failure
 * (`DockerException.MapFailed`, …) is thrown after the last event. */
fun MapEventStream.asFlow(): Flow<MapEvent> = batches(::nextBatch, ::cancel)

/** A cold flow of `action`'s events: each collection runs the action again
 * (`up` resumes where a cancelled one stopped). */
fun ContainerMap.runFlow(clients: MapClients, action: MapAction, options: MapActionOptions = MapActionOptions()): Flow<MapEvent> =
    flow { emitAll(run(clients, action, options).asFlow()) }

/** Every container's lines of a map, merged as they come. */
fun MapLogStream.asFlow(): Flow<MapLogLine> = batches(::nextBatch, ::cancel)

/** An attached process's output; its stdin stays usable meanwhile. */
fun Attached.output(): Flow<LogChunk> = items(::next, ::cancel)

/** A listener from lambdas: `onChunk` returns true to stop. */
fun logListener(onEnd: (DockerException?) -> Unit = {}, onChunk: (LogChunk) -> Boolean): LogListener =
    object : LogListener {
        override fun onChunk(chunk: LogChunk): Boolean = onChunk(chunk)
        override fun onEnd(error: DockerException?) = onEnd(error)
    }

/** A listener from lambdas: `onEvent` returns true to stop. */
fun progressListener(onEnd: (DockerException?) -> Unit = {}, onEvent: (ProgressEvent) -> Boolean): ProgressListener =
    object : ProgressListener {
        override fun onEvent(event: ProgressEvent): Boolean = onEvent(event)
        override fun onEnd(error: DockerException?) = onEnd(error)
    }

/** A monitor listener from lambdas: `onEvent` returns true to stop. */
fun monitorListener(onEnd: (DockerException?) -> Unit = {}, onEvent: (MonitorEvent) -> Boolean): MonitorListener =
    object : MonitorListener {
        override fun onEvent(event: MonitorEvent): Boolean = onEvent(event)
        override fun onEnd(error: DockerException?) = onEnd(error)
    }

/** A listener from lambdas: `onEvent` returns true to stop. */
fun eventListener(onEnd: (DockerException?) -> Unit = {}, onEvent: (DockerEvent) -> Boolean): EventListener =
    object : EventListener {
        override fun onEvent(event: DockerEvent): Boolean = onEvent(event)
        override fun onEnd(error: DockerException?) = onEnd(error)
    }

/** A map listener from lambdas: `onEvent` returns true to stop the action. */
fun mapListener(onEnd: (DockerException?) -> Unit = {}, onEvent: (MapEvent) -> Boolean): MapListener =
    object : MapListener {
        override fun onEvent(event: MapEvent): Boolean = onEvent(event)
        override fun onEnd(error: DockerException?) = onEnd(error)
    }
