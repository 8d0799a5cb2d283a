// KafkaClient: a Kafka client that speaks only the wire protocol, so it works against Gregor and
// Apache Kafka alike. Used by the `gregor` command, the load generators, the explorer and the labs.
//
//     ClusterClient                 bootstrap, metadata cache, one connection per broker
//       └─ BrokerConnection         one socket: ApiVersions first, then pipelined requests
//            └─ KafkaConnectionHandler   correlation ids, FIFO of pending requests, timeouts
//     KafkaAdmin                    topics, partitions, configs, offsets, cluster (over ClusterClient)
//     KafkaProducer                 send → ProducerState (lock) → sender drain → Produce requests
//     KafkaConsumer (actor)         assign/seek → ListOffsets resets → parallel Fetch → records
//
// How a request travels: the caller encodes the request (correlation id 0) off the event loop; the
// connection handler stamps the next correlation id as it writes, so ids follow wire order, and
// matches each response to the head of its FIFO. A mismatch, a timeout or a closed socket fails every
// pending request with a `KafkaClientError` and closes the connection, as Kafka's clients do.
//
// Versions: every connection starts with ApiVersions v3 (falling back to the broker's highest when it
// answers UNSUPPORTED_VERSION, KIP-511); each later request goes out at the highest version both sides
// support (`ApiVersionTable`; the client's own ranges are the schemas', narrowed where it lacks a
// version's semantics: Produce ≥ 3 and Fetch ≥ 4 for record batch v2).
//
// The producer's hot path: `send` takes one lock, picks the partition (murmur2 of the key as Kafka's
// Java client, sticky for keyless records), and appends into the partition's open batch with the
// KafkaRecords builder; no task and no actor hop per record (it runs on the caller's executor). A
// sender on one event loop drains batches that are full, lingered out (`linger.ms`) or flushed, at
// most one per partition per request and `max.in.flight` requests per broker, and completes each
// record's callback when the answer comes. Idempotence follows Kafka's rules: InitProducerId once,
// sequences assigned at the first send, retries keep their sequence and go in sequence order, and a
// broken sequence makes the producer start over with a new producer id.
//
// The consumer is fetch-based and has no groups yet: a group protocol will decide the assignment and
// the starting positions, then use the same fetch path.
