// A coroutine dispatcher for code that mostly talks to Docker (shipped with
// the generated bindings, in the same package). Its thread runs the coroutines
// dispatched to it and, when it has none to run, waits on the sockets of the
// calls they made (bindings-uniffi/src/docker_loop.rs) instead of sleeping
// until another thread hands it an answer. So a call answered whole has its
// request written and its answer read by the thread that resumes the
// coroutine, as a blocking call would, with no hand-off between threads: the
// same code under `Dispatchers.Default` or `runBlocking` pays one per call.
//
// The calls driven so are the direct ones (DirectCalls.kt: ping, version,
// info, invoke, apiVersion, and the pull streams' batches). What a call waits
// for in the runtime (a streamed answer such as `asFlow()`'s, a TLS daemon, a
// time limit) wakes the loop instead, one hand-off per wake-up; any other call
// works on the loop as on any dispatcher.
package dev.libdocker

import java.util.concurrent.ConcurrentLinkedQueue
import java.util.concurrent.atomic.AtomicBoolean
import kotlin.coroutines.ContinuationInterceptor
import kotlin.coroutines.CoroutineContext
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.cancel

/** A one-thread dispatcher that waits on libdocker's sockets itself:
 *
 * ```
 * DockerLoop().use { loop ->
 *     withContext(loop) { repeat(1000) { docker.ping() } }
 * }
 * ```
 *
 * Close it once the coroutines on it are done: a call still waiting on it
 * then fails with `DockerException.Cancelled` (its connection is closed), and
 * a coroutine dispatched to it afterwards (an answer that arrived as it
 * closed included) is cancelled and resumed on `Dispatchers.IO`. Like any
 * one-thread dispatcher, blocking code on it stops everything on it. */
class DockerLoop(name: String = "libdocker-loop") : CoroutineDispatcher(), AutoCloseable {
    private val native: Long = DirectCalls.loopNew()
    private val queue = ConcurrentLinkedQueue<Runnable>()
    /** Set while the thread waits (or is about to): a dispatch then wakes it. */
    private val idle = AtomicBoolean(false)
    @Volatile private var closed = false
    /** Set once the thread has run its last task: a dispatch then takes its task back. */
    @Volatile private var finished = false
    /** Guards `freed`: no wake-up reaches the native loop after its free. */
    private val lock = Any()
    private var freed = false
    private val thread = Thread(::run, name).apply { isDaemon = true }

    init {
        try {
            thread.start()
        } catch (t: Throwable) {
            DirectCalls.loopFree(native)
            throw t
        }
    }

    override fun dispatch(context: CoroutineContext, block: Runnable) {
        if (!closed) {
            queue.add(block)
            // The loop's own thread (an answer handed back inside its wait) needs no wake-up.
            if (Thread.currentThread() !== thread && idle.get() && idle.compareAndSet(true, false)) wake()
            // Queued before the thread's last look at the queue, it runs there.
            if (!finished || !queue.remove(block)) return
        }
        context.cancel(CancellationException("$this was closed"))
        Dispatchers.IO.dispatch(context, block)
    }

    /** Stops the thread once what is queued has run; calls still waiting on
     * the loop are cancelled. Returns at once (close it from its own thread
     * too). */
    override fun close() {
        closed = true
        wake()
    }

    override fun toString(): String = "DockerLoop(${thread.name})"

    private fun wake() {
        synchronized(lock) { if (!freed) DirectCalls.loopWake(native) }
    }

    private fun run() {
        try {
            var inARow = 0
            while (true) {
                val task = queue.poll()
                if (task != null) {
                    runTask(task)
                    // Coroutines that keep the queue full (yield loops, channels
                    // between them) must not starve the calls' sockets.
                    if (++inARow == TASKS_BETWEEN_LOOKS) {
                        inARow = 0
                        DirectCalls.loopWait(native, 0)
                    }
                    continue
                }
                inARow = 0
                if (closed) break
                idle.set(true)
                // A dispatch after this check finds `idle` set and wakes the wait.
                if (queue.isEmpty() && !closed) DirectCalls.loopWait(native, -1)
                idle.set(false)
            }
        } finally {
            // Also when a wait failed (thrown on, after this): no call starts on it now.
            closed = true
            synchronized(lock) { freed = true }
            DirectCalls.loopFree(native)
            // Whatever was dispatched while it closed still runs; after the last
            // look, a dispatch takes its task back.
            drain()
            finished = true
            drain()
        }
    }

    private fun drain() {
        while (true) runTask(queue.poll() ?: break)
    }

    private fun runTask(task: Runnable) {
        try {
            task.run()
        } catch (t: Throwable) {
            // Coroutines handle their own failures; this is a dispatcher's last resort.
            thread.uncaughtExceptionHandler?.uncaughtException(thread, t)
        }
    }

    internal companion object {
        /** Tasks run between two looks at the calls' sockets when the queue stays full. */
        private const val TASKS_BETWEEN_LOOKS = 64

        /** The native loop that drives a direct call made in `context`: its
         * dispatcher's, when that is an open `DockerLoop` and this is its
         * thread; else 0 (the call runs on the runtime). */
        fun driving(context: CoroutineContext): Long {
            val loop = context[ContinuationInterceptor] as? DockerLoop ?: return 0L
            return if (!loop.closed && Thread.currentThread() === loop.thread) loop.native else 0L
        }
    }
}
