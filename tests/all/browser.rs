//! The HTML report in a real browser: headless Chromium renders a two-month
//! Kent report to PNG (desktop and phone widths) and to PDF (A4). Skipped,
//! saying why, when no Chromium is installed, unless
//! GROUNDS_REQUIRE_BROWSER=1 (set by .ci/run after .ci/browser-setup.sh).
//! The files stay in target/browser-artifacts/ for people to look at.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::*;
use crate::html_cli::{assessed_workspace, check_self_contained, check_well_formed};

fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    for name in ["chromium", "chromium-browser"] {
        for dir in std::env::split_paths(&path) {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    let debian = PathBuf::from("/usr/bin/chromium");
    debian.is_file().then_some(debian)
}

/// target/browser-artifacts, next to the test binary's profile folder.
fn artifacts() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    // target/<profile>/deps/all-<hash>
    let target = exe
        .ancestors()
        .nth(3)
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"));
    let dir = target.join("browser-artifacts");
    fs::create_dir_all(&dir).expect("an artifacts folder");
    dir
}

/// Runs headless Chromium on `page` with `extra` flags; fails after two minutes.
fn run_chromium(browser: &Path, page: &Path, extra: &[String]) {
    let profile = tempfile::tempdir().expect("a fresh profile folder");
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--no-first-run",
            "--disable-quic",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--disable-dev-shm-usage",
            "--hide-scrollbars",
            // A request to anywhere would fail rather than leave the machine.
            "--proxy-server=127.0.0.1:9",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("chromium starts");
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("waiting for chromium") {
            if !status.success() {
                let mut err = String::new();
                if let Some(mut stderr) = child.stderr.take() {
                    use std::io::Read;
                    let _ = stderr.read_to_string(&mut err);
                }
                panic!("chromium {extra:?} failed ({status}): {err}");
            }
            return;
        }
        if started.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("chromium {extra:?} took more than two minutes");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Width, height and the total size of the compressed pixel data (IDAT).
fn png_facts(bytes: &[u8]) -> (u32, u32, usize) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "a PNG signature");
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    let (mut width, mut height, mut idat) = (0, 0, 0);
    let mut at = 8;
    while at + 8 <= bytes.len() {
        let length = be(&bytes[at..]) as usize;
        let kind = &bytes[at + 4..at + 8];
        if kind == b"IHDR" {
            width = be(&bytes[at + 8..]);
            height = be(&bytes[at + 12..]);
        } else if kind == b"IDAT" {
            idat += length;
        }
        at += 12 + length;
    }
    (width, height, idat)
}

/// PDF pages: `/Type /Page` objects, not the `/Type /Pages` tree.
fn pdf_pages(bytes: &[u8]) -> usize {
    let text = String::from_utf8_lossy(bytes);
    let mut pages = 0;
    for (i, _) in text.match_indices("/Type") {
        let rest = text[i + 5..].trim_start();
        if let Some(after) = rest.strip_prefix("/Page") {
            if !after.starts_with(|c: char| c.is_ascii_alphanumeric()) {
                pages += 1;
            }
        }
    }
    pages
}

