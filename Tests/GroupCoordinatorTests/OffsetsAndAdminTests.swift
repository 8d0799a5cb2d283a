import GroupCoordinator
import KafkaProtocol
import KafkaRecords
import NIOCore
import Testing

/// Commits, fetches, deletes, expiry, describe and list, and the replay of everything written.
@Suite struct OffsetsAndAdminTests {
    @Test func commitsFromOutsideAGroupNeedAnEmptyGroup() {
        var h = ShardHarness()
        #expect(h.commit("standalone", [("t", 0, 42)]) == [TopicPartition("t", 0): .noError])
        #expect(h.shard.fetchOffsets(groupId: "standalone", partitions: nil).first?.1?.offset == 42)
        #expect(h.commit("new", generation: 3, [("t", 0, 1)])[TopicPartition("t", 0)] == .illegalGeneration)
        let (a, _) = LivenessTests.stableGroup(&h)
        #expect(h.commit("g", [("t", 0, 5)])[TopicPartition("t", 0)] == .unknownMemberId, "non-members cannot commit to a live group")
        #expect(h.commit(member: a, generation: 9, [("t", 0, 5)])[TopicPartition("t", 0)] == .illegalGeneration)
        #expect(h.commit(member: a, generation: 1, [("t", 0, 5)])[TopicPartition("t", 0)] == .noError)
    }

    @Test func commitsWaitForTheRebalanceToComplete() {
        var h = ShardHarness()
        let (a, token) = h.joinNew()
        h.advance(by: 3000)
        let generation = h.joins[token]!.generationId
        #expect(h.commit(member: a, generation: generation, [("t", 0, 1)])[TopicPartition("t", 0)] == .rebalanceInProgress)
    }

    @Test func largeMetadataIsRefused() {
        var h = ShardHarness()
        let result = h.shard.commitOffsets(
            groupId: "g", memberId: "", groupInstanceId: nil, generationId: -1,
            offsets: [OffsetToCommit(partition: TopicPartition("t", 0), offset: 1, metadata: String(repeating: "x", count: 4097))],
            now: h.now)
        #expect(result.errors[TopicPartition("t", 0)] == .offsetMetadataTooLarge)
        #expect(result.records.isEmpty)
    }

    @Test func describeShowsMetadataOnlyWhileStable() {
        var h = ShardHarness()
        let (a, b) = LivenessTests.stableGroup(&h)
        let stable = h.shard.describeGroup("g")
        #expect(stable.state == .stable)
        #expect(stable.protocolName == "range")
        #expect(stable.members.map(\.memberId) == [a, b])
        #expect(stable.members[1].assignment == ByteBuffer(bytes: [2]))
        #expect(stable.members[0].metadata == ShardHarness.subscription(["t"]))
        _ = h.join(member: a, client: "a")
        let rebalancing = h.shard.describeGroup("g")
        #expect(rebalancing.state == .preparingRebalance)
        #expect(rebalancing.protocolName == "")
        #expect(rebalancing.members.allSatisfy { $0.assignment.readableBytes == 0 && $0.metadata.readableBytes == 0 })
        #expect(h.shard.describeGroup("missing").state == .dead)
        #expect(h.shard.listGroups(states: ["preparingrebalance"]).map(\.groupId) == ["g"])
        #expect(h.shard.listGroups(states: ["Stable"]).isEmpty)
    }

    @Test func onlyEmptyGroupsCanBeDeleted() {
        var h = ShardHarness()
        let (a, b) = LivenessTests.stableGroup(&h)
        _ = h.commit(member: a, generation: 1, [("t", 0, 5), ("t", 1, 6)])
        #expect(h.shard.deleteGroup("g").error == .nonEmptyGroup)
        #expect(h.shard.deleteGroup("none").error == .groupIdNotFound)
        _ = h.leave(members: [LeavingMember(memberId: a), LeavingMember(memberId: b)])
        let deleted = h.shard.deleteGroup("g")
        #expect(deleted.error == .noError)
        #expect(deleted.records.count == 3, "two offset tombstones and a group tombstone")
        #expect(deleted.records.allSatisfy { $0.value == nil })
        #expect(h.shard.group("g") == nil)
    }

    @Test func offsetsOfSubscribedTopicsCannotBeDeleted() {
        var h = ShardHarness()
        let (a, _) = LivenessTests.stableGroup(&h)
        _ = h.commit(member: a, generation: 1, [("t", 0, 5), ("other", 0, 6)])
        let result = h.shard.deleteOffsets(groupId: "g", partitions: [TopicPartition("t", 0), TopicPartition("other", 0)])
        #expect(result.error == .noError)
        #expect(result.partitions[TopicPartition("t", 0)] == .groupSubscribedToTopic)
        #expect(result.partitions[TopicPartition("other", 0)] == .noError)
        #expect(result.records.count == 1)
        #expect(h.shard.deleteOffsets(groupId: "none", partitions: []).error == .groupIdNotFound)
    }

