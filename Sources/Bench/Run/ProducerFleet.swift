import KafkaClient
import NIOCore

/// The producers of a bench: each with its own client, sending stamped records at their share of
/// the rate (or as fast as they are taken) until the record count or the duration is reached, and
/// counting every acknowledgement and failure in the lane and, for verification, the delivery log.
///
/// Paced runs measure latency from the time a record was meant to be sent, not when the loop got to
/// it: a stall of the cluster shows in every record it delayed (coordinated omission corrected).
public final class ProducerFleet: Sendable {
    public let settings: ProduceSettings
    let run: UInt32
    let lane: LaneRecorder
    let log: DeliveryLog?
    let stop: StopSignal
    private let producers: [KafkaProducer]
    private let padding: Padding

    public init(
        settings: ProduceSettings, client: ClientConfiguration, run: UInt32, lane: LaneRecorder,
        log: DeliveryLog?, stop: StopSignal
    ) throws {
        try settings.validate()
        self.settings = settings
        self.run = run
        self.lane = lane
        self.log = log
        self.stop = stop
        producers = try (0..<settings.producers).map { index in
            var own = client
            own.clientId = "gregor-bench-producer-\(index)"
            do {
                return try KafkaProducer(clientConfiguration: own, configuration: settings.producer)
            } catch {
                throw BenchError("cannot make a producer: \((error as? KafkaClientError)?.message ?? "\(error)")")
            }
        }
        padding = Padding(size: settings.recordSizes.maximum, seed: UInt64(run))
    }

    /// Connects every producer and learns the topic's partitions, so that the run's first records
    /// do not pay for it.
    public func prepare() async throws {
        for producer in producers { _ = try await TopicWait.partitions(of: settings.topic, cluster: producer.cluster) }
    }

    /// Sends until done, on `clock`'s time (the run began when it was made); returns once every record
    /// is acknowledged or failed, and the producers closed.
    public func run(clock: BenchClock) async throws {
        do {
            try await stop.runLoops(producers.count) { index in try await self.drive(self.producers[index], number: index, clock: clock) }
        } catch {
            await close()
            throw error
        }
        await close()
    }

    /// Closes the producers (each first waits for what it has in flight, bounded by delivery.timeout.ms).
    public func close() async {
        for producer in producers { await producer.close() }
    }

    private func quota(of number: Int) -> Int64? {
        guard let records = settings.records else { return nil }
        let count = Int64(settings.producers)
        return records / count + (Int64(number) < records % count ? 1 : 0)
    }

    private func drive(_ producer: KafkaProducer, number: Int, clock: BenchClock) async throws {
        let producerId = Int32(number)
        let quota = quota(of: number)
        let interval = settings.rate.map { 1e9 * Double(settings.producers) / $0 }
        let startNanos = clock.elapsedNanos
        let endNanos = settings.duration.map { startNanos + (settings.warmup + $0).nanoseconds }
        var random = BenchRandom(seed: UInt64(run) &* 31 &+ UInt64(number))
        var scratch = ByteBuffer(bytes: padding.bytes)
        var sequence: Int64 = 0
        defer { log?.sent(producer: producerId, count: sequence) }
        while !stop.isRaised {
            if let quota, sequence >= quota { break }
            var sendNanos = clock.elapsedNanos
            // A paced run sends every record due before the end, even late ones (rate x duration); an
            // unpaced one stops at the end.
            if interval == nil, let endNanos, sendNanos >= endNanos { break }
            if let interval {
                let intended = startNanos + Int64(Double(sequence) * interval)
                if let endNanos, intended >= endNanos { break }
                if intended - sendNanos > 1_000_000 {
                    try await clock.sleep(untilElapsed: intended)
                    sendNanos = clock.elapsedNanos
                }
                // Late (the loop or the cluster held it up): count from when it was due. Early (less
                // than a millisecond, not worth a sleep): count from when it really went.
                sendNanos = min(intended, sendNanos)
            }
            let size = settings.recordSizes.next(using: &random)
            scratch.moveReaderIndex(to: 0)
            scratch.moveWriterIndex(to: size)
            let id = RecordId(producer: producerId, sequence: sequence)
            if size >= RecordStamp.size {
                RecordStamp(run: run, id: id, intendedSendNanos: clock.wallNanos(atElapsed: sendNanos)).write(into: &scratch)
            }
            let key = settings.keys.key(for: sequence, using: &random)
            let bytes = size + (key?.readableBytes ?? 0)
            sequence += 1
            let (lane, log, sentNanos) = (self.lane, self.log, sendNanos)
            do {
                try await producer.send(ProducerRecord(topic: settings.topic, key: key, value: scratch)) { result in
                    let done = clock.elapsedNanos
                    switch result {
                    case .success(let metadata):
                        lane.record(bytes: bytes, latencyNanos: done - sentNanos, startedNanos: sentNanos, nowNanos: done)
                        log?.acknowledged(id, at: LogPosition(partition: metadata.partition, offset: metadata.offset), timeMs: done / 1_000_000)
                    case .failure(let error):
                        lane.recordError(error.message, nowNanos: done)
                        log?.failed(id)
                    }
                }
            } catch {
                let message = (error as? KafkaClientError)?.message ?? "\(error)"
                lane.recordError(message, nowNanos: clock.elapsedNanos)
                log?.failed(id)
                throw BenchError("producer \(number) stopped: \(message)")
            }
        }
        await producer.flush()
    }
}
