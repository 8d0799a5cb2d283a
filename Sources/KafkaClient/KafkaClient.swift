// KafkaClient: a Kafka client that speaks only the wire protocol, so it works against Gregor and
// Apache Kafka alike. Used by the `gregor` command, the load generators, the explorer and the labs.
//
//     ClusterClient                 bootstrap, metadata cache, one connection per broker
//       └─ BrokerConnection         one socket: ApiVersions first, then pipelined requests
//            └─ KafkaConnectionHandler   correlation ids, FIFO of pending requests, timeouts
//     KafkaAdmin                    topics, partitions, configs, offsets, cluster (over ClusterClient)
//     KafkaProducer                 send → ProducerState (lock) → sender drain → Produce requests
//     KafkaConsumer (actor)         assign/seek → ListOffsets resets → parallel Fetch → records
//       └─ ConsumerCoordinator      group membership: FindCoordinator, Join/Sync, heartbeats, commits
//            └─ GroupMembership     the member's state machine (no I/O)
//     PartitionAssignor             range, roundrobin, cooperative-sticky (Kafka's algorithms)
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
// The consumer is fetch-based; a consumer group only decides the assignment and where positions
// start. `subscribe` makes the next poll join (Kafka's classic protocol, as the Java client runs it):
// find the coordinator and open a connection of its own to it; JoinGroup (MEMBER_ID_REQUIRED first,
// KIP-394) with one protocol per assignor, each carrying a `ConsumerProtocolSubscription` (topics,
// owned partitions, generation); the leader decodes every member's subscription, runs the selected
// assignor over fresh metadata and sends the assignments in SyncGroup; every member adopts its
// assignment, and newly assigned partitions start at the group's committed offsets (OffsetFetch),
// else `auto.offset.reset`. A heartbeat task keeps the membership alive and notices rebalances; the
// next poll prepares (auto-commit, revoke callbacks: everything when eager, only what moves when
// cooperative) and rejoins. A JoinGroup that outlives a poll's timeout keeps going in its own task.
// Commits carry the generation, so a member the group moved on from gets `.commitFailed`.
