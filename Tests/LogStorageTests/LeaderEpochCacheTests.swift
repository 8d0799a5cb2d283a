import Testing

@testable import LogStorage

@Suite("Leader epoch cache")
struct LeaderEpochCacheTests {
    @Test("assign keeps epochs and start offsets increasing")
    func assign() {
        var cache = LeaderEpochCache()
        #expect(mutate(&cache) { $0.assign(epoch: 0, startOffset: 0) })
        #expect(!mutate(&cache) { $0.assign(epoch: 0, startOffset: 5) })  // same epoch, later offset: nothing new
        #expect(mutate(&cache) { $0.assign(epoch: 2, startOffset: 10) })
        #expect(cache.latestEpoch == 2)
        // A lower start offset for the latest epoch replaces it.
        #expect(mutate(&cache) { $0.assign(epoch: 2, startOffset: 8) })
        #expect(cache.entries == [.init(epoch: 0, startOffset: 0), .init(epoch: 2, startOffset: 8)])
        // A new epoch starting before existing entries drops the contradicting ones.
        #expect(mutate(&cache) { $0.assign(epoch: 3, startOffset: 4) })
        #expect(cache.entries == [.init(epoch: 0, startOffset: 0), .init(epoch: 3, startOffset: 4)])
        #expect(!mutate(&cache) { $0.assign(epoch: -1, startOffset: 4) })
    }

    @Test("end offset for an epoch follows Kafka's rules")
    func endOffset() {
        let cache = LeaderEpochCache(entries: [.init(epoch: 1, startOffset: 10), .init(epoch: 3, startOffset: 50), .init(epoch: 5, startOffset: 90)])
        #expect(cache.endOffset(forEpoch: 5, logEndOffset: 120) == (5, 120))
        #expect(cache.endOffset(forEpoch: 3, logEndOffset: 120) == (3, 90))
        #expect(cache.endOffset(forEpoch: 4, logEndOffset: 120) == (3, 90))
        #expect(cache.endOffset(forEpoch: 1, logEndOffset: 120) == (1, 50))
        #expect(cache.endOffset(forEpoch: 0, logEndOffset: 120) == (0, 10))
        #expect(cache.endOffset(forEpoch: 9, logEndOffset: 120) == (-1, -1))
        #expect(cache.endOffset(forEpoch: -1, logEndOffset: 120) == (-1, -1))
        #expect(cache.epoch(forOffset: 60) == 3)
        #expect(cache.epoch(forOffset: 5) == nil)
    }

    @Test("truncation from the end and the start")
    func truncation() {
        var cache = LeaderEpochCache(entries: [.init(epoch: 1, startOffset: 10), .init(epoch: 3, startOffset: 50), .init(epoch: 5, startOffset: 90)])
        #expect(!mutate(&cache) { $0.truncateFromEnd(endOffset: 100) })
        #expect(mutate(&cache) { $0.truncateFromEnd(endOffset: 90) })
        #expect(cache.latestEpoch == 3)
        #expect(mutate(&cache) { $0.truncateFromStart(startOffset: 60) })
        #expect(cache.entries == [.init(epoch: 3, startOffset: 60)])
        #expect(!mutate(&cache) { $0.truncateFromStart(startOffset: 60) })
        #expect(!mutate(&cache) { $0.truncateFromStart(startOffset: 20) })
    }

    /// Runs a mutating call outside `#expect`, which cannot take one.
    func mutate(_ cache: inout LeaderEpochCache, _ change: (inout LeaderEpochCache) -> Bool) -> Bool {
        change(&cache)
    }
}
