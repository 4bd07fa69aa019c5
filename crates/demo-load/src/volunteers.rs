//! The demo's volunteer station: 纹江花园 (seed S1) "staffed in turns". Three shifts a week;
//! the `volunteer` persona takes the Saturday mornings and the `unithead` the Sunday ones of
//! this month and next, and the turns already past are checked in, so the rota, the hours and
//! the rating sheet's hint have something to show. Loaded after the demo logins exist.

use linli_domain::volunteers::SignupStatus;
use linli_domain::volunteers::month_rota;
use linli_domain::volunteers::{Clock, ShiftPattern, Weekday, started};
use linli_store::Store;
use linli_store::entity::{
    account, compound, volunteer_checkin, volunteer_shift, volunteer_signup, volunteer_station,
};
use linli_store::volunteers::{china_moment, next_month};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};

pub(crate) async fn seed_demo_stations(store: &Store) -> anyhow::Result<usize> {
    let db = store.write();
    let Some(c) = compound::Entity::find()
        .filter(compound::Column::Name.eq("纹江花园"))
        .one(db)
        .await?
    else {
        return Ok(0);
    };
    let t = store.now();
    let station = volunteer_station::Entity::insert(volunteer_station::ActiveModel {
        compound_id: Set(c.id),
        name: Set("纹江花园志愿服务站".into()),
        place: Set("2栋楼下 党群服务点".into()),
        checkin_early: Set(30),
        active: Set(true),
        created_by: Set(0),
        created_at: Set(t),
        ..Default::default()
    })
    .exec(db)
    .await?
    .last_insert_id;
    let clock = |s: &str| Clock::parse(s).map_err(|e| anyhow::anyhow!("{e:?}"));
    let plan = [
        (Weekday::Wed, "15:00", "18:00", 2),
        (Weekday::Sat, "08:30", "11:30", 2),
        (Weekday::Sun, "09:00", "12:00", 3),
    ];
    let mut shifts = Vec::new();
    for (wd, a, b, cap) in plan {
        let p = ShiftPattern::new(wd, clock(a)?, clock(b)?, cap)
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        let id = volunteer_shift::Entity::insert(volunteer_shift::ActiveModel {
            station_id: Set(station),
            compound_id: Set(c.id),
            weekday: Set(i32::from(wd.number())),
            start_min: Set(i32::from(p.start.minutes())),
            end_min: Set(i32::from(p.end.minutes())),
            capacity: Set(i32::from(p.capacity)),
            active: Set(true),
            bookings: Set(0),
            created_at: Set(t),
            ..Default::default()
        })
        .exec(db)
        .await?
        .last_insert_id;
        shifts.push((id, p));
    }
    let now_m = china_moment(t).map_err(|e| anyhow::anyhow!("{e}"))?;
    let this = now_m.day.month();
    let mut made = 0;
    for (username, weekday) in [("volunteer", Weekday::Sat), ("unithead", Weekday::Sun)] {
        let Some(a) = account::Entity::find()
            .filter(account::Column::Username.eq(username))
            .one(db)
            .await?
        else {
            continue;
        };
        let unit_id = store
            .home_unit(a.id, c.id)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let mine: Vec<(i64, ShiftPattern)> = shifts
            .iter()
            .filter(|(_, p)| p.weekday == weekday)
            .copied()
            .collect();
        for month in [this, next_month(this)] {
            for slot in month_rota(month, &mine) {
                let row = volunteer_signup::Entity::insert(volunteer_signup::ActiveModel {
                    shift_id: Set(slot.shift),
                    station_id: Set(station),
                    compound_id: Set(c.id),
                    on_day: Set(slot.when.day.to_string()),
                    start_min: Set(i32::from(slot.when.start.minutes())),
                    end_min: Set(i32::from(slot.when.end.minutes())),
                    account_id: Set(a.id),
                    name: Set(a.display_name.clone()),
                    unit_id: Set(unit_id),
                    status: Set(SignupStatus::Active),
                    created_at: Set(t),
                    ..Default::default()
                })
                .exec(db)
                .await?
                .last_insert_id;
                made += 1;
                if started(&slot.when, now_m) {
                    volunteer_checkin::Entity::insert(volunteer_checkin::ActiveModel {
                        signup_id: Set(row),
                        account_id: Set(a.id),
                        minutes: Set(i32::try_from(slot.when.minutes()).unwrap_or(0)),
                        at: Set(t),
                        ..Default::default()
                    })
                    .exec(db)
                    .await?;
                }
            }
        }
    }
    Ok(made)
}
