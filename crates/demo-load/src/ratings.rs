//! 南国新家园's civility rating (红"栋"力) in the demo, through the services the pages call:
//! the residents' amended rubric adopted by a passed proposal, the four-party panel, every
//! month since January of last year scored by every party and closed (red flags, a
//! flying-lead veto, an appeal upheld) — so last year's awards and subsidies come from twelve
//! whole months — and this month open with sheets still to score.

use crate::{DEMO_PHOTO, DemoLogin, Scene, Step, compound_named, units_of};
use linli_domain::authz::Role;
use linli_store::Store;
use linli_store::accounts::Actor;
use linli_store::entity::{compound, household, unit};
use linli_store::files::Purpose;
use linli_store::paths;
use linli_store::proposals::{
    BallotInput, CommentInput, OpenVotingInput, ProposalInput, StageRequest,
};
use linli_store::ratings::{
    AppealDecisionInput, AppealInput, CloseInput, MarkInput, MonthInput, RubricInput, ScorerInput,
    SheetInput,
};

/// How many closed months the demo scores before the current one: every month since January
/// of last year (12 in January, 23 in December), so that last year is complete.
pub(crate) fn closed_months(today: time::Date) -> i64 {
    12 + i64::from(u8::from(today.month())) - 1
}

/// The deductions scorers tap most, in the order a small deterministic sequence picks them.
const COMMON: [(&str, &str); 8] = [
    ("stairs_dirty", "楼梯扶手积灰"),
    ("clutter", "楼道堆放纸箱"),
    ("litter", "单元门口有烟头"),
    ("flyers", "电梯间贴小广告"),
    ("ebike_indoors", "一楼楼道停放电动车"),
    ("unsorted", "厨余垃圾混投"),
    ("dogs", "遛狗未牵绳"),
    ("no_volunteer", "本月无人参加志愿服务"),
];

/// The first day of the month `back` months before `day`'s month.
fn month_start(day: time::Date, back: i64) -> anyhow::Result<time::Date> {
    let index = i64::from(day.year()) * 12 + i64::from(u8::from(day.month())) - 1 - back;
    let year = i32::try_from(index.div_euclid(12))?;
    let month = time::Month::try_from(u8::try_from(index.rem_euclid(12) + 1)?)?;
    Ok(time::Date::from_calendar_date(year, month, 1)?)
}

fn month_code(first: time::Date) -> String {
    format!("{:04}-{:02}", first.year(), u8::from(first.month()))
}

/// Days from `day` back to today's scene day (0 for today, never negative).
fn days_ago(s: &Scene, day: time::Date) -> i64 {
    (s.day(0) - day).whole_days().max(0)
}