    @Test func aLiveGroupKeepsOffsetsOfTopicsItConsumes() {
        var config = GroupCoordinatorConfig()
        config.offsetsRetentionMs = 60_000
        var h = ShardHarness(config: config)
        let (a, b) = LivenessTests.stableGroup(&h)
        _ = h.commit(member: a, generation: 1, [("t", 0, 5), ("gone", 0, 6)])
        for _ in 0..<10 {
            h.advance(by: 8000)
            _ = h.heartbeat(member: a, generation: 1)
            _ = h.heartbeat(member: b, generation: 1)
        }
        let expired = h.shard.expireOffsets(now: h.now)
        #expect(expired.count == 1, "only the topic the group no longer subscribes to")
        #expect(h.shard.group("g")?.offsets.keys.map(\.topic) == ["t"])
    }

    @Test func emptyGroupsLoseTheirOffsetsAndThenThemselves() {
        var config = GroupCoordinatorConfig()
        config.offsetsRetentionMs = 60_000
        var h = ShardHarness(config: config)
        #expect(h.commit("old", [("t", 0, 5)])[TopicPartition("t", 0)] == .noError)
        #expect(h.shard.expireOffsets(now: h.now + 59_999).isEmpty)
        let expired = h.shard.expireOffsets(now: h.now + 60_000)
        #expect(expired.count == 2, "the offset, then the empty group itself")
        #expect(h.shard.group("old") == nil)
    }

    @Test func replayingTheRecordsRebuildsTheSameState() throws {
        var h = ShardHarness()
        let (a, b) = LivenessTests.stableGroup(&h)
        _ = h.commit(member: a, generation: 1, [("t", 0, 5), ("t", 1, 9)])
        _ = h.commit(member: b, generation: 1, [("t", 1, 11)])
        _ = h.commit("standalone", [("s", 0, 3)])
        _ = h.join("second", member: "", instance: "static-1")
        h.advance(by: 3000)
        var loaded = GroupCoordinatorShard(partition: 0, seed: 1)
        for record in h.records { try loaded.replay(key: record.key, value: record.value) }
        loaded.finishLoading(now: h.now)
        let original = h.shard.group("g")!
        let replayed = loaded.group("g")!
        #expect(replayed.state == .stable)
        #expect(replayed.generationId == original.generationId)
        #expect(replayed.protocolName == "range")
        #expect(replayed.leaderId == original.leaderId)
        #expect(replayed.orderedMembers.map(\.memberId) == original.orderedMembers.map(\.memberId))
        #expect(replayed.orderedMembers.map(\.assignment) == original.orderedMembers.map(\.assignment))
        #expect(replayed.offsets == original.offsets)
        #expect(replayed.offsets[TopicPartition("t", 1)]?.offset == 11)
        #expect(loaded.group("standalone")?.offsets == h.shard.group("standalone")?.offsets)
        #expect(loaded.group("standalone")?.state == .empty)
        var deleted = loaded
        let tombstones = deleted.deleteGroup("standalone").records
        for record in tombstones { try loaded.replay(key: record.key, value: record.value) }
        #expect(loaded.group("standalone") == nil)
    }

    @Test func recordsUseKafkasFormats() throws {
        let record = try CoordinatorRecords.offsetCommit(
            group: "g", partition: TopicPartition("t", 3), offset: CommittedOffset(offset: 7, commitTimestamp: 1000))
        #expect(Array(record.key.readableBytesView.prefix(2)) == [0, 1], "offset commit key version 1")
        #expect(Array(record.value!.readableBytesView.prefix(2)) == [0, 3], "value version 3")
        guard case .offsetCommit(let group, let partition, let offset) = try CoordinatorRecords.read(key: record.key, value: record.value)
        else { Issue.record("not an offset commit"); return }
        #expect(group == "g" && partition == TopicPartition("t", 3) && offset?.offset == 7)
        var future = ByteBuffer()
        future.writeInteger(Int16(5))
        guard case .other(keyVersion: 5) = try CoordinatorRecords.read(key: future, value: nil) else {
            Issue.record("newer record types are skipped"); return
        }
    }

    @Test func groupsLandOnThePartitionKafkaChooses() {
        // Java: "hello".hashCode() == 99162322, "my-group".hashCode() == -1398426052 (& 0x7fffffff = 749057596).
        #expect(GroupPartitioner.javaHashCode("hello") == 99_162_322)
        #expect(GroupPartitioner.partition(for: "hello", partitions: 50) == 99_162_322 % 50)
        #expect(GroupPartitioner.partition(for: "", partitions: 8) == 0)
    }

    @Test func transitionsAreKafkas() {
        #expect(GroupState.preparingRebalance.validPreviousStates == [.stable, .completingRebalance, .empty])
        #expect(GroupState.completingRebalance.validPreviousStates == [.preparingRebalance])
        #expect(GroupState.stable.validPreviousStates == [.completingRebalance])
        #expect(GroupState.empty.validPreviousStates == [.preparingRebalance])
        #expect(GroupState.dead.validPreviousStates.count == 5)
    }
}
