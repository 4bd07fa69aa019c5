//! The audit trail's hash chain.
//!
//! Each compound's audit records form a chain: a record's hash covers its own content and
//! the previous record's hash, so changing, removing or reordering any stored record breaks
//! every link after it. Records outside any compound (accounts, regions) form chain 0.

use sha2::{Digest, Sha256};

/// The hash that starts every chain.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The content of one audit record, as it is hashed. Field order and separators are part of
/// the stored format: changing them invalidates every existing chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditContent<'a> {
    pub chain: i64,
    pub seq: i64,
    /// RFC 3339 UTC timestamp, as stored.
    pub at: &'a str,
    pub actor: Option<i64>,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: i64,
    pub before: &'a str,
    pub after: &'a str,
    /// The hash of the changed row's state after the change ([`state_hash`]), or empty for a
    /// record that changes no row the trail keeps the state of. Empty adds nothing to the
    /// link, so records written before states were kept still verify.
    pub state: &'a str,
}

/// `sha256(prev_hash ‖ content)` as lowercase hex.
pub fn link_hash(prev_hash: &str, c: &AuditContent<'_>) -> String {
    let mut h = Sha256::new();
    h.update(prev_hash.as_bytes());
    for part in [
        c.chain.to_string().as_str(),
        &c.seq.to_string(),
        c.at,
        &c.actor.map(|a| a.to_string()).unwrap_or_default(),
        c.action,
        c.entity,
        &c.entity_id.to_string(),
        c.before,
        c.after,
    ] {
        // Length-prefix every field so that moving text between fields changes the hash.
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    if !c.state.is_empty() {
        h.update((c.state.len() as u64).to_le_bytes());
        h.update(c.state.as_bytes());
    }
    hex::encode(h.finalize())
}

/// The hash of a row's state: its values as text, in a fixed column order, `None` for NULL.
/// The audit record of a change carries it, so a row edited outside linli (or whose latest
/// record was cut off the trail) no longer matches the record that claims to describe it.
pub fn state_hash<'a>(values: impl IntoIterator<Item = Option<&'a str>>) -> String {
    let mut h = Sha256::new();
    for v in values {
        match v {
            // A tag byte tells NULL from the empty text.
            None => h.update([0u8]),
            Some(v) => {
                h.update([1u8]);
                h.update((v.len() as u64).to_le_bytes());
                h.update(v.as_bytes());
            }
        }
    }
    hex::encode(h.finalize())
}

/// Why a chain does not verify, at the first record where it fails.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BrokenLink {
    /// A record is missing or out of order: `expected` was the next sequence number.
    Gap {
        chain: i64,
        expected: i64,
        found: i64,
    },
    /// The record points at a different predecessor than the one before it.
    WrongPrevious { chain: i64, seq: i64 },
    /// The record's content does not match its hash: it was altered after writing.
    Altered { chain: i64, seq: i64 },
}

impl std::fmt::Display for BrokenLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BrokenLink::Gap {
                chain,
                expected,
                found,
            } => {
                write!(
                    f,
                    "chain {chain}: record {expected} is missing (found {found} next)"
                )
            }
            BrokenLink::WrongPrevious { chain, seq } => {
                write!(
                    f,
                    "chain {chain}: record {seq} does not link to record {}",
                    seq - 1
                )
            }
            BrokenLink::Altered { chain, seq } => {
                write!(f, "chain {chain}: record {seq} was altered")
            }
        }
    }
}

/// Checks records one at a time, in sequence order, so a chain of any length verifies in
/// constant memory.
#[derive(Debug)]
pub struct ChainVerifier {
    chain: i64,
    next_seq: i64,
    prev_hash: String,
}

impl ChainVerifier {
    pub fn new(chain: i64) -> ChainVerifier {
        ChainVerifier {
            chain,
            next_seq: 1,
            prev_hash: GENESIS.to_string(),
        }
    }

