//! 纹江花园's decisions in the demo, written through the same services the pages call: the
//! elevator vote of 7单元 that passed (ballots of all five ways, a changed ballot, door
//! knocking, the result published), 1单元's vote open now at about 60% turnout with its
//! door-knocking list (the owner persona has not voted yet), a proposal under deliberation
//! with the committee's answers, a council meeting, and the election of the
//! self-management committee.

use crate::{DEMO_PHOTO, DemoLogin, Scene, Step, compound_named, units_of};
use linli_domain::authz::Role;
use linli_store::Store;
use linli_store::accounts::Actor;
use linli_store::entity::{compound, household};
use linli_store::files::Purpose;
use linli_store::paths;
use linli_store::proposals::{
    AgendaInput, AssignInput, BallotInput, CommentInput, ElectionBallotInput, ElectionInput,
    MeetingInput, NominationInput, OpenVotingInput, ProposalInput, StageRequest, VisitInput,
};

/// How a recorded ballot was cast, in turn: the four ways besides the owner's own online vote.
#[derive(Clone, Copy)]
enum Way {
    Assisted,
    Proxy,
    Remote,
    Paper,
}

const WAYS: [Way; 4] = [Way::Assisted, Way::Proxy, Way::Remote, Way::Paper];

/// Records one ballot for a household the way `way` says, with its evidence: the photo of
/// the signed form (assisted, paper), the authorisation (proxy), the witness (remote).
#[expect(
    clippy::too_many_arguments,
    reason = "a demo step: who helps, who records, where, and the ballot itself"
)]
async fn record(
    s: &Scene,
    helper: &Actor,
    committee: &Actor,
    c: &compound::Model,
    id: i64,
    h: &household::Model,
    way: Way,
    choice: &str,
) -> anyhow::Result<()> {
    let by = match way {
        Way::Paper => s.now_as(committee),
        _ => s.now_as(helper),
    };
    let by = &by;
    let photo = |name: &'static str| async move {
        s.store
            .save_file(by, c.id, Purpose::Evidence, name, DEMO_PHOTO.to_vec())
            .await
            .step("evidence photo")
            .map(|f| f.id)
    };
    let mut input = BallotInput {
        choice: choice.into(),
        household_id: Some(h.id),
        ..Default::default()
    };
    match way {
        Way::Assisted => {
            input.method = "assisted".into();
            input.evidence_id = Some(photo("同意书.jpg").await?);
            input.note = "老人行动不便，在家中代为填写，本人签字".into();
        }
        Way::Proxy => {
            input.method = "proxy".into();
            input.evidence_id = Some(photo("授权委托书.jpg").await?);
            input.proxy_name = "女儿（持授权委托书）".into();
        }
        Way::Remote => {
            input.method = "remote".into();
            input.witness = format!("{}（视频连线）", helper.name);
            input.note = "业主在外地，视频确认".into();
        }
        Way::Paper => {
            input.method = "paper".into();
            input.evidence_id = Some(photo("纸质表决票.jpg").await?);
        }
    }
    s.store
        .cast_ballot(by, id, &input)
        .await
        .step("recorded ballot")?;
    Ok(())
}

async fn propose(
    s: &Scene,
    by: &Actor,
    c: &compound::Model,
    input: ProposalInput,
) -> anyhow::Result<i64> {
    let p = s
        .store
        .create_proposal(&s.now_as(by), c.id, &input)
        .await
        .step("proposal")?;
    s.store
        .change_stage(&s.now_as(by), p.id, StageRequest::Submit)
        .await
        .step("submit")?;
    Ok(p.id)
}

async fn comment(
    s: &Scene,
    by: &Actor,
    id: i64,
    body: &str,
    parent: Option<i64>,
    official: bool,
) -> anyhow::Result<i64> {
    let input = CommentInput {
        body: body.into(),
        parent_id: parent,
        official,
    };
    Ok(s.store
        .add_comment(&s.now_as(by), id, &input)
        .await
        .step("comment")?
        .id)
}

