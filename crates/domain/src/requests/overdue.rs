//! When a request is overdue: its deadline passed before it was met, or passed and it is still
//! unmet and not closed. The metrics count it, the lists flag it, the workers' "overdue" queue
//! selects by it, so the rule is written once here, as Rust for one request and as SQL for a
//! GROUP BY or a filter; a test in the integration suite runs the SQL on both databases over
//! the same table of cases as [`is_overdue`] and checks they agree.

use super::RequestStatus;

/// Whether a request due at `due_at`, met at `met_at` (if it was) and now in `status` is
/// overdue at `now` (all Unix seconds). A request met exactly at its deadline is on time; a
/// request closed without being met (withdrawn) is not overdue.
pub fn is_overdue(due_at: i64, met_at: Option<i64>, status: RequestStatus, now: i64) -> bool {
    match met_at {
        Some(met) => met > due_at,
        None => now > due_at && status != RequestStatus::Closed,
    }
}

/// [`is_overdue`] as a SQL boolean expression over the columns `due_at`, `met_at` and
/// `status` of `service_request`, at `now`. `now` is an integer, so formatting it into the
/// text is safe.
pub fn overdue_sql(now: i64) -> String {
    let closed = RequestStatus::Closed.as_str();
    format!("(met_at > due_at OR (met_at IS NULL AND due_at < {now} AND status <> '{closed}'))")
}

/// The cases both [`is_overdue`] and [`overdue_sql`] are checked on: (due_at, met_at, status,
/// now, expected), one per edge of the rule.
pub const CASES: &[(i64, Option<i64>, RequestStatus, i64, bool)] = &[
    (100, Some(99), RequestStatus::Resolved, 500, false),
    (100, Some(100), RequestStatus::Closed, 500, false),
    (100, Some(101), RequestStatus::Closed, 500, true),
    (100, Some(101), RequestStatus::InProgress, 50, true),
    (100, None, RequestStatus::Reported, 100, false),
    (100, None, RequestStatus::Reported, 101, true),
    (100, None, RequestStatus::Escalated, 101, true),
    (100, None, RequestStatus::Returned, 99, false),
    (100, None, RequestStatus::Closed, 101, false),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_case_of_the_rule() {
        for &(due, met, status, now, want) in CASES {
            assert_eq!(
                is_overdue(due, met, status, now),
                want,
                "{due} {met:?} {status:?} {now}"
            );
        }
    }

    #[test]
    fn the_sql_names_the_columns_and_the_closed_status() {
        assert_eq!(
            overdue_sql(7),
            "(met_at > due_at OR (met_at IS NULL AND due_at < 7 AND status <> 'closed'))"
        );
    }
}
