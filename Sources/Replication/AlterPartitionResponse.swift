/// The controller's answer to an AlterPartition: the partition as it now stands, or why it refused.
public enum AlterPartitionResponse: Sendable, Hashable {
    case accepted(PartitionRegistration)
    case rejected(ReplicationError)
}
