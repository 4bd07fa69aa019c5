//! The building → unit → room picker beside every "room as people say it" field: the flats
//! grouped by unit for one `<select>` with an `<optgroup>` per unit, which works without
//! JavaScript; `static/app.js` splits it into three linked lists (macro `room_picker`).

use linli_store::registry::RoomChoice;

/// The flats of one unit, in the picker's order.
pub struct RoomGroup {
    pub building: String,
    pub unit: String,
    /// (household id, room).
    pub rooms: Vec<(i64, String)>,
}

/// The choices (sorted by building, unit, floor, room) grouped by unit.
pub fn groups(choices: Vec<RoomChoice>) -> Vec<RoomGroup> {
    let mut out: Vec<RoomGroup> = Vec::new();
    for c in choices {
        match out.last_mut() {
            Some(g) if g.building == c.building && g.unit == c.unit => {
                g.rooms.push((c.household_id, c.room));
            }
            _ => out.push(RoomGroup {
                building: c.building,
                unit: c.unit,
                rooms: vec![(c.household_id, c.room)],
            }),
        }
    }
    out
}

/// The flat a form names: the room as typed when there is one, otherwise the one picked.
pub fn picked(typed_room: &str, picked: &str) -> Option<i64> {
    if typed_room.trim().is_empty() {
        picked.trim().parse().ok()
    } else {
        None
    }
}
