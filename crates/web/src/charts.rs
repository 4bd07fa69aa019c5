//! Charts drawn on the server as SVG, each with the table of its numbers.
//!
//! Dashboards are read on old phones and printed for meetings, so a chart is plain SVG in the
//! page: no script, no web font, no client-side library. Every chart comes with the same
//! numbers as an HTML table (screen readers read the table, the picture is `aria-hidden`
//! beside it), and a category with a link is a link in both, so every number clicks through
//! to the list behind it.
//!
//! Values are integers (counts, fen, basis points) and coordinates are computed in integer
//! arithmetic, so the same data always gives the same bytes: the SVGs are snapshot-tested.
//!
//! ```text
//! let mut c = Chart::new("按阶段的项目", "阶段", Unit::Count);
//! c.category("施工", Some("/compounds/1/elevators?stage=construction".into()));
//! c.series("项目", vec![5]);
//! let html = c.bars();   // <figure> with the SVG and its table
//! ```

use std::fmt::Write;

/// What the values count; decides how they print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Count,
    /// Money in fen, printed as yuan with two decimals.
    Fen,
    /// A rate in basis points (10,000 = 100%), printed as a percentage with one decimal.
    BasisPoints,
}

impl Unit {
    pub fn format(self, v: i64) -> String {
        match self {
            Unit::Count => group(v),
            Unit::Fen => {
                let sign = if v < 0 { "-" } else { "" };
                let a = v.unsigned_abs();
                format!("{sign}{}.{:02}", group((a / 100) as i64), a % 100)
            }
            Unit::BasisPoints => {
                // Round half up to one decimal of a percent: 6667 bp → 66.7%.
                let sign = if v < 0 { "-" } else { "" };
                let tenths = (v.unsigned_abs() + 5) / 10;
                format!("{sign}{}.{}%", tenths / 10, tenths % 10)
            }
        }
    }

    /// The short form on axis ticks: yuan without decimals, percents without.
    fn tick(self, v: i64) -> String {
        match self {
            Unit::Count => group(v),
            Unit::Fen => group(v / 100),
            Unit::BasisPoints => format!("{}%", v / 100),
        }
    }
}

