//! How a ballot was cast, and the evidence that makes it stand.
//!
//! Many owners are elderly or live elsewhere, so most ballots do not come from the owner's own
//! phone: a building head records a signed form at the door, a relative votes by written
//! proxy, an owner abroad agrees by video, the committee enters paper forms. A decision can be
//! challenged in court within a year (Civil Code Art. 280), and a ballot someone else entered
//! is only as good as what shows the owner meant it. So each way of casting names the evidence
//! it needs, and a ballot without it is refused when entered, not discovered missing later.

use super::electorate::VoterKey;
use crate::authz::Action;
use crate::error::{FieldError, Invalid};
use crate::lang::Lang;
use serde::{Deserialize, Serialize};

crate::text_enum! {
    pub enum CastMethod {
        /// By the voter, signed in.
        Online = "online",
        /// Recorded by a building head or volunteer at the door.
        Assisted = "assisted",
        /// By someone holding the voter's written authorisation.
        Proxy = "proxy",
        /// By phone or video, with a witness.
        Remote = "remote",
        /// A paper form entered by the committee.
        Paper = "paper",
    }
}

/// What backs a ballot; blank text counts as missing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    /// The account that entered the ballot for the voter.
    pub recorded_by: Option<i64>,
    /// A stored file: photo of the signed form, audio note, or the proxy's authorisation.
    pub file: Option<String>,
    /// Who witnessed a remote ballot.
    pub witness: Option<String>,
    pub note: Option<String>,
}

fn present(s: &Option<String>) -> bool {
    s.as_deref().is_some_and(|s| !s.trim().is_empty())
}

