import Dispatch
import KafkaRecords
import NIOCore
import Synchronization
import Testing

@testable import LogStorage

@Suite("Partition log: concurrency and file handles")
struct ConcurrencyTests {
    @Test("appends from many threads get distinct, contiguous offsets while readers read", arguments: FileSystemKind.allCases)
    func concurrentAppendsAndReads(kind: FileSystemKind) throws {
        try withScratchDirectory(kind) { scratch in
            let (log, _) = try scratch.openLog(config: smallConfig(segmentBytes: 8_000))
            let writers = 4, perWriter = 50
            let firstOffsets = Mutex<[Int64]>([])
            let failures = Mutex<[String]>([])
            DispatchQueue.concurrentPerform(iterations: writers + 2) { worker in
                do {
                    if worker < writers {
                        for _ in 0..<perWriter {
                            let result = try log.appendAsLeader(TestBatch(records: 2, valueSize: 64).bytes, leaderEpoch: 0, now: 0)
                            firstOffsets.withLock { $0.append(result.firstOffset) }
                        }
                    } else {
                        for _ in 0..<100 {
                            let end = log.logEndOffset
                            guard end > 0 else { continue }
                            let result = try log.read(from: end / 2, maxBytes: 4_096)
                            for slice in result.slices {
                                for batch in try slice.readBytes().batches { try batch.validate() }
                            }
                        }
                    }
                } catch {
                    failures.withLock { $0.append("\(error)") }
                }
            }
            #expect(failures.withLock { $0 }.isEmpty)
            let offsets = firstOffsets.withLock { $0 }.sorted()
            #expect(offsets == (0..<Int64(writers * perWriter)).map { $0 * 2 })
            #expect(try log.readAllBatches().map(\.baseOffset) == offsets)
        }
    }

    @Test("slices of the real disk give NIO a file region over the same bytes")
    func fileRegion() throws {
        try withScratchDirectory(.posix) { scratch in
            let (log, _) = try scratch.openLog()
            try log.appendBatches(3)
            let slice = try #require(try log.read(from: 1, maxBytes: 10_000).slices.first)
            let region = try #require(slice.fileRegion)
            #expect(region.readerIndex == Int(slice.position) && region.endIndex == Int(slice.position) + slice.length)
            let duplicate = try #require(try slice.file.duplicateFileHandle())
            defer { try? duplicate.close() }
            #expect(duplicate.isOpen)
        }
        try withScratchDirectory(.memory) { scratch in
            let (log, _) = try scratch.openLog()
            try log.appendBatches(1)
            #expect(try log.read(from: 0, maxBytes: 100).slices.first?.fileRegion == nil)
        }
    }
}
