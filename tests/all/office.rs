//! Running real office software for the workbook tests: LibreOffice
//! (soffice) to re-save and render, openpyxl to fill, pdftoppm to rasterise.
//! Missing programs skip the tests, saying so, unless GROUNDS_REQUIRE_OFFICE=1.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::*;

pub(crate) struct Office {
    soffice: PathBuf,
    python: PathBuf,
    pub(crate) pdftoppm: PathBuf,
}

fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

/// A Python that has openpyxl: the one on PATH, else Debian's (which
/// python3-openpyxl serves).
fn python_with_openpyxl() -> Option<PathBuf> {
    [on_path("python3"), Some(PathBuf::from("/usr/bin/python3"))]
        .into_iter()
        .flatten()
        .find(|python| {
            Command::new(python)
                .args(["-c", "import openpyxl"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        })
}

pub(crate) fn office() -> Option<Office> {
    let soffice = on_path("soffice").or_else(|| {
        let debian = PathBuf::from("/usr/lib/libreoffice/program/soffice");
        debian.is_file().then_some(debian)
    });
    let found = (soffice, python_with_openpyxl(), on_path("pdftoppm"));
    if let (Some(soffice), Some(python), Some(pdftoppm)) = found {
        return Some(Office {
            soffice,
            python,
            pdftoppm,
        });
    }
    let missing: Vec<&str> = [
        (found.0.is_none(), "LibreOffice (soffice)"),
        (found.1.is_none(), "Python's openpyxl"),
        (found.2.is_none(), "pdftoppm (poppler-utils)"),
    ]
    .into_iter()
    .filter_map(|(gone, what)| gone.then_some(what))
    .collect();
    if std::env::var("GROUNDS_REQUIRE_OFFICE").as_deref() == Ok("1") {
        panic!(
            "GROUNDS_REQUIRE_OFFICE=1 but {} not found: run .ci/office-setup.sh",
            missing.join(", ")
        );
    }
    eprintln!(
        "WORKBOOK OFFICE TEST SKIPPED: {} not found; .ci/office-setup.sh installs them",
        missing.join(", ")
    );
    None
}

/// Runs a command to completion; fails after three minutes or on failure.
pub(crate) fn run(command: &mut Command, what: &str) {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|err| panic!("{what} does not start: {err}"));
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("waiting") {
            let mut out = String::new();
            if let Some(mut stderr) = child.stderr.take() {
                let _ = stderr.read_to_string(&mut out);
            }
            if let Some(mut stdout) = child.stdout.take() {
                let _ = stdout.read_to_string(&mut out);
            }
            assert!(status.success(), "{what} failed ({status}): {out}");
            return;
        }
        if started.elapsed() > Duration::from_secs(180) {
            let _ = child.kill();
            panic!("{what} took more than three minutes");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

impl Office {
    /// `soffice --convert-to FORMAT` of `file` into `out`, with a profile of
    /// its own so that tests running at once do not share one.
    pub(crate) fn convert(&self, file: &Path, format: &str, out: &Path) -> PathBuf {
        let profile = tempfile::tempdir().unwrap();
        fs::create_dir_all(out).unwrap();
        run(
            Command::new(&self.soffice)
                .arg(format!(
                    "-env:UserInstallation=file://{}",
                    profile.path().display()
                ))
                .args([
                    "--headless",
                    "--norestore",
                    "--convert-to",
                    format,
                    "--outdir",
                ])
                .arg(out)
                .arg(file),
            &format!("soffice --convert-to {format}"),
        );
        let extension = format.split(':').next().unwrap();
        let converted = out
            .join(file.file_stem().unwrap())
            .with_extension(extension);
        assert!(converted.is_file(), "soffice wrote {}", converted.display());
        converted
    }

    /// Opens a CSV as a UK user's LibreOffice does (en-GB, dates typed into
    /// cells recognised as dates) and saves it as CSV again, into `out`.
    pub(crate) fn resave_csv_en_gb(&self, file: &Path, out: &Path) -> PathBuf {
        let profile = tempfile::tempdir().unwrap();
        fs::create_dir_all(out).unwrap();
        run(
            Command::new(&self.soffice)
                .env("LC_ALL", "en_GB.UTF-8")
                .env("LANG", "en_GB.UTF-8")
                .arg(format!(
                    "-env:UserInstallation=file://{}",
                    profile.path().display()
                ))
                .args(["--headless", "--norestore"])
                // comma, double quote, UTF-8, from line 1, en-GB (2057), detect dates.
                .arg("--infilter=CSV:44,34,76,1,,2057,false,true")
                .args([
                    "--convert-to",
                    "csv:Text - txt - csv (StarCalc):44,34,76,1",
                    "--outdir",
                ])
                .arg(out)
                .arg(file),
            "soffice --convert-to csv (en-GB)",
        );
        let converted = out.join(file.file_name().unwrap());
        assert!(converted.is_file(), "soffice wrote {}", converted.display());
        converted
    }

    pub(crate) fn fill(&self, source: &Path, target: &Path, spec: &serde_json::Value) {
        let spec_path = target.with_extension("json");
        fs::write(&spec_path, spec.to_string()).unwrap();
        run(
            Command::new(&self.python)
                .arg(data("workbook/fill_workbook.py"))
                .args([source, target, &spec_path]),
            "fill_workbook.py (openpyxl)",
        );
    }
}

/// target/workbook-artifacts, beside the test binary's profile folder.
pub(crate) fn artifacts() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    let target = exe
        .ancestors()
        .nth(3)
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"));
    let dir = target.join("workbook-artifacts");
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// Decodes the PNG and checks it shows something: many colours, a fair
/// share of pixels that are not the background.
pub(crate) fn check_not_blank(png_path: &Path) {
    let decoder = png::Decoder::new(std::io::BufReader::new(fs::File::open(png_path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut pixels).unwrap();
    let channels = info.color_type.samples();
    let pixels = &pixels[..info.buffer_size()];
    assert!(
        info.width > 300 && info.height > 200,
        "{}x{}",
        info.width,
        info.height
    );
    let background = &pixels[..channels];
    let differing = pixels.chunks(channels).filter(|p| p != &background).count();
    let colours: std::collections::HashSet<&[u8]> = pixels.chunks(channels).collect();
    let share = differing as f64 / (info.width * info.height) as f64;
    assert!(
        colours.len() > 16 && share > 0.02,
        "{} looks blank: {} colours, {:.1}% not background",
        png_path.display(),
        colours.len(),
        share * 100.0
    );
}