impl CastMethod {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            CastMethod::Online => lang.pick("本人网上投票", "Online, by the owner"),
            CastMethod::Assisted => lang.pick("上门代录", "Recorded at the door"),
            CastMethod::Proxy => lang.pick("委托代理", "By proxy"),
            CastMethod::Remote => lang.pick("电话或视频", "By phone or video"),
            CastMethod::Paper => lang.pick("纸质表决票", "Paper form"),
        }
    }

    /// What whoever enters a ballot this way must be allowed to do at the proposal's place, if
    /// anything: the voter's own online ballot and a co-owner handing in the designated
    /// voter's signed authorisation need nothing more; paper forms are the committee's; the
    /// other ways are recorded by building and unit heads, grid workers and volunteers.
    pub fn required_action(self, by_co_owner: bool) -> Option<Action> {
        match self {
            CastMethod::Online => None,
            CastMethod::Proxy if by_co_owner => None,
            CastMethod::Paper => Some(Action::ManageDecision),
            CastMethod::Assisted | CastMethod::Proxy | CastMethod::Remote => {
                Some(Action::RecordBallot)
            }
        }
    }

    /// The sentence shown when this method's evidence is missing.
    pub fn evidence_needed(self, lang: Lang) -> &'static str {
        match self {
            CastMethod::Online => lang.pick("无需凭证", "needs no evidence"),
            CastMethod::Assisted => lang.pick(
                "请上传签字的表决票照片或录音",
                "needs a photo of the signed form or an audio note",
            ),
            CastMethod::Proxy => lang.pick(
                "请上传业主签字的授权委托书",
                "needs the owner's signed authorisation",
            ),
            CastMethod::Remote => lang.pick("请写明见证人", "needs the name of who witnessed it"),
            CastMethod::Paper => {
                lang.pick("请上传纸质表决票的照片", "needs a photo of the paper form")
            }
        }
    }

    /// Whether the evidence is enough for this method; every missing field is reported.
    pub fn check(self, evidence: &Evidence) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        let needs = Invalid::NeedsEvidence { method: self };
        match self {
            CastMethod::Online => {}
            CastMethod::Assisted => {
                if evidence.recorded_by.is_none() {
                    errors.push(FieldError::new("recorded_by", Invalid::Required));
                }
                if !present(&evidence.file) {
                    errors.push(FieldError::new("file", needs));
                }
            }
            CastMethod::Proxy | CastMethod::Paper => {
                if !present(&evidence.file) {
                    errors.push(FieldError::new("file", needs));
                }
            }
            CastMethod::Remote => {
                if !present(&evidence.witness) {
                    errors.push(FieldError::new("witness", needs));
                }
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

crate::text_enum! {
    /// On whose authority a ballot was cast: what the register shows beside who cast it.
    pub enum Authority {
        /// The voter's own decision, whoever typed it in (online, at the door, by phone, on
        /// paper).
        Own = "own",
        /// The voter's signed authorisation, held by someone else who cast it.
        Proxy = "proxy",
        /// The developer's letter of authorisation, held by its representative.
        DeveloperLetter = "developer_letter",
    }
}

impl Authority {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Authority::Own => lang.pick("投票人本人意见", "the voter's own"),
            Authority::Proxy => {
                lang.pick("投票人签字的授权委托书", "the voter's signed authorisation")
            }
            Authority::DeveloperLetter => lang.pick(
                "开发建设单位授权委托书",
                "the developer's letter of authorisation",
            ),
        }
    }

    /// The authority a ballot for `voter` cast this way stands on, or why none may be cast:
    /// nobody speaks for a flat without an owner, and the developer's one vote is cast only by
    /// its representative with a letter of authorisation (a proxy ballot).
    pub fn of(
        method: CastMethod,
        voter: VoterKey,
        household: &str,
    ) -> Result<Authority, FieldError> {
        match (voter, method) {
            (VoterKey::Household(_), _) => Err(FieldError::new(
                "household_id",
                Invalid::Ownerless {
                    household: household.to_string(),
                },
            )),
            (VoterKey::Developer, CastMethod::Proxy) => Ok(Authority::DeveloperLetter),
            (VoterKey::Developer, _) => Err(FieldError::new(
                "method",
                Invalid::DeveloperNeedsAuthorisation,
            )),
            (VoterKey::Person(_), CastMethod::Proxy) => Ok(Authority::Proxy),
            (VoterKey::Person(_), _) => Ok(Authority::Own),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paper_is_the_committees_and_a_co_owner_may_hand_in_a_proxy() {
        use CastMethod::*;
        assert_eq!(Online.required_action(false), None);
        assert_eq!(Paper.required_action(true), Some(Action::ManageDecision));
        assert_eq!(Proxy.required_action(true), None);
        assert_eq!(Proxy.required_action(false), Some(Action::RecordBallot));
        assert_eq!(Assisted.required_action(true), Some(Action::RecordBallot));
        assert_eq!(Remote.required_action(false), Some(Action::RecordBallot));
    }

    fn ev(recorded_by: Option<i64>, file: Option<&str>, witness: Option<&str>) -> Evidence {
        Evidence {
            recorded_by,
            file: file.map(Into::into),
            witness: witness.map(Into::into),
            note: None,
        }
    }

    fn fields(method: CastMethod, e: &Evidence) -> Vec<String> {
        match method.check(e) {
            Ok(()) => vec![],
            Err(es) => es.into_iter().map(|e| e.field.into_owned()).collect(),
        }
    }

    #[test]
    fn each_method_needs_its_evidence() {
        use CastMethod::*;
        let none = ev(None, None, None);
        let blank = ev(None, Some("  "), Some(""));
        let full = ev(Some(7), Some("ballots/3/form.jpg"), Some("楼栋长 王芳"));
        let no_file = ev(Some(7), None, None);
        let audio = ev(None, Some("a.m4a"), None);
        let auth = ev(None, Some("auth.pdf"), None);
        let witnessed = ev(None, None, Some("李明"));
        #[rustfmt::skip]
        let cases: Vec<(CastMethod, &Evidence, Vec<&str>)> = vec![
            (Online, &none, vec![]),
            (Assisted, &none, vec!["recorded_by", "file"]),
            (Assisted, &blank, vec!["recorded_by", "file"]),
            (Assisted, &no_file, vec!["file"]),
            (Assisted, &audio, vec!["recorded_by"]),
            (Assisted, &full, vec![]),
            (Proxy, &none, vec!["file"]),
            (Proxy, &auth, vec![]),
            (Remote, &none, vec!["witness"]),
            (Remote, &blank, vec!["witness"]),
            (Remote, &witnessed, vec![]),
            (Paper, &none, vec!["file"]),
            (Paper, &full, vec![]),
        ];
        for (method, evidence, expected) in cases {
            assert_eq!(
                fields(method, evidence),
                expected,
                "{method:?} {evidence:?}"
            );
        }
    }

    #[test]
    fn messages_name_the_field_and_what_is_missing() {
        let errors = CastMethod::Assisted
            .check(&Evidence::default())
            .unwrap_err();
        assert_eq!(errors[0].message(Lang::Zh), "代录人：必须填写");
        assert_eq!(
            errors[1].message(Lang::Zh),
            "凭证：请上传签字的表决票照片或录音"
        );
        assert_eq!(
            errors[1].message(Lang::En),
            "Evidence needs a photo of the signed form or an audio note"
        );
        let errors = CastMethod::Remote.check(&Evidence::default()).unwrap_err();
        assert_eq!(
            errors[0].message(Lang::En),
            "Witness needs the name of who witnessed it"
        );
        assert_eq!(errors[0].error.code(), "needs_evidence");
    }

    #[test]
    fn authority_follows_the_voter_and_the_way() {
        use CastMethod::*;
        let p = VoterKey::Person(1);
        #[rustfmt::skip]
        let cases: Vec<(CastMethod, VoterKey, Result<Authority, &str>)> = vec![
            (Online, p, Ok(Authority::Own)),
            (Assisted, p, Ok(Authority::Own)),
            (Remote, p, Ok(Authority::Own)),
            (Paper, p, Ok(Authority::Own)),
            (Proxy, p, Ok(Authority::Proxy)),
            (Proxy, VoterKey::Developer, Ok(Authority::DeveloperLetter)),
            (Paper, VoterKey::Developer, Err("developer_needs_authorisation")),
            (Online, VoterKey::Developer, Err("developer_needs_authorisation")),
            (Proxy, VoterKey::Household(7), Err("ownerless")),
            (Paper, VoterKey::Household(7), Err("ownerless")),
        ];
        for (method, voter, want) in cases {
            let got = Authority::of(method, voter, "1栋 1单元 101").map_err(|e| e.error.code());
            assert_eq!(got, want, "{method:?} {voter:?}");
        }
        let err = Authority::of(Paper, VoterKey::Household(7), "1栋 1单元 101").unwrap_err();
        assert_eq!(
            err.message(Lang::Zh),
            "户：1栋 1单元 101 没有登记业主：计入总数，但无法为其投票。请先在房屋页面登记业主（本次表决的名单已冻结，不再变动）"
        );
        for a in [Authority::Own, Authority::Proxy, Authority::DeveloperLetter] {
            assert_eq!(Authority::parse(a.as_str()), Ok(a));
        }
    }

    #[test]
    fn codes_round_trip() {
        for m in CastMethod::ALL {
            assert_eq!(CastMethod::parse(m.as_str()), Ok(m));
            assert!(!m.label(Lang::Zh).is_empty());
        }
        assert_eq!(CastMethod::parse("fax"), Err(Invalid::BadChoice));
    }
}
