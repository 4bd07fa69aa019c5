//! `linli import roster` and `linli export roster`: the roster's use cases at the command
//! line, with progress and every problem on stderr.

use anyhow::Context;
use linli_domain::Lang;
use linli_store::Store;
use linli_store::roster::{FileKind, Problem, Progress};
use std::path::Path;

fn print_problem(kind: &str, p: &Problem) {
    eprintln!("{kind}{}", p.describe(Lang::Zh));
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

pub async fn import(
    store: &Store,
    file: &Path,
    compound: i64,
    dry_run: bool,
) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let f = std::fs::File::open(file).with_context(|| format!("opening {}", file.display()))?;
    let mut progress = |p: Progress| match p {
        Progress::Read(n) => eprintln!("read {n} rows …"),
        Progress::Written(n, total) => eprintln!("written {n} of {total} households …"),
    };
    let done = store
        .import_roster_file(compound, std::io::BufReader::new(f), dry_run, &mut progress)
        .await
        .map_err(|e| anyhow::anyhow!("{}", e.message(Lang::En)))?;
    let done = match done {
        Ok(d) => d,
        Err(e) => anyhow::bail!("{}\n{}", e.message(Lang::Zh), e.message(Lang::En)),
    };
    let p = &done.preview;
    for w in &p.warnings {
        print_problem("警告 ", w);
    }
    for e in &p.errors {
        print_problem("", e);
    }
    if !p.errors.is_empty() {
        anyhow::bail!("{} problems; nothing was imported", p.errors.len());
    }
    let counts = match &done.applied {
        Some(a) => format!(
            "created {}, updated {}, unchanged {}",
            a.created, a.updated, a.unchanged
        ),
        None => format!(
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
    Ok(())
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
    let bytes = linli_store::roster::template(kind)
        .map_err(|e| anyhow::anyhow!("{}", e.message(Lang::En)))?;
    std::fs::write(out, bytes).with_context(|| format!("writing {}", out.display()))?;
    eprintln!("template written to {}", out.display());
    Ok(())
}
