//! The sending rules, as pure functions of an attempt's outcome, the attempt count, the time
//! and a random number generator (all passed in, so they are tested exactly).
//!
//! | outcome | decision |
//! |---|---|
//! | 2xx | delivered |
//! | 408, 425, 429, 5xx, timeout, connection error, broken answer | retry: exponential backoff with full jitter, capped at [`RetryPolicy::cap`], never before `Retry-After` |
//! | 401, 403, credentials refused | pause the connector until the user signs in again |
//! | any other 4xx (and 1xx/3xx, which the client never follows) | dead letter with the server's reason |

use std::time::Duration;

use chrono::{DateTime, Utc};
use rand::Rng;

use crate::connector::AttemptError;

/// A server's `Retry-After`: a number of seconds or an HTTP date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryAfter {
    Seconds(u64),
    Date(DateTime<Utc>),
}

impl RetryAfter {
    /// Parses a `Retry-After` header value: delta-seconds (`120`) or an HTTP date
    /// (`Wed, 21 Oct 2015 07:28:00 GMT`). Anything else is ignored (`None`).
    pub fn parse(value: &str) -> Option<RetryAfter> {
        let value = value.trim();
        if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
            return value.parse().ok().map(RetryAfter::Seconds);
        }
        DateTime::parse_from_rfc2822(value)
            .ok()
            .map(|date| RetryAfter::Date(date.with_timezone(&Utc)))
    }

    /// The earliest time a retry is allowed, for an answer received at `now`.
    pub fn earliest(self, now: DateTime<Utc>) -> DateTime<Utc> {
        match self {
            RetryAfter::Seconds(seconds) => {
                now + chrono::Duration::seconds(i64::try_from(seconds).unwrap_or(i64::MAX / 1000))
            }
            RetryAfter::Date(date) => date.max(now),
        }
    }
}

/// What to do with an outbox row after an attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Try again at `at`; `not_before` is the server's Retry-After bound, kept even if the
    /// row is expedited later.
    Retry {
        at: DateTime<Utc>,
        not_before: Option<DateTime<Utc>>,
    },
    /// Credentials refused: pause the connector and ask the user to sign in again.
    Pause,
    /// Refused for good: a dead letter the user can read, fix and resend.
    Dead,
}

/// Exponential backoff with full jitter: the n-th retry waits a uniformly random time in
/// `[0, min(cap, base * 2^(n-1))]`, and never less than the server's `Retry-After`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    pub base: Duration,
    pub cap: Duration,
}

impl Default for RetryPolicy {
    /// 2 s doubling up to an hour.
    fn default() -> Self {
        RetryPolicy {
            base: Duration::from_secs(2),
            cap: Duration::from_secs(3600),
        }
    }
}

impl RetryPolicy {
    /// The upper bound of the backoff window after `attempts` failed attempts (1 = first).
    pub fn window(&self, attempts: u32) -> Duration {
        let exponent = attempts.saturating_sub(1).min(64);
        let window = self.base.as_millis().saturating_mul(1u128 << exponent);
        let capped = window.min(self.cap.as_millis());
        Duration::from_millis(u64::try_from(capped).unwrap_or(u64::MAX))
    }

    /// The jittered delay after `attempts` failed attempts.
    pub fn backoff(&self, attempts: u32, rng: &mut impl Rng) -> Duration {
        let window = self.window(attempts).as_millis() as u64;
        Duration::from_millis(rng.random_range(0..=window))
    }

    /// The decision for a failed attempt (the `attempts`-th) that ended at `now`.
    pub fn decide(
        &self,
        error: &AttemptError,
        attempts: u32,
        now: DateTime<Utc>,
        rng: &mut impl Rng,
    ) -> Decision {
        match error {
            AttemptError::Status {
                status,
                retry_after,
                ..
            } => match status {
                408 | 425 | 429 | 500..=599 => self.retry(attempts, *retry_after, now, rng),
                401 | 403 => Decision::Pause,
                _ => Decision::Dead,
            },
            AttemptError::Timeout { .. }
            | AttemptError::Connect { .. }
            | AttemptError::Transport { .. } => self.retry(attempts, None, now, rng),
            AttemptError::Throttled { retry_after, .. } => {
                self.retry(attempts, *retry_after, now, rng)
            }
            AttemptError::Unauthorized { .. } => Decision::Pause,
            AttemptError::Rejected { .. } => Decision::Dead,
        }
    }

    fn retry(
        &self,
        attempts: u32,
        retry_after: Option<RetryAfter>,
        now: DateTime<Utc>,
        rng: &mut impl Rng,
    ) -> Decision {
        let delay = chrono::Duration::from_std(self.backoff(attempts, rng))
            .unwrap_or_else(|_| chrono::Duration::hours(1));
        let not_before = retry_after.map(|after| after.earliest(now));
        // At least a millisecond: a row is never due again within the pass that failed it.
        let delay = delay.max(chrono::Duration::milliseconds(1));
        let at = (now + delay).max(not_before.unwrap_or(now));
        Decision::Retry { at, not_before }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_parses_both_forms_and_ignores_garbage() {
        assert_eq!(RetryAfter::parse(" 120 "), Some(RetryAfter::Seconds(120)));
        let date = RetryAfter::parse("Wed, 21 Oct 2015 07:28:00 GMT");
        assert_eq!(
            date,
            Some(RetryAfter::Date(
                DateTime::parse_from_rfc3339("2015-10-21T07:28:00Z")
                    .unwrap()
                    .with_timezone(&Utc)
            ))
        );
        assert_eq!(RetryAfter::parse("soon"), None);
        assert_eq!(RetryAfter::parse("-5"), None);
        assert_eq!(RetryAfter::parse(""), None);
    }

    #[test]
    fn the_window_doubles_and_stops_at_the_cap() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.window(1), Duration::from_secs(2));
        assert_eq!(policy.window(2), Duration::from_secs(4));
        assert_eq!(policy.window(11), Duration::from_secs(2048));
        assert_eq!(policy.window(12), Duration::from_secs(3600));
        assert_eq!(policy.window(10_000), Duration::from_secs(3600));
    }
}
