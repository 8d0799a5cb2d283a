/// What a KRaft node keeps on disk about the quorum (Kafka's `quorum-state` file, `QuorumStateData`):
/// the epoch, the leader it knows, the candidate it voted for, and the voters.
public struct QuorumState: Sendable, Hashable {
    public var leaderId: Int32
    public var leaderEpoch: Int32
    public var votedId: Int32
    public var voters: [Int32]

    public init(leaderId: Int32 = -1, leaderEpoch: Int32 = 0, votedId: Int32 = -1, voters: [Int32]) {
        self.leaderId = leaderId
        self.leaderEpoch = leaderEpoch
        self.votedId = votedId
        self.voters = voters
    }

    /// The file's JSON, in the layout Kafka writes (data_version 0).
    public var json: String {
        let voterList = voters.map { "{\"voterId\":\($0)}" }.joined(separator: ",")
        return "{\"clusterId\":\"\",\"leaderId\":\(leaderId),\"leaderEpoch\":\(leaderEpoch),\"votedId\":\(votedId),"
            + "\"appliedOffset\":0,\"currentVoters\":[\(voterList)],\"data_version\":0}"
    }

    /// Reads the file's JSON; nil if it isn't a quorum-state file.
    public init?(json: String) {
        let text = Substring(json)
        func number(after key: String, in text: Substring) -> (Int32, Substring)? {
            guard let start = text.indexAfter(marker: "\"\(key)\":") else { return nil }
            let digits = text[start...].prefix { $0 == "-" || $0.isNumber }
            guard let value = Int32(digits) else { return nil }
            return (value, text[digits.endIndex...])
        }
        guard let (leaderId, _) = number(after: "leaderId", in: text),
            let (epoch, _) = number(after: "leaderEpoch", in: text),
            let (voted, _) = number(after: "votedId", in: text)
        else { return nil }
        var voters: [Int32] = []
        var rest = text
        while let (id, after) = number(after: "voterId", in: rest) {
            voters.append(id)
            rest = after
        }
        self.init(leaderId: leaderId, leaderEpoch: epoch, votedId: voted, voters: voters)
    }
}

extension Substring {
    /// The index just past the first occurrence of `marker`.
    fileprivate func indexAfter(marker: String) -> Index? {
        let pattern = Array(marker)
        var index = startIndex
        while index < endIndex {
            if self[index...].starts(with: pattern) { return self.index(index, offsetBy: pattern.count) }
            index = self.index(after: index)
        }
        return nil
    }
}
