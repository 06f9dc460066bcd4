//! The compliance score (rule catalog section d): per-unit scores from rule verdicts,
//! the compliance rate, and the project score weighted by risk level.

use crate::catalog::Severity;
use serde::Serialize;

/// The verdict of one rule on one unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Pass,
    Fail,
    NotApplicable,
    Indeterminate,
    /// Replaced by another rule on this unit (DF-001 → EC-001 on a bound service).
    Superseded,
}

#[derive(Clone, Debug, Serialize)]
pub struct RuleVerdict {
    pub rule: String,
    pub severity: Severity,
    pub verdict: Verdict,
    /// Number of findings behind a failure.
    pub findings: usize,
}

pub fn weight(s: Severity) -> u32 {
    match s {
        Severity::Critical => 10,
        Severity::High => 6,
        Severity::Medium => 3,
        Severity::Low => 1,
        Severity::Info => 0,
    }
}

/// A failed rule and the points it costs.
#[derive(Clone, Debug, Serialize)]
pub struct Lost {
    pub rule: String,
    pub weight: u32,
    /// Points of the unit score recovered by fixing it.
    pub points: f64,
}

/// The arithmetic of one unit's score, so it can be checked by hand.
#[derive(Clone, Debug, Serialize)]
pub struct UnitScore {
    pub score: f64,
    /// `green` (≥ 90), `amber` (70–89), `red` (< 70).
    pub band: &'static str,
    pub compliant: bool,
    /// Σ weight of rules that passed.
    pub passed_weight: u32,
    /// Σ weight of rules evaluated (pass or fail).
    pub evaluated_weight: u32,
    /// Σ weight of applicable rules (evaluated + indeterminate).
    pub applicable_weight: u32,
    /// evaluated ÷ applicable, in percent.
    pub coverage: f64,
    /// A failed critical rule caps the score at 40.
    pub capped: bool,
    pub failed: Vec<Lost>,
    pub indeterminate: Vec<String>,
    /// Governance weight in the project score.
    pub governance_weight: u32,
}

/// Options that change how verdicts count.
#[derive(Clone, Copy, Debug)]
pub struct ScoreOptions {
    /// Indeterminate counts as failure.
    pub strict: bool,
    /// Failures at or above this make a unit non-compliant.
    pub blocking: Severity,
}

impl Default for ScoreOptions {
    fn default() -> Self {
        ScoreOptions {
            strict: false,
            blocking: Severity::Medium,
        }
    }
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

pub fn band(score: f64) -> &'static str {
    if score >= 90.0 {
        "green"
    } else if score >= 70.0 {
        "amber"
    } else {
        "red"
    }
}

/// Governance weight of a client-configuration server entry (catalog d.1).
pub const CLIENT_ENTRY_WEIGHT: u32 = 1;

/// Governance weight: high 3, hub 3, medium 2, low 1, unknown 2 (client entries:
/// [`CLIENT_ENTRY_WEIGHT`]).
pub fn governance_weight(level: Option<&str>, hub: bool) -> u32 {
    if hub {
        return 3;
    }
    match level.map(str::to_ascii_lowercase).as_deref() {
        Some("high") => 3,
        Some("low") => 1,
        _ => 2,
    }
}

/// Score one unit from its verdicts.
pub fn unit_score(
    verdicts: &[RuleVerdict],
    opts: ScoreOptions,
    governance_weight: u32,
) -> UnitScore {
    let mut passed = 0;
    let mut evaluated = 0;
    let mut applicable = 0;
    let mut failed: Vec<(String, u32, Severity)> = Vec::new();
    let mut indeterminate = Vec::new();
    let mut capped = false;
    for v in verdicts {
        let w = weight(v.severity);
        let verdict = match v.verdict {
            Verdict::Indeterminate if opts.strict => Verdict::Fail,
            other => other,
        };
        match verdict {
            Verdict::Pass => {
                passed += w;
                evaluated += w;
                applicable += w;
            }
            Verdict::Fail => {
                evaluated += w;
                applicable += w;
                if v.severity == Severity::Critical {
                    capped = true;
                }
                failed.push((v.rule.clone(), w, v.severity));
            }
            Verdict::Indeterminate => {
                applicable += w;
                indeterminate.push(v.rule.clone());
            }
            Verdict::NotApplicable | Verdict::Superseded => {}
        }
    }
    let raw = if evaluated == 0 {
        100.0
    } else {
        100.0 * passed as f64 / evaluated as f64
    };
    let score = round1(if capped { raw.min(40.0) } else { raw });
    let compliant = !failed.iter().any(|(_, _, s)| *s >= opts.blocking);
    failed.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let failed = failed
        .into_iter()
        .map(|(rule, w, _)| Lost {
            rule,
            weight: w,
            points: if evaluated == 0 {
                0.0
            } else {
                round1(100.0 * w as f64 / evaluated as f64)
            },
        })
        .collect();
    UnitScore {
        score,
        band: band(score),
        compliant,
        passed_weight: passed,
        evaluated_weight: evaluated,
        applicable_weight: applicable,
        coverage: if applicable == 0 {
            100.0
        } else {
            round1(100.0 * evaluated as f64 / applicable as f64)
        },
        capped,
        failed,
        indeterminate,
        governance_weight,
    }
}