    /// Feeds the next stored record: its content, the previous hash it stored, its own hash.
    pub fn check(
        &mut self,
        c: &AuditContent<'_>,
        stored_prev: &str,
        stored_hash: &str,
    ) -> Result<(), BrokenLink> {
        if c.seq != self.next_seq {
            return Err(BrokenLink::Gap {
                chain: self.chain,
                expected: self.next_seq,
                found: c.seq,
            });
        }
        if stored_prev != self.prev_hash {
            return Err(BrokenLink::WrongPrevious {
                chain: self.chain,
                seq: c.seq,
            });
        }
        if link_hash(stored_prev, c) != stored_hash {
            return Err(BrokenLink::Altered {
                chain: self.chain,
                seq: c.seq,
            });
        }
        self.prev_hash = stored_hash.to_string();
        self.next_seq += 1;
        Ok(())
    }

    /// How many records verified so far.
    pub fn verified(&self) -> i64 {
        self.next_seq - 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content(seq: i64, after: &str) -> AuditContent<'_> {
        AuditContent {
            chain: 5,
            seq,
            at: "2026-11-23T10:00:00Z",
            actor: Some(1),
            action: "household.update",
            entity: "household",
            entity_id: 8,
            before: "{}",
            after,
            state: "",
        }
    }

    fn build(afters: &[&'static str]) -> Vec<(AuditContent<'static>, String, String)> {
        let mut prev = GENESIS.to_string();
        let mut out = Vec::new();
        for (i, a) in afters.iter().enumerate() {
            let c = content(i as i64 + 1, a);
            let h = link_hash(&prev, &c);
            out.push((c, prev.clone(), h.clone()));
            prev = h;
        }
        out
    }

    fn verify(rows: &[(AuditContent<'_>, String, String)]) -> Result<i64, BrokenLink> {
        let mut v = ChainVerifier::new(5);
        for (c, p, h) in rows {
            v.check(c, p, h)?;
        }
        Ok(v.verified())
    }

    #[test]
    fn an_intact_chain_verifies() {
        assert_eq!(
            verify(&build(&["{\"a\":1}", "{\"a\":2}", "{\"a\":3}"])),
            Ok(3)
        );
    }

    #[test]
    fn an_altered_record_is_the_first_broken_link() {
        let mut rows = build(&["{\"a\":1}", "{\"a\":2}", "{\"a\":3}"]);
        rows[1].0.after = "{\"a\":999}";
        assert_eq!(verify(&rows), Err(BrokenLink::Altered { chain: 5, seq: 2 }));
    }

    #[test]
    fn a_removed_record_is_a_gap() {
        let mut rows = build(&["1", "2", "3"]);
        rows.remove(1);
        assert_eq!(
            verify(&rows),
            Err(BrokenLink::Gap {
                chain: 5,
                expected: 2,
                found: 3
            })
        );
    }

    #[test]
    fn a_rehashed_record_still_breaks_the_next_link() {
        let mut rows = build(&["1", "2", "3"]);
        rows[1].0.after = "forged";
        rows[1].2 = link_hash(&rows[1].1, &rows[1].0);
        assert_eq!(
            verify(&rows),
            Err(BrokenLink::WrongPrevious { chain: 5, seq: 3 })
        );
    }

    #[test]
    fn moving_text_between_fields_changes_the_hash() {
        let mut a = content(1, "xy");
        a.before = "";
        let mut b = content(1, "y");
        b.before = "x";
        assert_ne!(link_hash(GENESIS, &a), link_hash(GENESIS, &b));
    }

    #[test]
    fn a_record_without_state_hashes_as_before_states_were_kept() {
        // The link of a record with no state is the one earlier versions wrote (worked out by
        // hand from the stored format: sha256 of the previous hash and the length-prefixed
        // fields), so their chains still verify; a state changes the link.
        let c = content(1, "{}");
        assert_eq!(
            link_hash(GENESIS, &c),
            "f31f7f7891da1858aa968ea6d2b25bac72469cd0c76d86e9563edc62fe321d2f"
        );
        let mut with = content(1, "{}");
        with.state = "abc";
        assert_ne!(link_hash(GENESIS, &c), link_hash(GENESIS, &with));
    }

    #[test]
    fn a_state_hash_tells_null_from_empty_and_order_matters() {
        assert_ne!(state_hash([None]), state_hash([Some("")]));
        assert_ne!(
            state_hash([Some("1"), Some("2")]),
            state_hash([Some("2"), Some("1")])
        );
        assert_ne!(
            state_hash([Some("12"), Some("")]),
            state_hash([Some("1"), Some("2")])
        );
        assert_eq!(
            state_hash([Some("101"), None]),
            state_hash([Some("101"), None])
        );
    }
}