async fn open_vote(
    s: &Scene,
    committee: &Actor,
    id: i64,
    last_day: time::Date,
) -> anyhow::Result<()> {
    let input = OpenVotingInput {
        deadline: last_day.to_string(),
        confirm_ownerless: true,
    };
    s.store
        .open_voting(&s.now_as(committee), id, &input)
        .await
        .step("open voting")?;
    Ok(())
}

async fn visit(
    s: &Scene,
    by: &Actor,
    id: i64,
    h: &household::Model,
    outcome: &str,
    note: &str,
) -> anyhow::Result<()> {
    let input = VisitInput {
        household_id: h.id,
        outcome: outcome.into(),
        note: note.into(),
    };
    s.store
        .record_visit(&s.now_as(by), id, &input)
        .await
        .step("visit")
}

/// What the 纹江花园 story made, for the caller's summary.
pub(crate) struct Wenjiang {
    pub logins: Vec<DemoLogin>,
}

/// Tells 纹江花园's story. The personas (`committee`, `volunteer`, `unithead`, `owner`, …)
/// exist; 孙大爷 of 7单元 6楼, who votes online in his unit's vote, gets a login here.
pub(crate) async fn seed_wenjiang(store: &Store) -> anyhow::Result<Wenjiang> {
    let c = compound_named(store, "纹江花园").await?;
    let units = units_of(store, c.id).await?;
    let (Some((unit1, homes1)), Some((unit7, homes7))) = (units.first(), units.get(6)) else {
        anyhow::bail!("demo: 纹江花园 has fewer than seven units");
    };
    // 孙大爷 lives on the sixth floor of 七单元 (the article's "七单元六楼").
    let sun_home = homes7
        .iter()
        .find(|h| h.floor == 6)
        .or(homes7.last())
        .ok_or_else(|| anyhow::anyhow!("demo: 7单元 has no households"))?;
    let sun_login = crate::add_demo_login(
        store,
        "sun",
        "业主 孙大爷（7单元6楼）",
        Role::Owner,
        &paths::household_path(&c, sun_home),
        "",
    )
    .await?;
    let s = Scene::new(store);
    let committee = s.actor("committee").await?;
    let volunteer = s.actor("volunteer").await?;
    let unithead = s.actor("unithead").await?;
    let buildinghead = s.actor("buildinghead").await?;
    let owner = s.actor("owner").await?;
    let resident = s.actor("resident").await?;
    let sun = s.actor("sun").await?;

    // 7单元: proposed, deliberated, decided with more than two thirds of the households.
    s.at(75, 9);
    let passed = propose(
        &s,
        &sun,
        &c,
        ProposalInput {
            scope: "unit".into(),
            scope_id: unit7.id.to_string(),
            title: "7单元加装电梯".into(),
            body: "单元里老人多，六楼上下一趟要歇三次。提议加装一部电梯，费用按楼层系数分摊，\
                   维保和电费由安装单位管理、每月按户均摊。"
                .into(),
            matter: "alteration".into(),
            preset: "wenjiang_two_thirds".into(),
            ..Default::default()
        },
    )
    .await?;
    s.at(74, 19);
    let q = comment(
        &s,
        &volunteer,
        passed,
        "替一楼住户问：担心采光，能不能把井道往外挪一点？",
        None,
        false,
    )
    .await?;
    s.at(73, 10);
    comment(
        &s,
        &committee,
        passed,
        "设计单位已出两套方案，井道外移1.2米，一楼采光影响在日照标准以内；方案图贴在单元门口。",
        Some(q),
        true,
    )
    .await?;
    s.at(68, 9);
    open_vote(&s, &committee, passed, s.day(54)).await?;
    // 孙大爷 votes online, first no (the cost), then yes after the committee's answer.
    s.at(67, 20);
    let mine = |choice: &str| BallotInput {
        choice: choice.into(),
        ..Default::default()
    };
    s.store
        .cast_ballot(&s.now_as(&sun), passed, &mine("no"))
        .await
        .step("online ballot")?;
    s.at(66, 8);
    s.store
        .cast_ballot(&s.now_as(&sun), passed, &mine("yes"))
        .await
        .step("changed ballot")?;
    // Door knocking: the volunteer takes every household that has not answered.
    let others: Vec<&household::Model> = homes7.iter().filter(|h| h.id != sun_home.id).collect();
    s.store
        .assign_knocks(
            &s.now_as(&committee),
            passed,
            &AssignInput {
                household_ids: others.iter().map(|h| h.id).collect(),
                assignee_id: Some(volunteer.account_id),
            },
        )
        .await
        .step("assign knocks")?;
    for (i, h) in others.iter().enumerate() {
        let day = 65 - i as i64;
        s.at(day, 10);
        if i % 3 == 0 {
            visit(&s, &volunteer, passed, h, "not_home", "白天上班，晚上再来").await?;
            s.at(day, 19);
        }
        if i % 4 == 1 {
            visit(
                &s,
                &volunteer,
                passed,
                h,
                "needs_explanation",
                "担心分摊费用，留了测算表",
            )
            .await?;
            s.at(day - 1, 10);
        }
        visit(&s, &volunteer, passed, h, "signed", "").await?;
        // One household says no; the vote passes with more than two thirds all the same.
        let choice = if i + 1 == others.len() { "no" } else { "yes" };
        record(
            &s,
            &volunteer,
            &committee,
            &c,
            passed,
            h,
            WAYS[i % WAYS.len()],
            choice,
        )
        .await?;
    }
    s.at(55, 16);
    s.store
        .close_voting(&s.now_as(&committee), passed, true)
        .await
        .step("close the 7单元 vote")?;

    // A resident's proposal for the whole compound, under deliberation.
    s.at(30, 20);
    let deliberating = propose(
        &s,
        &owner,
        &c,
        ProposalInput {
            scope: "compound".into(),
            scope_id: c.id.to_string(),
            title: "在3栋旁增设电动自行车集中充电棚".into(),
            body: "楼道里停电动车、飞线充电都不安全。建议在3栋旁空地建一个充电棚，按次扫码收费。"
                .into(),
            matter: "common_parts_use".into(),
            ..Default::default()
        },
    )
    .await?;
    for who in [&resident, &unithead, &buildinghead] {
        s.store
            .support_proposal(&s.now_as(who), deliberating)
            .await
            .step("support")?;
    }
    s.at(29, 9);
    let q1 = comment(
        &s,
        &resident,
        deliberating,
        "充电棚离我家窗户近，晚上会不会吵？",
        None,
        false,
    )
    .await?;
    s.at(28, 15);
    comment(
        &s,
        &committee,
        deliberating,
        "选址离最近的窗户18米，设备夜间无噪音；议事会将实地查看后再定。",
        Some(q1),
        true,
    )
    .await?;
    s.at(27, 21);
    comment(
        &s,
        &buildinghead,
        deliberating,
        "收费标准请公示，按次还是按月？",
        None,
        false,
    )
    .await?;

    // 1单元: the vote open now, about 60% answered; the owner persona has not voted yet.
    s.at(20, 9);
    let open = propose(
        &s,
        &unithead,
        &c,
        ProposalInput {
            scope: "unit".into(),
            scope_id: unit1.id.to_string(),
            title: "1单元加装电梯".into(),
            body: "7单元的电梯已经通过，1单元也想装。方案与7单元相同，费用按楼层系数分摊。".into(),
            matter: "alteration".into(),
            preset: "wenjiang_two_thirds".into(),
            ..Default::default()
        },
    )
    .await?;
    s.at(19, 20);
    let q = comment(&s, &owner, open, "我家在一楼，也要出钱吗？", None, false).await?;
    s.at(18, 10);
    comment(
        &s,
        &committee,
        open,
        "一楼、二楼系数为0，不分摊建设费用；维保和电费按户均摊，每户每月约20元。",
        Some(q),
        true,
    )
    .await?;
    // The council meets on both.
    s.at(12, 19);
    s.store
        .create_meeting(
            &s.now_as(&committee),
            c.id,
            &MeetingInput {
                title: "红星议事会 第四次会议".into(),
                held_on: s.day(12).to_string(),
                place: "纹江花园党群服务站".into(),
                attendance: "自管委 刘主任、楼栋长 陈叔、单元长 赵阿姨、网格员、居民代表 8 人"
                    .into(),
                minutes: "一、1单元加装电梯：方案同7单元，同意启动表决，由单元长组织上门征求意见。\
                     二、电动自行车充电棚：选址需实地查看，收费标准下次会议再议并公示。"
                    .into(),
                agenda: vec![
                    AgendaInput {
                        proposal_id: open,
                        outcome: "同意启动表决".into(),
                    },
                    AgendaInput {
                        proposal_id: deliberating,
                        outcome: "继续商议，实地查看选址".into(),
                    },
                ],
                version: None,
            },
        )
        .await
        .step("council meeting")?;

    s.at(8, 9);
    open_vote(&s, &committee, open, s.day(-12)).await?;
    let owner_home = owner_household(store, owner.account_id).await?;
    // Every flat the owner persona speaks for stays unanswered (a person with several flats
    // casts one ballot for all of them), so that her vote is waiting.
    let owner_flats = owner_flats(store, owner.account_id).await?;
    let rest: Vec<&household::Model> = homes1
        .iter()
        .filter(|h| Some(h.id) != owner_home && !owner_flats.contains(&h.id))
        .collect();
    let answered = (homes1.len() * 6).div_ceil(10).min(rest.len());
    for (i, h) in rest.iter().take(answered).enumerate() {
        s.at(7 - (i as i64 % 7), 10 + (i as u8 % 8));
        record(
            &s,
            &unithead,
            &committee,
            &c,
            open,
            h,
            WAYS[i % WAYS.len()],
            "yes",
        )
        .await?;
    }
    let unanswered: Vec<i64> = homes1
        .iter()
        .filter(|h| !rest.iter().take(answered).any(|r| r.id == h.id))
        .map(|h| h.id)
        .collect();
    s.at(3, 9);
    s.store
        .assign_knocks(
            &s.now_as(&committee),
            open,
            &AssignInput {
                household_ids: unanswered,
                assignee_id: Some(unithead.account_id),
            },
        )
        .await
        .step("assign knocks")?;
    let not_yet: Vec<&&household::Model> = rest.iter().skip(answered).collect();
    if let Some(h) = not_yet.first() {
        s.at(2, 19);
        visit(&s, &unithead, open, h, "not_home", "家里没人，周末再来").await?;
    }
    if let Some(h) = not_yet.get(1) {
        s.at(1, 10);
        visit(
            &s,
            &unithead,
            open,
            h,
            "needs_explanation",
            "想先看费用测算表",
        )
        .await?;
    }

    seed_election(&s, &c, &committee, &volunteer).await?;
    tracing::debug!(passed, open, "demo votes of 纹江花园");
    Ok(Wenjiang {
        logins: vec![sun_login],
    })
}

