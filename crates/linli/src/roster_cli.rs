//! `linli import roster` and `linli export roster`: the roster's use cases at the command
//! line, with progress and every problem on stderr.

use anyhow::Context;
use linli_domain::Lang;
use linli_sheet::roster::{FileKind, Problem, Progress};
use linli_store::Store;
use std::path::Path;

/// The language of messages: `--lang`, else the environment's (`LC_ALL`, `LC_MESSAGES`,
/// `LANG`): English for an `en…` locale, Chinese otherwise.
pub fn lang(flag: Option<&str>) -> anyhow::Result<Lang> {
    let from_env = || {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|k| std::env::var(k).ok())
            .find(|v| !v.is_empty())
            .unwrap_or_default()
    };
    let code = flag
        .map(str::to_string)
        .unwrap_or_else(from_env)
        .to_ascii_lowercase();
    match flag {
        Some(f) if !matches!(f, "zh" | "en") => anyhow::bail!("--lang must be zh or en, not {f}"),
        _ => Ok(if code.starts_with("en") {
            Lang::En
        } else {
            Lang::Zh
        }),
    }
}

/// Columns wide enough for Chinese text: a CJK character takes two cells of a terminal.
fn width(s: &str) -> usize {
    s.chars()
        .map(|c| if (c as u32) >= 0x1100 { 2 } else { 1 })
        .sum()
}

fn pad(s: &str, to: usize) -> String {
    format!("{s}{}", " ".repeat(to.saturating_sub(width(s))))
}

/// Problems as a table: row, column letter, the sheet's header, the value, the problem.
fn print_table(title: &str, problems: &[Problem], lang: Lang) {
    if problems.is_empty() {
        return;
    }
    eprintln!("{title} ({})", problems.len());
    let head = [
        lang.pick("行", "Row"),
        lang.pick("列", "Col"),
        lang.pick("表头", "Header"),
        lang.pick("内容", "Value"),
        lang.pick("问题", "Problem"),
    ];
    let cells: Vec<[String; 5]> = problems
        .iter()
        .map(|p| {
            let header = if p.header.is_empty() {
                p.column_label(lang).to_string()
            } else {
                p.header.clone()
            };
            let value: String = p.value.chars().take(30).collect();
            [
                p.line.to_string(),
                p.letter.clone(),
                header,
                value,
                p.message(lang).to_string(),
            ]
        })
        .collect();
    let mut widths = head.map(width);
    for row in &cells {
        for (w, c) in widths.iter_mut().zip(row.iter()).take(4) {
            *w = (*w).max(width(c));
        }
    }
    let line = |row: [&str; 5]| {
        let mut out = String::new();
        for (i, c) in row.iter().enumerate() {
            if i < 4 {
                out.push_str(&pad(c, widths[i]));
                out.push_str("  ");
            } else {
                out.push_str(c);
            }
        }
        out.trim_end().to_string()
    };
    eprintln!("{}", line(head));
    for row in &cells {
        eprintln!("{}", line([&row[0], &row[1], &row[2], &row[3], &row[4]]));
    }
}

/// The peak resident memory of this process (VmHWM), in MiB, where Linux tells it.
pub fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kb / 1024.0)
}

