import NIOCore
import Testing

@testable import KafkaClient

@Suite("Partitioner: Kafka's murmur2")
struct Murmur2Tests {
    /// The vectors of Kafka's `UtilsTest.testMurmur2`.
    @Test(arguments: [
        ("21", Int32(-973_932_308)),
        ("foobar", -790_332_482),
        ("a-little-bit-long-string", -985_981_536),
        ("a-little-bit-longer-string", -1_486_304_829),
        ("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58_897_971),
        ("abc", 479_470_107),
    ])
    func matchesKafka(input: String, expected: Int32) {
        #expect(Partitioner.murmur2(Array(input.utf8)) == expected)
    }

    @Test func partitionIsPositiveModuloCount() {
        // toPositive(-973932308) = 1173551340; % 7 = 1173551340 - 7 * 167650191 = 3.
        #expect(Partitioner.partition(forKey: ByteBuffer(string: "21"), partitionCount: 7) == 3)
        #expect(Partitioner.toPositive(Int32.min) == 0)
        for count in 1...20 {
            let partition = Partitioner.partition(forKey: ByteBuffer(string: "key-\(count)"), partitionCount: count)
            #expect((0..<Int32(count)).contains(partition))
        }
    }
}
