extension RedisWrite {
    /// `writes` with the same effect in fewer commands: the increments of one counter
    /// (`INCR`/`INCRBY` of a key, `HINCRBY` or `HINCRBYFLOAT` of a hash field) become one
    /// increment by their sum, and the `SADD`s of one set one `SADD` of their distinct members.
    ///
    /// Only exact rewrites are made. A key is coalesced only when every write that touches it is
    /// of one kind from that list (so moving them together reorders nothing that could tell), a
    /// float increment only when its amounts are whole numbers (their sum is then exact, as
    /// adding them one by one is), and a sum only while it stays within `limit` in absolute
    /// value. Everything else is kept as it is, in order; a coalesced write takes the place of
    /// the first write it replaces.
    /// - Parameters:
    ///   - writes: The commands, in the order they would run.
    ///   - limit: The largest increment a single write may carry (``IdempotentApplier/maximumIncrement``).
    /// - Returns: The coalesced commands.
    public static func coalesced(_ writes: [RedisWrite], limit: Double) -> [RedisWrite] {
        var plans: [String: CoalescingPlan] = [:]
        var slots: [Slot] = []
        for write in writes {
            guard let (kind, key, field, operand) = Self.coalescible(write) else {
                for key in write.keys { plans[key] = .kept }
                slots.append(.kept(write))
                continue
            }
            switch plans[key] {
            case .kept?:
                slots.append(.kept(write))
                continue
            case .merging(let existing)? where existing != kind:
                plans[key] = .kept
            case nil:
                plans[key] = .merging(kind)
            default:
                break
            }
            slots.append(.mergeable(write, kind: kind, key: key, field: field, operand: operand))
        }
        // Sums and members per (key, field), in order of first appearance.
        var sums: [Target: Double] = [:]
        var members: [String: (list: [RedisArgument], seen: Set<RedisArgument>)] = [:]
        for case .mergeable(_, let kind, let key, let field, let operand) in slots where plans[key] != .kept {
            let target = Target(key: key, field: field)
            switch kind {
            case .addToSet:
                for member in operand where members[key, default: ([], [])].seen.insert(member).inserted {
                    members[key]!.list.append(member)
                }
            default:
                guard let amount = Double(String(decoding: operand[0].bytes, as: UTF8.self)),
                    amount.isFinite, amount == amount.rounded()
                else {
                    plans[key] = .kept
                    continue
                }
                sums[target, default: 0] += amount
            }
        }
        for (target, sum) in sums where abs(sum) > limit || abs(sum) >= 9e15 { plans[target.key] = .kept }

        var result: [RedisWrite] = []
        var emitted = Set<Target>()
        for slot in slots {
            switch slot {
            case .kept(let write):
                result.append(write)
            case .mergeable(let write, let kind, let key, let field, _):
                guard plans[key] != .kept else {
                    result.append(write)
                    continue
                }
                let target = Target(key: key, field: field)
                guard emitted.insert(target).inserted else { continue }
                switch kind {
                case .addToSet:
                    result.append(RedisWrite(["SADD", .key(key)] + members[key]!.list.map { .argument($0) }))
                case .increment:
                    result.append(RedisWrite(["INCRBY", .key(key), .argument(RedisArgument(Int64(sums[target]!)))]))
                case .hashIncrement:
                    result.append(
                        RedisWrite(["HINCRBY", .key(key), .argument(field!), .argument(RedisArgument(Int64(sums[target]!)))]))
                case .hashFloatIncrement:
                    result.append(
                        RedisWrite([
                            "HINCRBYFLOAT", .key(key), .argument(field!), .argument(RedisArgument(String(Int64(sums[target]!)))),
                        ]))
                }
            }
        }
        return result
    }

    /// The kinds of write that ``coalesced(_:limit:)`` merges.
    private enum MergeKind: Equatable {
        case increment, hashIncrement, hashFloatIncrement, addToSet
    }

    /// Whether a key's writes are merged (all of one kind so far) or kept as they are.
    private enum CoalescingPlan: Equatable {
        case merging(MergeKind)
        case kept
    }

    /// One write in order: kept, or a candidate for merging with its parsed parts.
    private enum Slot {
        case kept(RedisWrite)
        case mergeable(RedisWrite, kind: MergeKind, key: String, field: RedisArgument?, operand: [RedisArgument])
    }

    /// A counter: a key, or a field of a hash.
    private struct Target: Hashable {
        var key: String
        var field: RedisArgument?
    }

    /// A write's kind, key, hash field and operand (the amount, or the set members) when it is
    /// one ``coalesced(_:limit:)`` may merge.
    private static func coalescible(_ write: RedisWrite)
        -> (MergeKind, key: String, field: RedisArgument?, operand: [RedisArgument])?
    {
        guard case .argument(let nameArgument)? = write.parts.first, write.parts.count >= 2,
            case .key(let key) = write.parts[1]
        else { return nil }
        var arguments: [RedisArgument] = []
        for part in write.parts.dropFirst(2) {
            guard case .argument(let argument) = part else { return nil }
            arguments.append(argument)
        }
        switch String(decoding: nameArgument.bytes, as: UTF8.self).uppercased() {
        case "INCR" where arguments.isEmpty: return (.increment, key, nil, [RedisArgument(1)])
        case "INCRBY" where arguments.count == 1:
            return Int64(arguments[0].description) == nil ? nil : (.increment, key, nil, arguments)
        case "HINCRBY" where arguments.count == 2:
            return Int64(arguments[1].description) == nil ? nil : (.hashIncrement, key, arguments[0], [arguments[1]])
        case "HINCRBYFLOAT" where arguments.count == 2: return (.hashFloatIncrement, key, arguments[0], [arguments[1]])
        case "SADD" where !arguments.isEmpty: return (.addToSet, key, nil, arguments)
        default: return nil
        }
    }
}