/// 1234567 → "1,234,567".
fn group(v: i64) -> String {
    let digits = v.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if v < 0 {
        out.push('-');
    }
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// One named row of values, one per category.
#[derive(Debug, Clone)]
pub struct Series {
    pub name: String,
    pub values: Vec<i64>,
    /// Where each value leads (the list behind exactly that number), if anywhere.
    pub links: Vec<Option<String>>,
}

/// Categories (bars, or points along the x axis) and one or more series over them.
#[derive(Debug, Clone)]
pub struct Chart {
    pub title: String,
    /// The header of the category column in the table ("阶段", "月份").
    pub axis: String,
    pub unit: Unit,
    pub categories: Vec<String>,
    /// Where each category leads (the list behind the number), if anywhere.
    pub links: Vec<Option<String>>,
    pub series: Vec<Series>,
    /// Whether the series are parts of one whole, so that a row's values add up to a total
    /// (not so when one series counts within another: "assessed" beside "six-have").
    pub parts: bool,
}

/// Okabe–Ito colours: told apart by people with the common colour blindnesses, and in grey print.
pub const PALETTE: [&str; 8] = [
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000",
];

const WIDTH: i64 = 640;
const LABEL_W: i64 = 150;
const VALUE_W: i64 = 90;
const BAR_H: i64 = 22;
const GAP: i64 = 8;
const TOP: i64 = 8;
const LEGEND_H: i64 = 24;

impl Chart {
    pub fn new(title: impl Into<String>, axis: impl Into<String>, unit: Unit) -> Chart {
        Chart {
            title: title.into(),
            axis: axis.into(),
            unit,
            categories: Vec::new(),
            links: Vec::new(),
            series: Vec::new(),
            parts: true,
        }
    }

    /// The series overlap (one counts compounds another counts too): no total column.
    pub fn overlapping(&mut self) -> &mut Chart {
        self.parts = false;
        self
    }

    pub fn category(&mut self, label: impl Into<String>, link: Option<String>) -> &mut Chart {
        self.categories.push(label.into());
        self.links.push(link);
        self
    }

    /// Adds a series; missing values count as 0 and extra ones are dropped, so a series
    /// always has one value per category.
    pub fn series(&mut self, name: impl Into<String>, values: Vec<i64>) -> &mut Chart {
        self.series_linked(name, values, Vec::new())
    }

    /// A series whose every value leads to its own list (the compounds of this mode *and*
    /// this status), not to the whole row's.
    pub fn series_linked(
        &mut self,
        name: impl Into<String>,
        mut values: Vec<i64>,
        mut links: Vec<Option<String>>,
    ) -> &mut Chart {
        values.resize(self.categories.len(), 0);
        links.resize(self.categories.len(), None);
        self.series.push(Series {
            name: name.into(),
            values,
            links,
        });
        self
    }

    fn total(&self, i: usize) -> i64 {
        self.series.iter().map(|s| s.values[i].max(0)).sum()
    }

    /// Horizontal bars, one per category; several series stack within a bar. Long Chinese
    /// labels fit on the left, and the bars read on a narrow phone.
    pub fn bars(&self) -> String {
        let n = self.categories.len() as i64;
        let legend = if self.series.len() > 1 { LEGEND_H } else { 0 };
        let height = TOP + legend + n * (BAR_H + GAP) + GAP;
        let max = (0..self.categories.len())
            .map(|i| self.total(i))
            .max()
            .unwrap_or(0)
            .max(1);
        let span = WIDTH - LABEL_W - VALUE_W;
        let mut svg = open(height);
        self.legend(&mut svg);
        for (i, label) in self.categories.iter().enumerate() {
            let y = TOP + legend + i as i64 * (BAR_H + GAP);
            let _ = write!(
                svg,
                r#"<text x="{}" y="{}" text-anchor="end">{}</text>"#,
                LABEL_W - 6,
                y + BAR_H - 6,
                esc(&clip(label, 10))
            );
            let mut x = LABEL_W;
            let mut acc = 0i64;
            for (k, s) in self.series.iter().enumerate() {
                let v = s.values[i].max(0);
                // Ends of the segment scaled from the running total, so rounding never
                // makes a stack longer or shorter than its total.
                let x0 = LABEL_W + scale(acc, max, span);
                acc += v;
                let x1 = LABEL_W + scale(acc, max, span);
                if x1 > x0 {
                    let _ = write!(
                        svg,
                        r#"<rect x="{x0}" y="{y}" width="{}" height="{BAR_H}" fill="{}"><title>{}: {}</title></rect>"#,
                        x1 - x0,
                        PALETTE[k % PALETTE.len()],
                        esc(&format!("{label} · {}", s.name)),
                        self.unit.format(v)
                    );
                }
                x = x1;
            }
            let _ = write!(
                svg,
                r#"<text x="{}" y="{}">{}</text>"#,
                x + 4,
                y + BAR_H - 6,
                self.unit.format(self.total(i))
            );
        }
        svg.push_str("</svg>");
        self.figure(svg)
    }

    /// One line per series over the categories in order (months, quarters).
    pub fn lines(&self) -> String {
        const H: i64 = 220;
        const LEFT: i64 = 70;
        const BOTTOM: i64 = 40;
        let legend = if self.series.len() > 1 { LEGEND_H } else { 0 };
        let height = TOP + legend + H + BOTTOM;
        let top = TOP + legend;
        let max = self
            .series
            .iter()
            .flat_map(|s| s.values.iter().copied())
            .max()
            .unwrap_or(0)
            .max(1);
        let max = nice_ceiling(max);
        let n = self.categories.len() as i64;
        let span = WIDTH - LEFT - 40;
        let x_at = |i: i64| {
            if n <= 1 {
                LEFT + span / 2
            } else {
                LEFT + i * span / (n - 1)
            }
        };
        let y_at = |v: i64| top + H - scale(v.max(0), max, H);
        let mut svg = open(height);
        self.legend(&mut svg);
        for k in 0..=4 {
            let v = max * k / 4;
            let y = y_at(v);
            let _ = write!(
                svg,
                r##"<line x1="{LEFT}" y1="{y}" x2="{}" y2="{y}" stroke="#ddd"/><text x="{}" y="{}" text-anchor="end">{}</text>"##,
                WIDTH - 40,
                LEFT - 6,
                y + 4,
                self.unit.tick(v)
            );
        }
        // Every label when they fit, else every k-th so they never overlap.
        let every = (n / 8).max(1);
        for (i, label) in self.categories.iter().enumerate() {
            if i as i64 % every == 0 || i as i64 == n - 1 {
                let _ = write!(
                    svg,
                    r#"<text x="{}" y="{}" text-anchor="middle">{}</text>"#,
                    x_at(i as i64),
                    top + H + 20,
                    esc(&clip(label, 8))
                );
            }
        }
        for (k, s) in self.series.iter().enumerate() {
            let colour = PALETTE[k % PALETTE.len()];
            let points: Vec<String> = s
                .values
                .iter()
                .enumerate()
                .map(|(i, &v)| format!("{},{}", x_at(i as i64), y_at(v)))
                .collect();
            let _ = write!(
                svg,
                r#"<polyline fill="none" stroke="{colour}" stroke-width="2.5" points="{}"/>"#,
                points.join(" ")
            );
            for (i, &v) in s.values.iter().enumerate() {
                let _ = write!(
                    svg,
                    r#"<circle cx="{}" cy="{}" r="3.5" fill="{colour}"><title>{}: {}</title></circle>"#,
                    x_at(i as i64),
                    y_at(v),
                    esc(&format!("{} · {}", self.categories[i], s.name)),
                    self.unit.format(v)
                );
            }
        }
        svg.push_str("</svg>");
        self.figure(svg)
    }

    /// The numbers as a table: a row per category, a column per series, and a total column
    /// when there are several and they add up (counts and money, not rates). A linked category links its whole row's numbers.
    pub fn table(&self) -> String {
        let mut t = String::from(r#"<table class="chart-data"><thead><tr>"#);
        let _ = write!(t, r#"<th scope="col">{}</th>"#, esc(&self.axis));
        for s in &self.series {
            let _ = write!(t, r#"<th scope="col" class="num">{}</th>"#, esc(&s.name));
        }
        let totals = self.series.len() > 1 && self.parts && self.unit != Unit::BasisPoints;
        if totals {
            t.push_str(r#"<th scope="col" class="num">∑</th>"#);
        }
        t.push_str("</tr></thead><tbody>");
        for (i, label) in self.categories.iter().enumerate() {
            let linked = |text: String, href: Option<&String>| match href {
                Some(href) => format!(r#"<a href="{}">{text}</a>"#, esc(href)),
                None => text,
            };
            let row = self.links[i].as_ref();
            let link = |text: String| linked(text, row);
            let _ = write!(t, r#"<tr><th scope="row">{}</th>"#, link(esc(label)));
            for s in &self.series {
                // A value leads to its own list; the row's list only when it is the only value.
                let own = s.links[i]
                    .as_ref()
                    .or(if self.series.len() == 1 { row } else { None });
                let _ = write!(
                    t,
                    r#"<td class="num">{}</td>"#,
                    linked(self.unit.format(s.values[i]), own)
                );
            }
            if totals {
                let _ = write!(
                    t,
                    r#"<td class="num">{}</td>"#,
                    link(
                        self.unit
                            .format(self.series.iter().map(|s| s.values[i]).sum())
                    )
                );
            }
            t.push_str("</tr>");
        }
        t.push_str("</tbody></table>");
        t
    }

    fn legend(&self, svg: &mut String) {
        if self.series.len() > 1 {
            legend(svg, self.series.iter().map(|s| s.name.as_str()));
        }
    }

    /// The chart and its table in one `<figure>`, captioned with the title.
    fn figure(&self, svg: String) -> String {
        format!(
            r#"<figure class="chart"><figcaption>{}</figcaption>{}{}</figure>"#,
            esc(&self.title),
            picture(&svg, &self.title),
            self.table()
        )
    }
}

/// One compound (or any place) as a square in [`status_grid`].
#[derive(Debug, Clone)]
pub struct Cell {
    pub label: String,
    /// Index into the legend.
    pub status: usize,
}

/// Up to this many squares each carry the place's name (shown on hover); above it the squares
/// of one status are drawn as one path, so that a city of 2,000 compounds stays a few dozen KB.
pub const GRID_NAMED_MAX: usize = linli_store::standards::GRID_NAMED_MAX;

/// A map without a map: one small square per place, coloured by its status, in rows; with a
/// legend and a count table whose rows lead to the list of each status (`lists`, in legend
/// order). The picture is decoration for sighted readers (`aria-hidden`, nothing focusable in
/// it); the table and the lists carry the same facts for everyone.
pub fn status_grid(
    title: &str,
    legend_names: &[&str],
    cells: &[Cell],
    lists: &[Option<String>],
) -> String {
    const SIDE: i64 = 12;
    const PITCH: i64 = 14;
    let cols = (WIDTH - 8) / PITCH;
    let rows = (cells.len() as i64 + cols - 1) / cols;
    let top = TOP + LEGEND_H;
    let height = top + rows * PITCH + GAP;
    let mut svg = open(height);
    legend(&mut svg, legend_names.iter().copied());
    let at = |i: usize| {
        (
            4 + (i as i64 % cols) * PITCH,
            top + (i as i64 / cols) * PITCH,
        )
    };
    if cells.len() <= GRID_NAMED_MAX {
        for (i, c) in cells.iter().enumerate() {
            let (x, y) = at(i);
            let legend_name = legend_names.get(c.status).copied().unwrap_or("");
            let _ = write!(
                svg,
                r#"<rect x="{x}" y="{y}" width="{SIDE}" height="{SIDE}" fill="{}"><title>{}</title></rect>"#,
                PALETTE[c.status % PALETTE.len()],
                esc(&format!("{} · {legend_name}", c.label))
            );
        }
    } else {
        // One path per status; each square a stroke as wide as it is long, a relative move
        // from the end of the one before ("m2 0h12" beside it: half the bytes of tracing
        // its outline).
        // The numbers are written without `write!`: a city's ~6,000 of them through the
        // formatting machinery were a fifth of its dashboard page's CPU.
        let mid = SIDE / 2;
        let n = legend_names.len().max(1);
        let mut paths: Vec<(String, Option<(i64, i64)>)> =
            vec![(String::with_capacity(cells.len() * 9 / n + 16), None); n];
        for (i, c) in cells.iter().enumerate() {
            let (x, y) = at(i);
            let Some((d, last)) = paths.get_mut(c.status) else {
                continue;
            };
            let (dx, dy) = match *last {
                None => {
                    d.push('M');
                    (x, y + mid)
                }
                Some((lx, ly)) => {
                    d.push('m');
                    (x - lx, y - ly)
                }
            };
            push_int(d, dx);
            d.push(' ');
            push_int(d, dy);
            d.push('h');
            push_int(d, SIDE);
            *last = Some((x + SIDE, y));
        }
        for (k, (d, _)) in paths.iter().enumerate().filter(|(_, (d, _))| !d.is_empty()) {
            let _ = write!(
                svg,
                r#"<path fill="none" stroke="{}" stroke-width="{SIDE}" d="{d}"/>"#,
                PALETTE[k % PALETTE.len()]
            );
        }
    }
    svg.push_str("</svg>");
    let mut counts = vec![0i64; legend_names.len()];
    for c in cells {
        if let Some(n) = counts.get_mut(c.status) {
            *n += 1;
        }
    }
    let mut table = String::from(r#"<table class="chart-data"><tbody>"#);
    for (k, (name, n)) in legend_names.iter().zip(&counts).enumerate() {
        let name = match lists.get(k).and_then(Option::as_ref) {
            Some(href) => format!(r#"<a href="{}">{}</a>"#, esc(href), esc(name)),
            None => esc(name),
        };
        let _ = write!(
            table,
            r#"<tr><th scope="row">{name}</th><td class="num">{}</td></tr>"#,
            group(*n)
        );
    }
    table.push_str("</tbody></table>");
    format!(
        r#"<figure class="chart"><figcaption>{}</figcaption>{}{table}</figure>"#,
        esc(title),
        picture(&svg, title)
    )
}

/// The drawing in a box that scrolls sideways on a phone rather than shrinking the text to
/// 7 px (see `.chart-pic` in the stylesheet); focusable, so that a keyboard can scroll it.
fn picture(svg: &str, title: &str) -> String {
    format!(
        r#"<div class="chart-pic" tabindex="0" role="group" aria-label="{}">{svg}</div>"#,
        esc(title)
    )
}

fn open(height: i64) -> String {
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}" width="100%" aria-hidden="true" font-size="13" font-family="sans-serif">"#
    )
}

/// Coloured squares with names, in a row along the top.
fn legend<'a>(svg: &mut String, names: impl Iterator<Item = &'a str>) {
    let mut x = 4;
    for (k, name) in names.enumerate() {
        let _ = write!(
            svg,
            r#"<rect x="{x}" y="{TOP}" width="12" height="12" fill="{}"/><text x="{}" y="{}">{}</text>"#,
            PALETTE[k % PALETTE.len()],
            x + 16,
            TOP + 11,
            esc(name)
        );
        // Chinese characters are about twice as wide as Latin ones.
        x += 16
            + 13 * name
                .chars()
                .map(|c| if c.is_ascii() { 1 } else { 2 })
                .sum::<i64>()
                / 2
            + 16;
    }
}

/// `v` of `max` as a length of `span`, rounded down; exact integer arithmetic.
fn scale(v: i64, max: i64, span: i64) -> i64 {
    if max <= 0 {
        return 0;
    }
    (i128::from(v) * i128::from(span) / i128::from(max)) as i64
}

/// The smallest 1, 2 or 5 × 10ⁿ at or above `v`, so axis ticks are round numbers.
fn nice_ceiling(v: i64) -> i64 {
    let mut step = 1i64;
    loop {
        for m in [1, 2, 5] {
            match step.checked_mul(m) {
                Some(c) if c >= v => return c,
                None => return v,
                _ => {}
            }
        }
        match step.checked_mul(10) {
            Some(s) => step = s,
            None => return v,
        }
    }
}

/// At most `n` characters, with an ellipsis when cut (the full text is in the table).
fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(n - 1).collect();
        out.push('…');
        out
    }
}

/// `n` in decimal at the end of `out`, as `write!(out, "{n}")` would put it.
fn push_int(out: &mut String, n: i64) {
    out.push_str(itoa::Buffer::new().format(n));
}

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stages() -> Chart {
        let mut c = Chart::new("电梯项目 <按阶段>", "阶段", Unit::Count);
        c.category("运行", Some("/b?stage=operation&x=1".into()))
            .category("施工", None)
            .category("意向征询", None);
        c.series("项目", vec![28, 5, 1]);
        c
    }

    #[test]
    fn units_print_exactly() {
        assert_eq!(Unit::Count.format(1234567), "1,234,567");
        assert_eq!(Unit::Count.format(-1000), "-1,000");
        assert_eq!(Unit::Fen.format(2_800_000_000), "28,000,000.00");
        assert_eq!(Unit::Fen.format(-5), "-0.05");
        assert_eq!(Unit::BasisPoints.format(6667), "66.7%");
        assert_eq!(Unit::BasisPoints.format(10_000), "100.0%");
        assert_eq!(Unit::BasisPoints.format(4), "0.0%");
        assert_eq!(Unit::BasisPoints.format(5), "0.1%");
    }

    #[test]
    fn bar_lengths_are_proportional_and_the_longest_fills_the_span() {
        let svg = stages().bars();
        let span = WIDTH - LABEL_W - VALUE_W;
        assert!(
            svg.contains(&format!(r#"width="{span}""#)),
            "28 of 28 fills the span"
        );
        assert!(svg.contains(&format!(r#"width="{}""#, 5 * span / 28)));
        assert!(svg.contains(&format!(r#"width="{}""#, span / 28)));
    }

    #[test]
    fn stacked_segments_add_up_to_the_total_bar() {
        let mut c = Chart::new("筹资", "项目", Unit::Fen);
        c.category("1单元", None).category("2单元", None);
        c.series("政府补贴", vec![20_000_000, 7])
            .series("居民出资", vec![33_333_333, 3]);
        let svg = c.bars();
        let widths: Vec<i64> = svg
            .split(r#"<rect x=""#)
            .skip(1)
            .map(|r| {
                r.split(r#"width=""#)
                    .nth(1)
                    .unwrap()
                    .split('"')
                    .next()
                    .unwrap()
                    .parse()
                    .unwrap()
            })
            .collect();
        // Legend squares (12 wide) first, then the segments of each bar.
        let span = WIDTH - LABEL_W - VALUE_W;
        assert_eq!(
            widths[2] + widths[3],
            span,
            "the largest stack is exactly the span: {widths:?}"
        );
        assert!(
            c.table().contains("<td class=\"num\">533,333.33</td>"),
            "total column"
        );
    }

    #[test]
    fn text_is_escaped_and_links_are_kept_in_the_table() {
        let c = stages();
        let html = c.bars();
        assert!(html.contains("电梯项目 &lt;按阶段&gt;"));
        assert!(!html.contains("<按阶段>"));
        assert!(
            html.contains(r#"<a href="/b?stage=operation&amp;x=1">28</a>"#),
            "{html}"
        );
        assert!(html.contains(r#"<th scope="row">施工</th>"#));
    }

    #[test]
    fn series_are_padded_to_the_categories() {
        let mut c = Chart::new("t", "a", Unit::Count);
        c.category("x", None).category("y", None);
        c.series("s", vec![1]).series("u", vec![1, 2, 3]);
        assert_eq!(c.series[0].values, vec![1, 0]);
        assert_eq!(c.series[1].values, vec![1, 2]);
    }

    #[test]
    fn empty_and_zero_charts_draw_without_dividing_by_zero() {
        let c = Chart::new("空", "月份", Unit::Count);
        assert!(c.bars().contains("</svg>"));
        assert!(c.lines().contains("</svg>"));
        let mut z = Chart::new("零", "月份", Unit::Count);
        z.category("2026-10", None);
        z.series("s", vec![0]);
        assert!(z.lines().contains("<polyline"));
    }

    #[test]
    fn line_ticks_are_round_numbers() {
        assert_eq!(nice_ceiling(1), 1);
        assert_eq!(nice_ceiling(3), 5);
        assert_eq!(nice_ceiling(11), 20);
        assert_eq!(nice_ceiling(500), 500);
        assert_eq!(nice_ceiling(501), 1000);
        assert_eq!(nice_ceiling(i64::MAX), i64::MAX);
        let mut c = Chart::new("月度", "月份", Unit::BasisPoints);
        for m in ["2026-09", "2026-10", "2026-11"] {
            c.category(m, None);
        }
        c.series("满意率", vec![8000, 9000, 9500]);
        let svg = c.lines();
        assert!(
            svg.contains(">100%</text>") && svg.contains(">50%</text>"),
            "{svg}"
        );
        assert_eq!(svg.matches("<circle").count(), 3);
        c.series("办结率", vec![1, 2, 3]);
        assert!(!c.table().contains('∑'), "rates are not added up");
    }

    #[test]
    fn a_total_only_for_parts_and_each_value_leads_to_its_own_list() {
        let mut parts = Chart::new("按模式", "模式", Unit::Count);
        parts.category("自治", Some("/list?mode=self".into()));
        parts.series_linked(
            "三无",
            vec![3],
            vec![Some("/list?mode=self&status=three_no".into())],
        );
        parts.series("六有", vec![4]);
        let t = parts.table();
        assert!(t.contains(">∑<") && t.contains(">7<"), "{t}");
        assert!(
            t.contains(r#"<a href="/list?mode=self&amp;status=three_no">3</a>"#),
            "{t}"
        );
        assert!(
            t.contains(r#"<td class="num">4</td>"#),
            "not the whole row's list: {t}"
        );
        assert!(
            t.contains(r#"<th scope="row"><a href="/list?mode=self">自治</a>"#),
            "{t}"
        );

        let mut progress = Chart::new("进度", "季度", Unit::Count);
        progress.category("2026-Q3", None);
        progress.series("三无", vec![1826]);
        progress.series("六有", vec![1]);
        progress.series("已评", vec![2067]);
        progress.overlapping();
        let t = progress.table();
        assert!(!t.contains('∑') && !t.contains("3894"), "{t}");
    }

    #[test]
    fn the_status_grid_counts_each_status_and_leads_to_each_list() {
        let cells = |n: usize| -> Vec<Cell> {
            (0..n)
                .map(|i| Cell {
                    label: format!("小区{i}"),
                    status: usize::from(i % 4 == 0),
                })
                .collect()
        };
        let lists = [Some("/list?status=six_have".to_string()), None];
        let html = status_grid("状态", &["六有", "三无"], &cells(100), &lists);
        assert_eq!(
            html.matches("<rect x=").count(),
            102,
            "a square each, and two in the legend"
        );
        assert!(html.contains("<title>小区4 · 三无</title>"));
        assert!(
            !html.contains("<a href=\"/compounds"),
            "nothing focusable in the picture"
        );
        assert!(html.contains(r#"<th scope="row"><a href="/list?status=six_have">六有</a></th><td class="num">75</td>"#), "{html}");
        assert!(html.contains(r#"<th scope="row">三无</th><td class="num">25</td>"#));
        // A city: one path per status, a few dozen bytes per hundred compounds.
        let city = status_grid("状态", &["六有", "三无"], &cells(2067), &lists);
        assert_eq!(city.matches("<path ").count(), 2);
        assert!(!city.contains("<title>小区"));
        assert!(city.len() < 40 * 1024, "{} bytes", city.len());
        assert!(
            city.contains(r#"<td class="num">1,550</td>"#)
                || city.contains(r#"<td class="num">1550</td>"#),
            "{city}"
        );
    }

    #[test]
    fn integers_are_written_as_format_writes_them() {
        for n in [0, 1, -1, 9, 10, -12, 14, 628, 99_999, i64::MAX, i64::MIN] {
            let mut s = String::from("x");
            push_int(&mut s, n);
            assert_eq!(s, format!("x{n}"));
        }
    }

    #[test]
    fn the_same_data_gives_the_same_bytes() {
        assert_eq!(stages().bars(), stages().bars());
        assert_eq!(stages().lines(), stages().lines());
    }
}