#[test]
fn chromium_renders_the_report_to_png_and_a_multi_page_pdf() {
    let Some(browser) = chromium() else {
        if std::env::var("GROUNDS_REQUIRE_BROWSER").as_deref() == Ok("1") {
            panic!(
                "GROUNDS_REQUIRE_BROWSER=1 but no Chromium was found (chromium or chromium-browser on PATH, or /usr/bin/chromium): run .ci/browser-setup.sh"
            );
        }
        println!(
            "browser test skipped: no Chromium found (chromium or chromium-browser on PATH, or /usr/bin/chromium); .ci/browser-setup.sh installs it"
        );
        return;
    };
    let started = Instant::now();
    let ws = assessed_workspace(&[("2019-01", KENT_JAN), ("2019-02", KENT_FEB)], 0);
    ws.grounds()
        .args(["report", "--format", "html", "--out", "report.html"])
        .assert()
        .success();
    let html = fs::read_to_string(ws.path("report.html")).unwrap();
    check_well_formed(&html).unwrap();
    check_self_contained(&html).unwrap();
    assert_eq!(html.matches("id=\"chart-trend\"").count(), 1);

    let out = artifacts();
    let page = out.join("report.html");
    fs::write(&page, &html).unwrap();
    let blank = out.join("blank.html");
    fs::write(
        &blank,
        "<!DOCTYPE html><html><head><title>blank</title></head><body></body></html>",
    )
    .unwrap();

    let shot = |name: &str, page: &Path, size: (u32, u32)| -> Vec<u8> {
        let path = out.join(name);
        let _ = fs::remove_file(&path);
        run_chromium(
            &browser,
            page,
            &[
                format!("--screenshot={}", path.display()),
                format!("--window-size={},{}", size.0, size.1),
            ],
        );
        fs::read(&path).unwrap_or_else(|e| panic!("no screenshot {}: {e}", path.display()))
    };
    let baseline = shot("blank.png", &blank, (1280, 2000));
    let desktop = shot("report-desktop.png", &page, (1280, 2000));
    let phone = shot("report-phone.png", &page, (390, 1600));
    let (_, _, blank_idat) = png_facts(&baseline);
    for (name, png, size) in [
        ("desktop", &desktop, (1280, 2000)),
        ("phone", &phone, (390, 1600)),
    ] {
        let (width, height, idat) = png_facts(png);
        assert_eq!((width, height), size, "{name} screenshot size");
        // An empty page compresses to almost nothing; text and charts do not.
        assert!(
            idat > 20_000 && idat > 5 * blank_idat,
            "{name} screenshot looks blank: {idat} bytes of pixels, a blank page has {blank_idat}"
        );
    }

    // The public version, for people to look at; the same checks hold.
    let public = ws
        .grounds()
        .args(["report", "--format", "html", "--public"])
        .output()
        .unwrap();
    assert!(public.status.success());
    let public_page = out.join("report-public.html");
    fs::write(&public_page, &public.stdout).unwrap();
    let (_, _, idat) = png_facts(&shot("report-public.png", &public_page, (1280, 2000)));
    assert!(idat > 5 * blank_idat, "the public report renders");

    let pdf_path = out.join("report.pdf");
    let _ = fs::remove_file(&pdf_path);
    run_chromium(
        &browser,
        &page,
        &[
            format!("--print-to-pdf={}", pdf_path.display()),
            "--no-pdf-header-footer".into(),
        ],
    );
    let pdf = fs::read(&pdf_path).expect("a PDF");
    assert!(pdf.starts_with(b"%PDF-"), "a PDF file");
    let pages = pdf_pages(&pdf);
    assert!(
        pages > 1,
        "a two-month report prints on more than one page, got {pages}"
    );
    println!(
        "browser test: {} ({pages} PDF pages, screenshots in {}) in {:.1?}",
        browser.display(),
        out.display(),
        started.elapsed()
    );
}

#[test]
fn pdf_pages_counts_page_objects_not_the_page_tree() {
    let pdf =
        b"<< /Type /Pages /Kids [3 0 R 4 0 R] >> << /Type /Page >> <</Type/Page/Parent 2 0 R>>";
    assert_eq!(pdf_pages(pdf), 2);
}

#[test]
fn png_facts_reads_the_header_and_adds_up_pixel_data() {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let chunk = |kind: &[u8], data: &[u8]| {
        let mut c = (data.len() as u32).to_be_bytes().to_vec();
        c.extend(kind);
        c.extend(data);
        c.extend([0; 4]);
        c
    };
    let mut ihdr = 640u32.to_be_bytes().to_vec();
    ihdr.extend(480u32.to_be_bytes());
    ihdr.extend([8, 6, 0, 0, 0]);
    png.extend(chunk(b"IHDR", &ihdr));
    png.extend(chunk(b"IDAT", &[1; 100]));
    png.extend(chunk(b"IDAT", &[2; 50]));
    png.extend(chunk(b"IEND", &[]));
    assert_eq!(png_facts(&png), (640, 480, 150));
}
