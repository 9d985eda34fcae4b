//! The rollout estimate: how many pods a rolling update replaces at a time, and in how many waves, from the desired
//! count and the update strategy (section D: budgets from `desiredNumberScheduled`, percentages rounded up, both zero
//! means `maxUnavailable: 1`).

use std::fmt;

use k8s_openapi::api::apps::v1::DaemonSet;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use serde::Serialize;

use super::ports::host_ports;

/// How the DaemonSet's pods are replaced when its template changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rollout {
    /// `RollingUpdate` or `OnDelete` (server default: `RollingUpdate`).
    pub strategy: String,
    /// The desired pods the estimate is for.
    pub desired: usize,
    /// The unavailability budget, scaled (0 for `OnDelete`).
    pub max_unavailable: usize,
    /// The surge budget, scaled (0 for `OnDelete`).
    pub max_surge: usize,
    /// Pods replaced per wave (0 for `OnDelete` or nothing desired).
    pub pods_per_wave: usize,
    /// Waves needed to replace every desired pod (0 for `OnDelete` or nothing desired).
    pub waves: usize,
    /// `minReadySeconds`: each wave lasts at least this long after its pods are ready.
    pub min_ready_seconds: i32,
    /// What could slow or stall the rollout, and budget errors.
    pub notes: Vec<String>,
}

/// `intstr.GetScaledValueFromIntOrPercent(value, total, roundUp=true)`.
pub fn scaled(value: &IntOrString, total: usize) -> Result<usize, String> {
    match value {
        IntOrString::Int(i) => Ok(usize::try_from(*i).unwrap_or(0)),
        IntOrString::String(s) => {
            let Some(number) = s.strip_suffix('%') else {
                return Err(format!(
                    "invalid value for IntOrString: invalid type: string is not a percentage: {s:?}"
                ));
            };
            let percent: i64 = number
                .parse()
                .map_err(|_| format!("invalid value {s:?}: not a percentage"))?;
            let percent = u128::try_from(percent).unwrap_or(0);
            Ok(usize::try_from((percent * total as u128).div_ceil(100)).unwrap_or(usize::MAX))
        }
    }
}

impl Rollout {
    /// The number of waves that replace `desired` pods, `per_wave` at a time (0 when nothing is replaced).
    ///
    /// ```
    /// use daemonset::plan::Rollout;
    /// assert_eq!(Rollout::waves(500, 1), 500);
    /// assert_eq!(Rollout::waves(500, 50), 10);
    /// assert_eq!(Rollout::waves(7, 3), 3);
    /// assert_eq!(Rollout::waves(7, 0), 0);
    /// ```
    pub fn waves(desired: usize, per_wave: usize) -> usize {
        if per_wave == 0 {
            0
        } else {
            desired.div_ceil(per_wave)
        }
    }

    /// Estimates the rollout of `desired` pods, `pending` of which would stay Pending.
    pub fn estimate(ds: &DaemonSet, desired: usize, pending: usize) -> Rollout {
        let spec = ds.spec.as_ref();
        let strategy = spec.and_then(|s| s.update_strategy.as_ref());
        let kind = strategy
            .and_then(|s| s.type_.as_deref())
            .unwrap_or("RollingUpdate")
            .to_owned();
        let min_ready_seconds = spec.and_then(|s| s.min_ready_seconds).unwrap_or(0);
        let mut rollout = Rollout {
            strategy: kind,
            desired,
            max_unavailable: 0,
            max_surge: 0,
            pods_per_wave: 0,
            waves: 0,
            min_ready_seconds,
            notes: Vec::new(),
        };
        if rollout.strategy != "RollingUpdate" {
            rollout
                .notes
                .push("pods are replaced only when deleted by hand".to_owned());
            return rollout;
        }
        let rolling = strategy.and_then(|s| s.rolling_update.as_ref());
        let budget = |value: Option<&IntOrString>, default: i32, notes: &mut Vec<String>| {
            scaled(value.unwrap_or(&IntOrString::Int(default)), desired).unwrap_or_else(|e| {
                notes.push(e);
                0
            })
        };
        let mut notes = Vec::new();
        let mut max_unavailable = budget(
            rolling.and_then(|r| r.max_unavailable.as_ref()),
            1,
            &mut notes,
        );
        let max_surge = budget(rolling.and_then(|r| r.max_surge.as_ref()), 0, &mut notes);
        if desired > 0 && max_unavailable == 0 && max_surge == 0 {
            max_unavailable = 1;
        }
        let per_wave = if max_surge > 0 {
            max_surge
        } else {
            max_unavailable
        }
        .min(desired);
        rollout.max_unavailable = max_unavailable;
        rollout.max_surge = max_surge;
        rollout.pods_per_wave = per_wave;
        rollout.waves = Rollout::waves(desired, per_wave);
        let template = spec.and_then(|s| s.template.spec.as_ref());
        if max_surge > 0 && template.is_some_and(|t| host_ports(t).next().is_some()) {
            notes.push(
                "maxSurge with host ports: the surge pod cannot start beside the old one (\"didn't have free ports\"), so the rollout stalls"
                    .to_owned(),
            );
        }
        if pending > 0 && max_surge == 0 {
            if pending >= max_unavailable {
                notes.push(format!(
                    "{pending} pod(s) would stay Pending and use up maxUnavailable {max_unavailable}: the rollout stalls"
                ));
            } else {
                notes.push(format!(
                    "{pending} pod(s) would stay Pending and count as unavailable: only {} available pod(s) replaced at a time",
                    max_unavailable - pending
                ));
            }
        }
        rollout.notes.extend(notes);
        rollout
    }
}

impl fmt::Display for Rollout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.strategy != "RollingUpdate" {
            write!(
                f,
                "rollout: {}, {} pods replaced by hand",
                self.strategy, self.desired
            )?;
        } else if self.desired == 0 {
            write!(f, "rollout: RollingUpdate, nothing to replace")?;
        } else {
            let plural = |n: usize, word: &str| {
                if n == 1 {
                    format!("{n} {word}")
                } else {
                    format!("{n} {word}s")
                }
            };
            write!(
                f,
                "rollout: RollingUpdate (maxUnavailable {}, maxSurge {}): {} of {} {}",
                self.max_unavailable,
                self.max_surge,
                plural(self.waves, "wave"),
                plural(self.pods_per_wave, "pod"),
                if self.max_surge > 0 {
                    "surged"
                } else {
                    "replaced"
                },
            )?;
            if self.min_ready_seconds > 0 {
                write!(
                    f,
                    ", each at least minReadySeconds {}s",
                    self.min_ready_seconds
                )?;
            }
        }
        for note in &self.notes {
            write!(f, "; {note}")?;
        }
        Ok(())
    }
}