/// Imports a roster file. Returns false when the file had problems and nothing was
/// written: the problems are printed as a table, and the caller exits with status 1
/// (a problem in the file is the user's to fix, not a crash: no backtrace).
pub async fn import(
    store: &Store,
    file: &Path,
    compound: i64,
    dry_run: bool,
    lang: Lang,
) -> anyhow::Result<bool> {
    let started = std::time::Instant::now();
    let f = match std::fs::File::open(file) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("{}: {e}", lang.pick("打不开文件", "Cannot open the file"));
            return Ok(false);
        }
    };
    let mut progress = |p: Progress| match p {
        Progress::Read(n) => eprintln!(
            "{}",
            match lang {
                Lang::Zh => format!("已读 {n} 行 …"),
                Lang::En => format!("read {n} rows …"),
            }
        ),
        Progress::Written(n, total) => eprintln!(
            "{}",
            match lang {
                Lang::Zh => format!("已写入 {n} / {total} 户 …"),
                Lang::En => format!("written {n} of {total} households …"),
            }
        ),
    };
    let done = match store
        .import_roster_file(compound, std::io::BufReader::new(f), dry_run, &mut progress)
        .await
    {
        Ok(d) => d,
        // Not the file's fault when internal; the others (no such compound) are the user's.
        Err(e) if e.status() < 500 => {
            eprintln!("{}", e.message(lang));
            return Ok(false);
        }
        Err(e) => return Err(anyhow::anyhow!("{}", e.message(Lang::En))),
    };
    let done = match done {
        Ok(d) => d,
        Err(e) => {
            eprintln!("{}", e.message(lang));
            eprintln!(
                "{}",
                lang.pick("没有导入任何数据。", "Nothing was imported.")
            );
            return Ok(false);
        }
    };
    let p = &done.preview;
    for n in &p.notes {
        eprintln!("{}", n.message(lang));
    }
    for r in &p.renamed {
        eprintln!("{} {r}", lang.pick("统一写法：", "Names made one:"));
    }
    print_table(lang.pick("提醒", "Warnings"), &p.warnings, lang);
    print_table(lang.pick("错误", "Errors"), &p.errors, lang);
    if !p.errors.is_empty() {
        eprintln!(
            "{}",
            match lang {
                Lang::Zh => format!(
                    "{} 处错误，没有导入任何数据。请改正后重新导入。",
                    p.errors.len()
                ),
                Lang::En => format!(
                    "{} problems; nothing was imported. Correct them and import again.",
                    p.errors.len()
                ),
            }
        );
        return Ok(false);
    }
    let counts = match (&done.applied, lang) {
        (Some(a), Lang::Zh) => format!(
            "新增 {}，修改 {}，不变 {}；业主 {} 人",
            a.created, a.updated, a.unchanged, p.people
        ),
        (Some(a), Lang::En) => format!(
            "created {}, updated {}, unchanged {}; {} owners",
            a.created, a.updated, a.unchanged, p.people
        ),
        (None, Lang::Zh) => format!(
            "将新增 {}，修改 {}，不变 {}（试运行，没有写入）",
            p.created, p.updated, p.unchanged
        ),
        (None, Lang::En) => format!(
            "would create {}, update {}, leave {} unchanged (dry run; nothing written)",
            p.created, p.updated, p.unchanged
        ),
    };
    println!("{counts}");
    let secs = started.elapsed().as_secs_f64();
    let n = p.created + p.updated + p.unchanged;
    eprintln!(
        "{n} households in {secs:.2} s ({:.0} households/s); peak memory {}",
        n as f64 / secs.max(1e-9),
        peak_rss_mib().map_or("unknown".to_string(), |m| format!("{m:.1} MiB"))
    );
    Ok(true)
}

pub async fn export(
    store: &Store,
    compound: i64,
    out: Option<&Path>,
    format: Option<&str>,
) -> anyhow::Result<()> {
    let kind = match format {
        Some(f) => {
            FileKind::parse(f).with_context(|| format!("--format must be xlsx or csv, not {f}"))?
        }
        None => out
            .and_then(|o| o.extension())
            .and_then(|e| FileKind::parse(&e.to_string_lossy()))
            .unwrap_or(FileKind::Csv),
    };
    let (_, bytes) = store
        .export_roster(None, compound, kind)
        .await
        .map_err(|e| anyhow::anyhow!("{}", e.message(Lang::En)))?;
    let lines = if kind == FileKind::Csv {
        bytes
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            .saturating_sub(1)
    } else {
        0
    };
    match out {
        Some(path) => {
            std::fs::write(path, &bytes).with_context(|| format!("writing {}", path.display()))?
        }
        None => std::io::Write::write_all(&mut std::io::stdout().lock(), &bytes)?,
    }
    if kind == FileKind::Csv {
        eprintln!("{lines} households");
    } else {
        eprintln!("written {} bytes", bytes.len());
    }
    Ok(())
}

pub fn template(out: &Path) -> anyhow::Result<()> {
    let kind = out
        .extension()
        .and_then(|e| FileKind::parse(&e.to_string_lossy()))
        .unwrap_or(FileKind::Xlsx);
    let bytes = linli_sheet::roster::template(kind).map_err(|e| anyhow::anyhow!("{e}"))?;
    std::fs::write(out, bytes).with_context(|| format!("writing {}", out.display()))?;
    eprintln!("template written to {}", out.display());
    Ok(())
}
