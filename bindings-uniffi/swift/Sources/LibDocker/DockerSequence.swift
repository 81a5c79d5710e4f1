// Swift idioms over the generated bindings (shipped with them, in the same
// module): every stream as an `AsyncSequence` (`for try await`), and listeners
// written as closures.
//
// UniFFI's Swift bindings do not pass `Task.cancel()` to the Rust future
// (uniffi-rs #2771). The sequences therefore call the stream's `cancel()` when
// the iterating task is cancelled or the loop is left early: the stream ends
// and its connection is closed at once. A call that is not a stream
// (`waitContainer`, `exec`) runs to its end; bound it with the client's
// `DockerOptions.requestTimeoutSecs`.

/// The items of a stream of the bindings, in order; a failure the daemon reports
/// inside the stream is thrown where it is reached. Streams are read a batch at
/// a time (`nextBatch`: what has arrived, one crossing of the FFI for many small
/// items).
public struct DockerSequence<Element: Sendable>: AsyncSequence, Sendable {
    private let nextBatch: @Sendable () async throws -> [Element]
    private let cancel: @Sendable () -> Void

    init(nextBatch: @escaping @Sendable () async throws -> [Element], cancel: @escaping @Sendable () -> Void) {
        self.nextBatch = nextBatch
        self.cancel = cancel
    }

    /// One item per read, for sources without batches.
    init(next: @escaping @Sendable () async throws -> Element?, cancel: @escaping @Sendable () -> Void) {
        self.nextBatch = { try await next().map { [$0] } ?? [] }
        self.cancel = cancel
    }

    public func makeAsyncIterator() -> Iterator {
        Iterator(nextBatch: nextBatch, cancel: cancel)
    }

    /// Ends the stream when the task is cancelled, and when it is dropped
    /// before the end (a `break` out of the loop).
    public final class Iterator: AsyncIteratorProtocol {
        private let nextBatch: @Sendable () async throws -> [Element]
        private let cancel: @Sendable () -> Void
        private var buffered: [Element] = []
        private var position = 0
        private var ended = false

        init(nextBatch: @escaping @Sendable () async throws -> [Element], cancel: @escaping @Sendable () -> Void) {
            self.nextBatch = nextBatch
            self.cancel = cancel
        }

        public func next() async throws -> Element? {
            if position < buffered.count {
                position += 1
                return buffered[position - 1]
            }
            if ended { return nil }
            let cancel = self.cancel
            let nextBatch = self.nextBatch
            do {
                let batch = try await withTaskCancellationHandler {
                    try await nextBatch()
                } onCancel: {
                    cancel()
                }
                if batch.isEmpty {
                    ended = true
                    return nil
                }
                buffered = batch
                position = 1
                return batch[0]
            } catch {
                ended = true
                throw error
            }
        }

        deinit {
            if !ended { cancel() }
        }
    }
}

/// Items per batch read by the sequences.
let batchSize: UInt32 = 1024

extension LogStream {
    /// The output, chunk by chunk; stdout and stderr apart.
    public var values: DockerSequence<LogChunk> {
        DockerSequence(nextBatch: { try await self.nextBatch(most: batchSize) }, cancel: { self.cancel() })
    }
}

extension ProgressStream {
    /// The messages of a pull, push or build.
    public var values: DockerSequence<ProgressEvent> {
        DockerSequence(nextBatch: { try await self.nextBatch(most: batchSize) }, cancel: { self.cancel() })
    }
}

extension EventStream {
    /// The daemon's events, until the loop stops.
    public var values: DockerSequence<DockerEvent> {
        DockerSequence(nextBatch: { try await self.nextBatch(most: batchSize) }, cancel: { self.cancel() })
    }
}

extension JsonStream {
    /// JSON documents as text (stats samples).
    public var values: DockerSequence<String> {
        DockerSequence(nextBatch: { try await self.nextBatch(most: batchSize) }, cancel: { self.cancel() })
    }
}

extension MonitorStream {
    /// A monitor's reports, until the loop stops.
    public var values: DockerSequence<MonitorEvent> {
        DockerSequence(nextBatch: { try await self.nextBatch(most: batchSize) }, cancel: { self.cancel() })
    }
}