/// Project-wide numbers.
#[derive(Clone, Debug, Serialize)]
pub struct ProjectScore {
    /// Scored units.
    pub units: usize,
    pub compliant_units: usize,
    /// 100 × compliant ÷ units (100 when there is no scored unit).
    pub compliance_rate: f64,
    /// Σ g·score ÷ Σ g.
    pub project_score: f64,
    pub band: &'static str,
}

pub fn project_score(units: &[&UnitScore]) -> ProjectScore {
    let n = units.len();
    let compliant = units.iter().filter(|u| u.compliant).count();
    let gw: u32 = units.iter().map(|u| u.governance_weight).sum();
    let ps = if gw == 0 {
        100.0
    } else {
        units
            .iter()
            .map(|u| u.governance_weight as f64 * u.score)
            .sum::<f64>()
            / gw as f64
    };
    let ps = round1(ps);
    ProjectScore {
        units: n,
        compliant_units: compliant,
        compliance_rate: if n == 0 {
            100.0
        } else {
            round1(100.0 * compliant as f64 / n as f64)
        },
        project_score: ps,
        band: band(ps),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(rule: &str, severity: Severity, verdict: Verdict) -> RuleVerdict {
        RuleVerdict {
            rule: rule.into(),
            severity,
            verdict,
            findings: 0,
        }
    }

    #[test]
    fn worked_example_github_mcp() {
        // Catalog d.2: 140 applicable weight, 36 lost → 74.3.
        let mut vs = Vec::new();
        // Failed: 9 mediums (27) + MD-006/007 (6) = 11 mediums = 33, 3 lows... use the table:
        for r in [
            "CS-004", "CS-005", "CS-006", "CS-007", "CS-009", "SE-003", "SC-001", "MD-004",
            "MD-005", "MD-006", "MD-007",
        ] {
            vs.push(v(r, Severity::Medium, Verdict::Fail));
        }
        for r in ["CS-016", "MD-009", "MD-010"] {
            vs.push(v(r, Severity::Low, Verdict::Fail));
        }
        // Passing weight to reach 140: 104 = 3 crit (30) + 7 high (42) + 9 medium (27) + 5 low (5).
        for i in 0..3 {
            vs.push(v(&format!("C{i}"), Severity::Critical, Verdict::Pass));
        }
        for i in 0..7 {
            vs.push(v(&format!("H{i}"), Severity::High, Verdict::Pass));
        }
        for i in 0..9 {
            vs.push(v(&format!("M{i}"), Severity::Medium, Verdict::Pass));
        }
        for i in 0..5 {
            vs.push(v(&format!("L{i}"), Severity::Low, Verdict::Pass));
        }
        vs.push(v("DF-001", Severity::High, Verdict::Superseded));
        let s = unit_score(&vs, ScoreOptions::default(), 2);
        assert_eq!(s.evaluated_weight, 140);
        assert_eq!(s.passed_weight, 104);
        assert_eq!(s.score, 74.3);
        assert_eq!(s.band, "amber");
        assert!(!s.compliant);
        assert_eq!(s.coverage, 100.0);
    }

    #[test]
    fn critical_cap_indeterminate_and_strict() {
        let vs = vec![
            v("A", Severity::Critical, Verdict::Fail),
            v("B", Severity::Low, Verdict::Pass),
            v("C", Severity::High, Verdict::Pass),
            v("D", Severity::Medium, Verdict::Indeterminate),
        ];
        let s = unit_score(&vs, ScoreOptions::default(), 2);
        assert!(s.capped);
        assert_eq!(s.score, 40.0);
        assert_eq!(s.applicable_weight, 20);
        assert_eq!(s.coverage, 85.0);
        let vs = vec![
            v("B", Severity::Low, Verdict::Pass),
            v("D", Severity::Medium, Verdict::Indeterminate),
        ];
        let s = unit_score(&vs, ScoreOptions::default(), 2);
        assert!(s.compliant);
        assert_eq!(s.score, 100.0);
        let s = unit_score(
            &vs,
            ScoreOptions {
                strict: true,
                ..Default::default()
            },
            2,
        );
        assert!(!s.compliant);
        assert_eq!(s.score, 25.0);
    }

    #[test]
    fn low_failures_keep_a_unit_compliant_and_project_weights() {
        let a = unit_score(
            &[
                v("L", Severity::Low, Verdict::Fail),
                v("M", Severity::Medium, Verdict::Pass),
            ],
            ScoreOptions::default(),
            3,
        );
        assert!(a.compliant);
        assert_eq!(a.score, 75.0);
        let b = unit_score(
            &[v("M", Severity::Medium, Verdict::Fail)],
            ScoreOptions::default(),
            1,
        );
        let p = project_score(&[&a, &b]);
        assert_eq!(p.compliance_rate, 50.0);
        assert_eq!(p.project_score, round1((3.0 * 75.0) / 4.0));
        assert_eq!(governance_weight(Some("HIGH"), false), 3);
        assert_eq!(governance_weight(None, true), 3);
        assert_eq!(governance_weight(None, false), 2);
    }
}
