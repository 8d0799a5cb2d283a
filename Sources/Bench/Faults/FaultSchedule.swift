/// A timed list of faults to inject while a bench runs (`--faults`), parsed from text such as
/// `10s kill leader(orders,0); 20s restart all; 30s isolate 2; 40s heal; 45s latency 3 50ms`.
///
/// Each entry is `TIME ACTION TARGET [AMOUNT]`; TIME counts from the start of the run. Targets are a
/// node id, `all` (every broker, one after another), or a role resolved through Kafka APIs when the
/// fault fires: `leader(TOPIC,PARTITION)`, `controller` (the quorum's leader), `coordinator(GROUP)`.
/// `heal` without a target heals every broker. `latency` and `slow-disk` take milliseconds (`50ms`),
/// `drop` a percentage (`10%`).
public struct FaultSchedule: Sendable, Hashable {
    /// The faults a bench can inject: process signals, and the network and disk faults of the
    /// brokers' fault seams (`gregor fault`).
    public enum Action: String, Sendable, Hashable, CaseIterable {
        case kill, restart, pause, resume, isolate, heal, latency, drop
        case slowDisk = "slow-disk"
        case diskFull = "disk-full"

        /// Whether the action takes an amount: milliseconds or a percentage.
        var takesAmount: Bool { self == .latency || self == .drop || self == .slowDisk }
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
        /// Milliseconds for latency and slow-disk, percent for drop.
        public var amount: Double?

        public init(at: Duration, action: Action, target: Target, amount: Double? = nil) {
            self.at = at
            self.action = action
            self.target = target
            self.amount = amount
        }

        public var description: String { "\(at.benchText) \(action.rawValue) \(target)" + (amountText.map { " " + $0 } ?? "") }

        /// `50ms` or `10%`.
        var amountText: String? {
            guard let amount else { return nil }
            let number = amount == amount.rounded() ? "\(Int(amount))" : "\(amount)"
            return action == .drop ? number + "%" : number + "ms"
        }
    }

    public var entries: [Entry]

    public init(entries: [Entry]) {
        self.entries = entries.sorted { $0.at < $1.at }
    }

    public init(parsing text: String) throws(BenchError) {
        var entries: [Entry] = []
        for part in text.split(separator: ";") where !part.trimmingSpaces.isEmpty {
            entries.append(try Self.entry(part.trimmingSpaces))
        }
        guard !entries.isEmpty else { throw BenchError("--faults has no fault in it") }
        self.init(entries: entries)
    }

    /// One `TIME ACTION TARGET [AMOUNT]`.
    static func entry(_ text: String) throws(BenchError) -> Entry {
        var words = text.split(separator: " ").map(String.init)
        guard words.count >= 2 else { throw BenchError("a fault is TIME ACTION TARGET (say '10s kill 2'); got '\(text)'") }
        let at = try Duration(benchText: words.removeFirst())
        let name = words.removeFirst()
        guard let action = Action(rawValue: name.lowercased()) else {
            throw BenchError("unknown fault '\(name)' in '\(text)': use \(Action.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var amount: Double?
        if action.takesAmount {
            guard words.count >= 2, let last = words.last else {
                throw BenchError("\(action.rawValue) needs a target and an amount (say '10s \(action.rawValue) 2 \(action == .drop ? "10%" : "50ms")'); got '\(text)'")
            }
            amount = try Self.amount(last, for: action)
            words.removeLast()
        }
        if words.isEmpty, action == .heal { return Entry(at: at, action: action, target: .all) }
        guard !words.isEmpty else { throw BenchError("a fault is TIME ACTION TARGET (say '10s kill 2'); got '\(text)'") }
        return Entry(at: at, action: action, target: try Self.target(words.joined()), amount: amount)
    }

    /// `50ms` (a bare number is milliseconds too, or `1s`) for latency and slow-disk, `10%` (or `10`) for drop.
    static func amount(_ text: String, for action: Action) throws(BenchError) -> Double {
        if action == .drop {
            let number = text.hasSuffix("%") ? String(text.dropLast()) : text
            guard let percent = Double(number), (0...100).contains(percent) else { throw BenchError("drop takes a percentage from 0 to 100, like 10%; got '\(text)'") }
            return percent
        }
        if let millis = Double(text), millis >= 0 { return millis }
        guard let duration = try? Duration(benchText: text) else { throw BenchError("\(action.rawValue) takes a time like 50ms; got '\(text)'") }
        return Double(duration.nanoseconds / 1_000_000)
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