/// A small, fixed sequence (the same on every run) choosing taps.
fn pick(month: i64, unit: usize, party: usize) -> u64 {
    let mut z = (month as u64) << 32 ^ (unit as u64) << 8 ^ party as u64;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The taps of one sheet: none, one or two common deductions; in one month a flying lead
/// (the veto) and in the summer a student admitted to college (a bonus).
fn marks(back: i64, unit: usize, party: usize) -> Vec<MarkInput> {
    let z = pick(back, unit, party);
    let mut out = Vec::new();
    for k in 0..(z % 3) {
        let (item, note) = COMMON[((z >> (8 + 4 * k)) % COMMON.len() as u64) as usize];
        if out.iter().all(|m: &MarkInput| m.item != item) {
            out.push(MarkInput {
                item: item.into(),
                note: note.into(),
                evidence_id: None,
            });
        }
    }
    if back == 5 && unit == 9 && party == 1 {
        out.push(MarkInput {
            item: "flying_lead".into(),
            note: "三楼窗口拉线给电动车充电".into(),
            evidence_id: None,
        });
    }
    if back == 4 && unit % 7 == 2 {
        out.push(MarkInput {
            item: "university".into(),
            note: "考取湘潭大学".into(),
            evidence_id: None,
        });
    }
    out
}

/// Submits `scorer`'s sheets of one month, unit by unit with its taps.
async fn sheets(
    s: &Scene,
    scorer: &Actor,
    month: i64,
    taps: Vec<(i64, Vec<MarkInput>)>,
) -> anyhow::Result<()> {
    let inputs: Vec<SheetInput> = taps
        .into_iter()
        .map(|(unit_id, marks)| SheetInput {
            unit_id,
            marks,
            note: String::new(),
        })
        .collect();
    s.store
        .submit_sheets(&s.now_as(scorer), month, &inputs)
        .await
        .step("rating sheets")?;
    Ok(())
}

/// What the 南国新家园 story made.
pub(crate) struct Nanguo {
    pub logins: Vec<DemoLogin>,
}

/// Tells 南国新家园's story; adds its committee, property and residents' scorer logins (the
/// community's scorer is the `grid` persona, who works there).
pub(crate) async fn seed_nanguo(store: &Store) -> anyhow::Result<Nanguo> {
    let c = compound_named(store, "南国新家园").await?;
    let units = units_of(store, c.id).await?;
    let resident_home = units
        .get(4)
        .and_then(|(_, hh)| hh.get(3))
        .ok_or_else(|| anyhow::anyhow!("demo: 南国新家园 is too small"))?;
    let path = paths::compound_path(&c);
    let mut logins = vec![
        crate::add_demo_login(
            store,
            "ngcommittee",
            "业委会 何主任",
            Role::CommitteeMember,
            &path,
            &c.name,
        )
        .await?,
        crate::add_demo_login(
            store,
            "ngproperty",
            "物业 钱经理",
            Role::Volunteer,
            &path,
            &c.name,
        )
        .await?,
    ];
    logins.push(
        crate::add_demo_login(
            store,
            "ngresident",
            "居民代表 林阿姨",
            Role::Owner,
            &paths::household_path(&c, resident_home),
            "",
        )
        .await?,
    );
    let s = Scene::new(store);
    let committee = s.actor("ngcommittee").await?;
    let property = s.actor("ngproperty").await?;
    let resident = s.actor("ngresident").await?;
    let community = s.actor("grid").await?;
    let closed = closed_months(s.day(0));
    let first = month_start(s.day(0), closed)?;
    let proposal = adopt_by_vote(&s, &c, &committee, &resident, &units, first).await?;
    s.store
        .adopt_rubric(
            &s.now_as(&committee),
            c.id,
            &RubricInput {
                preset: "nanguo".into(),
                rubric: None,
                from_month: month_code(first),
                proposal_id: Some(proposal),
            },
        )
        .await
        .step("adopt the rubric")?;
    let panel = [
        (&community, "community"),
        (&property, "property"),
        (&committee, "owners_committee"),
        (&resident, "residents"),
    ];
    for (who, party) in panel {
        s.store
            .add_scorer(
                &s.now_as(&committee),
                c.id,
                &ScorerInput {
                    account_id: None,
                    login: login_of(store, who.account_id).await?,
                    party: party.into(),
                    home_unit_id: None,
                },
            )
            .await
            .step("seat a scorer")?;
    }
    let unit_ids: Vec<i64> = units.iter().map(|(u, _)| u.id).collect();
    let scorers: Vec<&Actor> = panel.iter().map(|(a, _)| *a).collect();
    for back in (1..=closed).rev() {
        let start = month_start(s.day(0), back)?;
        let next = month_start(s.day(0), back - 1)?;
        s.at(days_ago(&s, start + time::Duration::days(24)), 9);
        let m = s
            .store
            .open_month(
                &s.now_as(&committee),
                c.id,
                &MonthInput {
                    month: month_code(start),
                },
            )
            .await
            .step("open a month")?;
        for (p, scorer) in scorers.iter().enumerate() {
            s.at(days_ago(&s, start + time::Duration::days(25)), 10 + p as u8);
            let mut round = Vec::new();
            for (i, u) in unit_ids.iter().enumerate() {
                if p == 3 && *u == resident_home.unit_id {
                    continue; // a scorer never scores their own unit
                }
                let mut taps = marks(back, i, p);
                // The last month: the community tapped "clutter" for a wheelchair in the
                // residents' scorer's own unit; she appeals below.
                if back == 1 && p == 0 && *u == resident_home.unit_id {
                    taps = vec![MarkInput {
                        item: "clutter".into(),
                        note: "二楼楼道放着轮椅".into(),
                        evidence_id: Some(
                            s.store
                                .save_file(
                                    &s.now_as(scorer),
                                    c.id,
                                    Purpose::Evidence,
                                    "楼道.jpg",
                                    DEMO_PHOTO.to_vec(),
                                )
                                .await
                                .step("mark photo")?
                                .id,
                        ),
                    }];
                }
                round.push((*u, taps));
            }
            sheets(&s, scorer, m.id, round).await?;
        }
        s.at(days_ago(&s, next), 9);
        s.store
            .close_month(
                &s.now_as(&committee),
                m.id,
                &CloseInput {
                    reason: "居民方评分人回避本单元".into(),
                },
            )
            .await
            .step("close a month")?;
        if back == 1 {
            appeal(&s, &committee, &resident, m.id, resident_home).await?;
        }
    }
    // This month: open, the community has scored every unit, the others some; the
    // residents' scorer none yet.
    let this = month_start(s.day(0), 0)?;
    s.at(days_ago(&s, this), 10);
    let m = s
        .store
        .open_month(
            &s.now_as(&committee),
            c.id,
            &MonthInput {
                month: month_code(this),
            },
        )
        .await
        .step("open this month")?;
    s.at(0, 8);
    for (p, scorer, count) in [
        (0, &community, unit_ids.len()),
        (2, &committee, 10),
        (1, &property, 4),
    ] {
        let round = unit_ids
            .iter()
            .take(count)
            .enumerate()
            .map(|(i, u)| (*u, marks(0, i, p)))
            .collect();
        sheets(&s, scorer, m.id, round).await?;
    }
    Ok(Nanguo { logins })
}

async fn login_of(store: &Store, account_id: i64) -> anyhow::Result<String> {
    use sea_orm::EntityTrait;
    Ok(linli_store::entity::account::Entity::find_by_id(account_id)
        .one(store.read())
        .await?
        .map(|a| a.username)
        .unwrap_or_default())
}

/// The residents' scorer contests the wheelchair deduction; the committee reverses it (the
/// rubric's exemption says wheelchairs are not clutter).
async fn appeal(
    s: &Scene,
    committee: &Actor,
    resident: &Actor,
    month: i64,
    home: &household::Model,
) -> anyhow::Result<()> {
    let detail = s
        .store
        .rating_unit(&s.now_as(committee), month, home.unit_id)
        .await
        .step("unit detail")?;
    let Some(mark) = detail
        .sheets
        .iter()
        .flat_map(|sh| &sh.marks)
        .find(|m| m.item == "clutter")
    else {
        anyhow::bail!("demo: the wheelchair deduction is missing");
    };
    s.store.clock().advance(3600);
    let a = s
        .store
        .file_appeal(
            &s.now_as(resident),
            month,
            &AppealInput {
                mark_id: mark.id,
                reason: "那是邻居张奶奶的轮椅，细则写明轮椅、婴儿车不算楼道杂物。".into(),
            },
        )
        .await
        .step("file an appeal")?;
    s.store.clock().advance(3600);
    s.store
        .decide_appeal(
            &s.now_as(committee),
            a.id,
            &AppealDecisionInput {
                reverse: true,
                reason: "经核实为轮椅，按细则豁免条款撤销扣分。".into(),
            },
        )
        .await
        .step("decide the appeal")?;
    Ok(())
}

/// The residents' amended rubric goes to a vote of the owners and passes; its id is the
/// decision the rubric names.
async fn adopt_by_vote(
    s: &Scene,
    c: &compound::Model,
    committee: &Actor,
    resident: &Actor,
    units: &[(unit::Model, Vec<household::Model>)],
    first: time::Date,
) -> anyhow::Result<i64> {
    let start = days_ago(s, first) + 40;
    s.at(start, 9);
    let p = s
        .store
        .create_proposal(
            &s.now_as(committee),
            c.id,
            &ProposalInput {
                scope: "compound".into(),
                scope_id: c.id.to_string(),
                title: "采用文明单元“红‘栋’力”评比细则（居民修订稿）".into(),
                body: "每月由社区、物业、业委会、居民代表四方对各单元评分，前三名授流动红旗；\
                       年终流动红旗最多的三个单元获物业费补贴，履职的“三长”补贴物业费10%再加10%。\
                       居民修订：一、“考取重点大学”加分改为“考取大学（含大专）”；\
                       二、飞线充电一票否决；三、轮椅、婴儿车不算楼道杂物。"
                    .into(),
                matter: "owners_rules".into(),
                ..Default::default()
            },
        )
        .await
        .step("rubric proposal")?;
    s.store
        .change_stage(&s.now_as(committee), p.id, StageRequest::Submit)
        .await
        .step("submit")?;
    s.at(start - 1, 20);
    let q = s
        .store
        .add_comment(
            &s.now_as(resident),
            p.id,
            &CommentInput {
                body: "孩子考上大专也是喜事，加分别只限重点大学。".into(),
                parent_id: None,
                official: false,
            },
        )
        .await
        .step("comment")?;
    s.at(start - 2, 10);
    s.store
        .add_comment(
            &s.now_as(committee),
            p.id,
            &CommentInput {
                body: "已采纳，写入修订稿第三条。".into(),
                parent_id: Some(q.id),
                official: true,
            },
        )
        .await
        .step("answer")?;
    s.at(start - 10, 9);
    s.store
        .open_voting(
            &s.now_as(committee),
            p.id,
            &OpenVotingInput {
                deadline: s.day(start - 25).to_string(),
                confirm_ownerless: true,
            },
        )
        .await
        .step("open the rubric vote")?;
    // Paper ballots collected by the committee: four in five households, nearly all yes.
    let households: Vec<&household::Model> = units.iter().flat_map(|(_, h)| h).collect();
    let photo = s
        .store
        .save_file(
            &s.now_as(committee),
            c.id,
            Purpose::Evidence,
            "表决票汇总.jpg",
            DEMO_PHOTO.to_vec(),
        )
        .await
        .step("ballot photo")?
        .id;
    for (i, h) in households.iter().enumerate() {
        if i % 5 == 4 {
            continue;
        }
        s.at(start - 11 - (i as i64 % 12), 10);
        let input = BallotInput {
            choice: if i % 17 == 3 { "no" } else { "yes" }.into(),
            method: "paper".into(),
            household_id: Some(h.id),
            evidence_id: Some(photo),
            ..Default::default()
        };
        s.store
            .cast_ballot(&s.now_as(committee), p.id, &input)
            .await
            .step("rubric ballot")?;
    }
    s.at(start - 26, 9);
    s.store
        .close_voting(&s.now_as(committee), p.id, true)
        .await
        .step("close the rubric vote")?;
    Ok(p.id)
}