extension MapEventStream {
    /// A map action's events; the action runs while the loop reads them and
    /// stops where it is when the loop is left or its task cancelled. Its
    /// failure (`DockerError.MapFailed`, …) is thrown after the last event.
    public var values: DockerSequence<MapEvent> {
        DockerSequence(nextBatch: { try await self.nextBatch(most: batchSize) }, cancel: { self.cancel() })
    }
}

extension MapLogStream {
    /// Every container's lines of a map, merged as they come.
    public var values: DockerSequence<MapLogLine> {
        DockerSequence(nextBatch: { try await self.nextBatch(most: batchSize) }, cancel: { self.cancel() })
    }
}

extension Attached {
    /// The process's output; its stdin stays usable meanwhile.
    public var output: DockerSequence<LogChunk> {
        DockerSequence(next: { try await self.next() }, cancel: { self.cancel() })
    }
}

/// A `LogListener` from closures: `onChunk` returns true to stop.
public final class LogHandler: LogListener {
    private let chunk: @Sendable (LogChunk) throws -> Bool
    private let end: @Sendable (DockerError?) -> Void

    public init(onEnd: @escaping @Sendable (DockerError?) -> Void = { _ in },
                onChunk: @escaping @Sendable (LogChunk) throws -> Bool) {
        self.chunk = onChunk
        self.end = onEnd
    }

    public func onChunk(chunk: LogChunk) throws -> Bool { try self.chunk(chunk) }
    public func onEnd(error: DockerError?) { end(error) }
}

/// A `ProgressListener` from closures: `onEvent` returns true to stop.
public final class ProgressHandler: ProgressListener {
    private let event: @Sendable (ProgressEvent) throws -> Bool
    private let end: @Sendable (DockerError?) -> Void

    public init(onEnd: @escaping @Sendable (DockerError?) -> Void = { _ in },
                onEvent: @escaping @Sendable (ProgressEvent) throws -> Bool) {
        self.event = onEvent
        self.end = onEnd
    }

    public func onEvent(event: ProgressEvent) throws -> Bool { try self.event(event) }
    public func onEnd(error: DockerError?) { end(error) }
}

/// An `EventListener` from closures: `onEvent` returns true to stop.
public final class EventHandler: EventListener {
    private let event: @Sendable (DockerEvent) throws -> Bool
    private let end: @Sendable (DockerError?) -> Void

    public init(onEnd: @escaping @Sendable (DockerError?) -> Void = { _ in },
                onEvent: @escaping @Sendable (DockerEvent) throws -> Bool) {
        self.event = onEvent
        self.end = onEnd
    }

    public func onEvent(event: DockerEvent) throws -> Bool { try self.event(event) }
    public func onEnd(error: DockerError?) { end(error) }
}

/// A `MonitorListener` from closures: `onEvent` returns true to stop.
public final class MonitorHandler: MonitorListener {
    private let event: @Sendable (MonitorEvent) throws -> Bool
    private let end: @Sendable (DockerError?) -> Void

    public init(onEnd: @escaping @Sendable (DockerError?) -> Void = { _ in },
                onEvent: @escaping @Sendable (MonitorEvent) throws -> Bool) {
        self.event = onEvent
        self.end = onEnd
    }

    public func onEvent(event: MonitorEvent) throws -> Bool { try self.event(event) }
    public func onEnd(error: DockerError?) { end(error) }
}

/// A `MapListener` from closures: `onEvent` returns true to stop the action.
public final class MapHandler: MapListener {
    private let event: @Sendable (MapEvent) throws -> Bool
    private let end: @Sendable (DockerError?) -> Void

    public init(onEnd: @escaping @Sendable (DockerError?) -> Void = { _ in },
                onEvent: @escaping @Sendable (MapEvent) throws -> Bool) {
        self.event = onEvent
        self.end = onEnd
    }

    public func onEvent(event: MapEvent) throws -> Bool { try self.event(event) }
    public func onEnd(error: DockerError?) { end(error) }
}
