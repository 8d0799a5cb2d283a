/// A timed list of faults to inject while a bench runs (`--faults`), parsed from text such as
/// `10s kill leader(orders,0); 20s restart all; 25s pause controller; 30s resume all`.
///
/// Each entry is `TIME ACTION TARGET`; TIME counts from the start of the run. Targets are a node id,
/// `all` (every broker, one after another), or a role resolved through Kafka APIs when the fault
/// fires: `leader(TOPIC,PARTITION)`, `controller` (the quorum's leader), `coordinator(GROUP)`.
public struct FaultSchedule: Sendable, Hashable {
    /// The process faults a bench can inject (network and disk faults come with the brokers' fault seams).
    public enum Action: String, Sendable, Hashable, CaseIterable {
        case kill, restart, pause, resume
    }

    /// Which broker a fault hits.
    public enum Target: Sendable, Hashable, CustomStringConvertible {
        case node(Int32)
        case all
        case leader(topic: String, partition: Int32)
        case controller
        case coordinator(group: String)

        public var description: String {
            switch self {
            case .node(let id): "\(id)"
            case .all: "all"
            case .leader(let topic, let partition): "leader(\(topic),\(partition))"
            case .controller: "controller"
            case .coordinator(let group): "coordinator(\(group))"
            }
        }
    }

    public struct Entry: Sendable, Hashable, CustomStringConvertible {
        public var at: Duration
        public var action: Action
        public var target: Target

        public init(at: Duration, action: Action, target: Target) {
            self.at = at
            self.action = action
            self.target = target
        }

        public var description: String { "\(at.benchText) \(action.rawValue) \(target)" }
    }

    public var entries: [Entry]

    public init(entries: [Entry]) {
        self.entries = entries.sorted { $0.at < $1.at }
    }

    public init(parsing text: String) throws(BenchError) {
        var entries: [Entry] = []
        for part in text.split(separator: ";") where !part.trimmingSpaces.isEmpty {
            let words = part.trimmingSpaces.split(separator: " ", maxSplits: 2).map(String.init)
            guard words.count == 3 else { throw BenchError("a fault is TIME ACTION TARGET (say '10s kill 2'); got '\(part.trimmingSpaces)'") }
            let at = try Duration(benchText: words[0])
            guard let action = Action(rawValue: words[1].lowercased()) else {
                throw BenchError("unknown fault '\(words[1])' in '\(part.trimmingSpaces)': use \(Action.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            entries.append(Entry(at: at, action: action, target: try Self.target(words[2].replacingSpaces)))
        }
        guard !entries.isEmpty else { throw BenchError("--faults has no fault in it") }
        self.init(entries: entries)
    }

    static func target(_ text: String) throws(BenchError) -> Target {
        if let id = Int32(text), id >= 0 { return .node(id) }
        switch text.lowercased() {
        case "all": return .all
        case "controller": return .controller
        default: break
        }
        func arguments(_ name: String) -> [String]? {
            guard text.lowercased().hasPrefix(name + "("), text.hasSuffix(")") else { return nil }
            return text.dropFirst(name.count + 1).dropLast().split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
        if let args = arguments("leader") {
            guard args.count == 2, !args[0].isEmpty, let partition = Int32(args[1]), partition >= 0 else {
                throw BenchError("leader(TOPIC,PARTITION) names a topic and a partition number; got '\(text)'")
            }
            return .leader(topic: args[0], partition: partition)
        }
        if let args = arguments("coordinator") {
            guard args.count == 1, !args[0].isEmpty else { throw BenchError("coordinator(GROUP) names a group; got '\(text)'") }
            return .coordinator(group: args[0])
        }
        throw BenchError("unknown fault target '\(text)': a node id, all, controller, leader(TOPIC,PARTITION) or coordinator(GROUP)")
    }

    public var description: String { entries.map(\.description).joined(separator: "; ") }
}

extension String {
    var replacingSpaces: String { filter { $0 != " " } }
}

extension Duration {
    /// `10s`, `1.5s`, `250ms`: a schedule's times as they are written.
    var benchText: String {
        let millis = nanoseconds / 1_000_000
        if millis % 1000 == 0 { return "\(millis / 1000)s" }
        if millis < 1000 { return "\(millis)ms" }
        return "\(Double(millis) / 1000)s"
    }
}
