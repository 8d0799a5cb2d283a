/// `controller.quorum.voters`: the metadata quorum's members as `id@host:port,...`, Kafka's static
/// voter list (KIP-595). In Gregor every voter is also a broker and answers quorum requests on its
/// client listener.
public struct QuorumVoters: Sendable, Hashable {
    public struct Voter: Sendable, Hashable {
        public var id: Int32
        public var host: String
        public var port: Int

        public init(id: Int32, host: String, port: Int) {
            self.id = id
            self.host = host
            self.port = port
        }
    }

    public var voters: [Voter]

    public init(_ voters: [Voter]) { self.voters = voters.sorted { $0.id < $1.id } }

    public var ids: [Int32] { voters.map(\.id) }

    public func voter(_ id: Int32) -> Voter? { voters.first { $0.id == id } }

    /// Parses the list; an empty text is an empty list.
    public static func parse(_ text: String) throws(ConfigParseError) -> QuorumVoters {
        var voters: [Voter] = []
        for raw in text.split(separator: ",") {
            let item = raw.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed()
            guard !item.isEmpty else { continue }
            let text = String(item)
            guard let at = text.firstIndex(of: "@"), let colon = text.lastIndex(of: ":"), at < colon,
                let id = Int32(text[..<at]), id >= 0, let port = Int(text[text.index(after: colon)...]), (1...65535).contains(port),
                text.index(after: at) < colon
            else { throw ConfigParseError("'\(text)' is not id@host:port") }
            guard !voters.contains(where: { $0.id == id }) else { throw ConfigParseError("voter \(id) is listed twice") }
            voters.append(Voter(id: id, host: String(text[text.index(after: at)..<colon]), port: port))
        }
        return QuorumVoters(voters)
    }

    public var description: String { voters.map { "\($0.id)@\($0.host):\($0.port)" }.joined(separator: ",") }
}

/// Why a structured config value could not be read.
public struct ConfigParseError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

extension ConfigDefinition {
    static let voterList: @Sendable (String) -> String? = { value in
        do {
            _ = try QuorumVoters.parse(value)
            return nil
        } catch let error as ConfigParseError {
            return error.description
        } catch {
            return "\(error)"
        }
    }
}
