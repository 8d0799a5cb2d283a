/// The replication transport: what replicas and the controller say to each other about one partition.
/// The Broker shell maps these to Kafka's Fetch and AlterPartition; a simulation routes them as they are.
public enum ReplicationMessage<Batch: ReplicaBatch>: Sendable {
    case fetch(ReplicaFetchRequest)
    case fetchResponse(ReplicaFetchResponse<Batch>)
    case alterPartition(AlterPartitionRequest)
    case alterPartitionResponse(request: AlterPartitionRequest, response: AlterPartitionResponse)
}
