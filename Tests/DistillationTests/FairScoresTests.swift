// DD-Ranking's measures on fractions: the definitions worked by hand, the map into [0, 1], and
// mean ± std over runs.
import Distillation
import Foundation
import Testing

@Test func fairScoresFollowTheirDefinitions() {
    let run = ScoreRun(set: 0.82, random: 0.74, setPlain: 0.78, randomPlain: 0.72, full: 0.91)
    #expect(abs(run.hlr - 0.09) < 1e-6 && abs(run.ior - 0.08) < 1e-6)
    // LRS: a = (IOR − HLR) / 2 = −0.005; ARS: b = (0.08 + 0.06) / 2 = 0.07.
    let map = { (x: Double) in (exp(x) - exp(-1)) / (exp(1) - exp(-1)) }
    #expect(abs(run.lrs - map(-0.005)) < 1e-6 && abs(run.lrs - 0.266819) < 1e-5)
    #expect(abs(run.ars - map(0.07)) < 1e-6)
    #expect(FairScores.normalised(-1) == 0 && abs(FairScores.normalised(1) - 1) < 1e-12)
    // Percentages instead of fractions (DD-Ranking v0.2.0's slip) would leave [0, 1]: ours stay in it.
    for set in stride(from: Float(0), through: 1, by: 0.25) {
        let extreme = ScoreRun(set: set, random: 1 - set, setPlain: set, randomPlain: 1 - set, full: 1)
        #expect((0...1).contains(extreme.lrs) && (0...1).contains(extreme.ars))
    }
}

@Test func fairScoresSpreadOverRuns() {
    let runs = [ScoreRun(set: 0.8, random: 0.7, setPlain: 0.8, randomPlain: 0.7, full: 0.9),
                ScoreRun(set: 0.6, random: 0.7, setPlain: 0.6, randomPlain: 0.7, full: 0.9)]
    let s = FairScores(runs: runs)
    #expect(abs(s.ior.mean - 0) < 1e-6 && abs(s.ior.std - 0.1) < 1e-6)   // population std, as evaluate's
    #expect(abs(s.hlr.mean - 0.2) < 1e-6)
    #expect(abs(s.accuracy(\.set).mean - 0.7) < 1e-6)
    #expect(FairScores(runs: []).lrs.mean.isNaN)
}