/// The flats whose owners include the person behind `account_id`.
async fn owner_flats(store: &Store, account_id: i64) -> anyhow::Result<Vec<i64>> {
    use linli_store::entity::ownership;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
    let Some((person, _)) = store.person_of(store.read(), account_id).await? else {
        return Ok(Vec::new());
    };
    Ok(ownership::Entity::find()
        .select_only()
        .column(ownership::Column::HouseholdId)
        .filter(ownership::Column::PersonId.eq(person))
        .into_tuple::<i64>()
        .all(store.read())
        .await?)
}

/// The household the owner persona votes for.
async fn owner_household(store: &Store, account_id: i64) -> anyhow::Result<Option<i64>> {
    use linli_store::entity::role_grant;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let g = role_grant::Entity::find()
        .filter(role_grant::Column::AccountId.eq(account_id))
        .one(store.read())
        .await?;
    Ok(g.and_then(|g| {
        g.path
            .parse::<linli_domain::place::Path>()
            .ok()
            .and_then(|p| p.target().map(|n| n.id))
    }))
}

/// The self-management committee: five seats, seven candidates, elected by paper ballots
/// collected door to door and closed with the result published.
async fn seed_election(
    s: &Scene,
    c: &compound::Model,
    committee: &Actor,
    volunteer: &Actor,
) -> anyhow::Result<()> {
    s.at(120, 9);
    let e = s
        .store
        .create_election(
            &s.now_as(committee),
            c.id,
            &ElectionInput {
                scope: "compound".into(),
                scope_id: c.id.to_string(),
                title: "第二届小区自管委选举".into(),
                body: "选出自管委委员5名，任期三年。".into(),
                seats: "5".into(),
            },
        )
        .await
        .step("election")?;
    let id = e.proposal.id;
    let names = [
        ("刘建国", "party_branch", "退休教师，牵头过7单元加装电梯。"),
        ("陈秀英", "residents", "楼栋长，熟悉每家每户。"),
        ("王志强", "residents", "做过工程预算，管账细。"),
        ("赵桂兰", "party_branch", "志愿服务站骨干。"),
        ("周明", "residents", "年轻业主，会用电脑，愿意做公示。"),
        ("吴海燕", "residents", "懂法律，处理过邻里纠纷。"),
        ("孙立新", "residents", "退伍军人，愿意管安全巡逻。"),
    ];
    let mut candidates = Vec::new();
    for (name, by, statement) in names {
        let v = s
            .store
            .nominate(
                &s.now_as(committee),
                id,
                &NominationInput {
                    nominated_by: by.into(),
                    name: name.into(),
                    account_id: None,
                    statement: statement.into(),
                },
            )
            .await
            .step("nominate")?;
        candidates.push(v.id);
    }
    s.at(110, 9);
    s.store
        .change_stage(&s.now_as(committee), id, StageRequest::Submit)
        .await
        .step("submit election")?;
    s.at(100, 9);
    open_vote(s, committee, id, s.day(86)).await?;
    let homes = units_of(&s.store, c.id).await?;
    let households: Vec<&household::Model> = homes.iter().flat_map(|(_, h)| h).collect();
    // About four households in five answer; each ballot names up to five candidates.
    let mut n = 0;
    for (i, h) in households.iter().enumerate() {
        if i % 5 == 4 {
            continue;
        }
        s.at(99 - (i as i64 % 12), 10);
        let picks: Vec<i64> = (0..5)
            .map(|k| candidates[(i + k * (1 + i % 2)) % candidates.len()])
            .fold(Vec::new(), |mut v, x| {
                if !v.contains(&x) {
                    v.push(x);
                }
                v
            });
        let paper = i % 2 == 0;
        let by = if paper {
            s.now_as(committee)
        } else {
            s.now_as(volunteer)
        };
        let evidence = s
            .store
            .save_file(
                &by,
                c.id,
                Purpose::Evidence,
                "选票.jpg",
                DEMO_PHOTO.to_vec(),
            )
            .await
            .step("ballot photo")?
            .id;
        let input = ElectionBallotInput {
            candidates: picks,
            method: if paper { "paper" } else { "assisted" }.into(),
            household_id: Some(h.id),
            evidence_id: Some(evidence),
            ..Default::default()
        };
        s.store
            .cast_election_ballot(&by, id, &input)
            .await
            .step("election ballot")?;
        n += 1;
    }
    s.at(86, 18);
    s.store
        .close_voting(&s.now_as(committee), id, true)
        .await
        .step("close the election")?;
    tracing::debug!(ballots = n, "demo election");
    Ok(())
}
