// The exchange primitives every split builtin relies on, with ranks as threads (LocalGroup):
// order, sizes, the round-robin split, results in index order for any rank count, and
// rank-0-only steps whose failure reaches every rank.
import Cluster
import Foundation
import Testing

@Suite struct ClusterTests {
    @Test(arguments: [1, 2, 3, 5])
    func allgatherReturnsEveryRanksBytesInRankOrder(size: Int) throws {
        let results = try LocalGroup.run(size: size) { team -> [[UInt8]] in
            // Different lengths per rank, including none.
            try team.allgather(Array(repeating: UInt8(team.rank), count: team.rank))
        }
        let expected = (0..<size).map { Array(repeating: UInt8($0), count: $0) }
        #expect(results.allSatisfy { $0 == expected })
    }

    @Test func floatsTravelBitForBit() throws {
        let values: [Float] = [.nan, -0.0, .infinity, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 0.1]
        let results = try LocalGroup.run(size: 3) { team in try team.allgather(floats: team.rank == 1 ? values : []) }
        for r in results {
            #expect(r[1].map(\.bitPattern) == values.map(\.bitPattern))
            #expect(r[0].isEmpty && r[2].isEmpty)
        }
    }

    @Test func broadcastHandsRootsBytesToAll() throws {
        let results = try LocalGroup.run(size: 3) { team in try team.broadcast(team.rank == 2 ? [7, 8, 9] : [1], root: 2) }
        #expect(results == [[7, 8, 9], [7, 8, 9], [7, 8, 9]])
    }

    @Test func theSplitCoversEveryIndexOnce() throws {
        for size in 1...4 {
            let shares = try LocalGroup.run(size: size) { team in Array(team.share(of: 10)) }
            #expect(shares.flatMap { $0 }.sorted() == Array(0..<10))
            let owners = try LocalGroup.run(size: size) { team in (0..<10).map(team.owner(of:)) }
            for (rank, share) in shares.enumerated() { #expect(share.allSatisfy { owners[0][$0] == rank }) }
        }
    }

    struct Job: Codable, Equatable {
        var index: Int
        var rank: Int
        var value: Float
    }

    @Test(arguments: [1, 2, 3])
    func distributeGivesAllResultsInIndexOrder(size: Int) throws {
        let results = try LocalGroup.run(size: size) { team in
            try team.distribute(7) { i in Job(index: i, rank: team.rank, value: i == 3 ? .nan : Float(i) / 3) }
        }
        for r in results {
            #expect(r.map(\.index) == Array(0..<7))
            #expect(r.map(\.rank) == (0..<7).map { $0 % size }, "round robin")
            #expect(r[3].value.isNaN)
            #expect(r[1].value == Float(1) / 3)
        }
    }

    @Test(arguments: [1, 2, 3])
    func distributeStopsAfterTheRoundOfAStop(size: Int) throws {
        let counted = try LocalGroup.run(size: size) { team in
            try team.distribute(9, stop: { $0 == 4 }) { $0 }
        }
        // The round holding job 4 finishes; no later round starts.
        let expected = min(9, (4 / size + 1) * size)
        #expect(counted.allSatisfy { $0 == Array(0..<expected) })
    }

    @Test func onRootRunsOnRankZeroAndSharesItsFailure() throws {
        let ran = NSLock()
        var ranks: [Int] = []
        let outcomes = try LocalGroup.run(size: 3) { team -> String in
            try team.onRoot {
                ran.lock(); ranks.append(team.rank); ran.unlock()
                // Nested: runs directly, no second exchange.
                try team.onRoot {}
            }
            do {
                try team.onRoot { throw ClusterError("disk full") }
                return "no error"
            } catch {
                return "\(error)"
            }
        }
        #expect(ranks == [0])
        #expect(outcomes == ["disk full", "disk full", "disk full"])
    }

    @Test func launchersAreRecognisedByTheirVariables() {
        #expect(!World.launchedByMPI([:]))
        #expect(World.launchedByMPI(["OMPI_COMM_WORLD_SIZE": "2"]))
        #expect(World.launchedByMPI(["PMIX_RANK": "0"]))
        #expect(World.launchedByMPI(["PMI_RANK": "1"]))
        #expect(!World.launchedByMPI(["PMIX_RANK": "0", "DISTILL_MPI": "0"]))
        #expect(World.launchedByMPI(["DISTILL_MPI": "1"]))
        #expect(World.shared.size == 1, "a test process is a world of one")
    }
}
