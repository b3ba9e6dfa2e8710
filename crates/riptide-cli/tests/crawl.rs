//! Crawl data in: WARC files, folders of saved pages, every character encoding, output files
//! and folders, and resuming an interrupted run.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use common::{command, fixture, json_lines, riptide, stderr, stdout};
use riptide::charset::encoding_rs::{Encoding, GBK, SHIFT_JIS, WINDOWS_1251, WINDOWS_1252};
use serde_json::Value;

/// A fresh folder for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("crawl")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create the test folder");
    dir
}

fn encode(encoding: &'static Encoding, text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding.encode(text);
    assert!(!unmappable, "the text fits {}", encoding.name());
    bytes.into_owned()
}

/// A page with `head` in its head and `text` as its one paragraph, in `encoding`.
fn page(encoding: &'static Encoding, head: &str, title: &str, text: &str) -> Vec<u8> {
    encode(
        encoding,
        &format!(
            "<!doctype html><html><head>{head}<title>{title}</title></head>\
             <body><article><h1>{title}</h1><p>{text}</p></article></body></html>"
        ),
    )
}

const FRENCH: &str = "Une crème onctueuse sous un caramel croquant, à déguster l'été.";
const RUSSIAN: &str =
    "Широкая электрификация южных губерний даст мощный толчок подъёму сельского хозяйства.";
const JAPANESE: &str = "吾輩は猫である。名前はまだ無い。どこで生れたかとんと見当がつかぬ。何でも薄暗いじめじめした所でニャーニャー泣いていた事だけは記憶している。";
const CHINESE: &str = "中华人民共和国是工人阶级领导的、以工农联盟为基础的人民民主专政的社会主义国家。社会主义制度是中华人民共和国的根本制度。";

/// One WARC record, written by hand as the standard says.
fn record(kind: &str, id: &str, uri: &str, content_type: &str, block: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "WARC/1.1\r\nWARC-Type: {kind}\r\nWARC-Record-ID: <urn:uuid:{id}>\r\n\
         WARC-Date: 2024-05-0{}T10:00:00Z\r\nWARC-Target-URI: {uri}\r\n\
         Content-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
        id.len() % 9 + 1,
        block.len()
    )
    .into_bytes();
    out.extend_from_slice(block);
    out.extend_from_slice(b"\r\n\r\n");
    out
}

fn http(status: &str, headers: &str, body: &[u8]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status}\r\n{headers}\r\n").into_bytes();
    out.extend_from_slice(body);
    out
}

fn response(id: &str, uri: &str, http_block: &[u8]) -> Vec<u8> {
    record(
        "response",
        id,
        uri,
        "application/http; msgtype=response",
        http_block,
    )
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(bytes).expect("gzip");
    gz.finish().expect("gzip")
}

/// The records of the test WARC, each whole: warcinfo, a UTF-8 page, a Shift_JIS page whose
/// charset is only in the HTTP header, an ISO-8859-1 page declared by its meta and served
/// chunked and gzipped, an image, a redirect, a request, a resource page in windows-1251.
fn good_records() -> Vec<Vec<u8>> {
    let chunked = {
        let body = gzip(&page(
            WINDOWS_1252,
            "<meta charset=\"iso-8859-1\">",
            "Crème brûlée",
            FRENCH,
        ));
        let (a, b) = body.split_at(body.len() / 2);
        let mut out = format!("{:x}\r\n", a.len()).into_bytes();
        out.extend_from_slice(a);
        out.extend_from_slice(format!("\r\n{:x}\r\n", b.len()).as_bytes());
        out.extend_from_slice(b);
        out.extend_from_slice(b"\r\n0\r\n\r\n");
        out
    };
    vec![
        record(
            "warcinfo",
            "info",
            "",
            "application/warc-fields",
            b"software: riptide tests\r\n",
        ),
        response(
            "utf8",
            "https://example.com/utf8",
            &http(
                "200 OK",
                "Content-Type: text/html; charset=utf-8\r\n",
                &page(
                    Encoding::for_label(b"utf-8").unwrap(),
                    "",
                    "Ünïcode",
                    FRENCH,
                ),
            ),
        ),
        response(
            "sjis",
            "https://example.jp/neko",
            &http(
                "200 OK",
                "Content-Type: text/html; charset=Shift_JIS\r\n",
                &page(SHIFT_JIS, "", "吾輩は猫である", JAPANESE),
            ),
        ),
        response(
            "latin1",
            "https://example.fr/dessert",
            &http(
                "200 OK",
                "Content-Type: text/html\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n",
                &chunked,
            ),
        ),
        response(
            "png",
            "https://example.com/logo.png",
            &http(
                "200 OK",
                "Content-Type: image/png\r\n",
                b"\x89PNG\r\n\x1a\nnot really",
            ),
        ),
        response(
            "redirect",
            "https://example.com/old",
            &http(
                "301 Moved Permanently",
                "Location: https://example.com/new\r\nContent-Type: text/html\r\n",
                b"<html><body>moved</body></html>",
            ),
        ),
        record(
            "request",
            "req",
            "https://example.com/utf8",
            "application/http; msgtype=request",
            b"GET /utf8 HTTP/1.1\r\nHost: example.com\r\n\r\n",
        ),
        record(
            "resource",
            "cyrillic",
            "https://example.ru/",
            "text/html",
            &page(
                WINDOWS_1251,
                "<meta charset=windows-1251>",
                "Электрификация",
                RUSSIAN,
            ),
        ),
    ]
}

/// Check the lines of the good records: one per page, in order, with its record's fields.
fn check_pages(lines: &[Value]) {
    let pages: Vec<&Value> = lines.iter().filter(|l| l.get("ok").is_some()).collect();
    let ids: Vec<&str> = pages.iter().map(|l| l["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [
            "<urn:uuid:utf8>",
            "<urn:uuid:sjis>",
            "<urn:uuid:latin1>",
            "<urn:uuid:cyrillic>"
        ]
    );
    assert_eq!(pages[0]["url"], "https://example.com/utf8");
    assert_eq!(pages[0]["date"], "2024-05-05T10:00:00Z");
    assert!(pages[0]["warc"].as_str().unwrap().contains("crawl"));
    let text = |i: usize| pages[i]["ok"]["text"].as_str().unwrap();
    assert!(text(0).contains(FRENCH), "{}", text(0));
    assert!(text(1).contains(JAPANESE), "{}", text(1));
    assert_eq!(pages[1]["encoding"]["charset"], "Shift_JIS");
    assert_eq!(pages[1]["encoding"]["from"], "header");
    assert!(text(2).contains(FRENCH), "{}", text(2));
    assert_eq!(pages[2]["ok"]["title"], "Crème brûlée");
    assert_eq!(pages[2]["encoding"]["charset"], "windows-1252");
    assert_eq!(pages[2]["encoding"]["from"], "meta");
    assert!(text(3).contains(RUSSIAN), "{}", text(3));
    assert_eq!(pages[3]["encoding"]["from"], "meta");
    for page in &pages {
        assert!(!page["ok"]["text"].as_str().unwrap().contains('\u{FFFD}'));
    }
}

#[test]
fn batch_reads_a_warc_and_goes_on_after_corrupt_and_truncated_records() {
    let dir = scratch("warc-plain");
    let good = good_records();
    let mut warc = Vec::new();
    for (i, rec) in good.iter().enumerate() {
        if i == 3 {
            // A corrupt record before the third page: its Content-Length runs 60 bytes into
            // the next record.
            let block = http(
                "200 OK",
                "Content-Type: text/html\r\n",
                b"<html><body>cut</body></html>",
            );
            let mut bad = response("corrupt", "https://example.com/cut", &block);
            let declared = format!("Content-Length: {}", block.len());
            let lying = format!("Content-Length: {}", block.len() + 60);
            let text = String::from_utf8(bad).unwrap().replace(&declared, &lying);
            bad = text.into_bytes();
            bad.truncate(bad.len() - 4);
            warc.extend_from_slice(&bad);
        }
        warc.extend_from_slice(rec);
    }
    // A record the file ends inside of.
    let last = response(
        "truncated",
        "https://example.com/end",
        &http("200 OK", "Content-Type: text/html\r\n", &[b'x'; 500]),
    );
    warc.extend_from_slice(&last[..last.len() - 300]);
    let path = dir.join("crawl.warc");
    std::fs::write(&path, &warc).unwrap();

    let out = riptide(
        &[
            "batch",
            "--jobs",
            "2",
            "--mode",
            "full",
            "--warc",
            path.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let lines = json_lines(&stdout(&out));
    check_pages(&lines);
    let errors: Vec<(&str, &str)> = lines
        .iter()
        .filter_map(|l| Some((l["id"].as_str()?, l.get("error")?["kind"].as_str()?)))
        .collect();
    assert_eq!(
        errors,
        [
            ("<urn:uuid:corrupt>", "warc_corrupt"),
            ("<urn:uuid:truncated>", "warc_truncated")
        ],
        "{lines:#?}"
    );
    let summary = stderr(&out);
    assert!(
        summary.contains("6 pages, 2 errors")
            && summary.contains("skipped: 1 not HTML, 1 HTTP status not 2xx, 2 other WARC records"),
        "{summary}"
    );
}

#[test]
fn batch_reads_gzipped_warcs_record_by_record_or_whole() {
    let dir = scratch("warc-gz");
    let good = good_records();
    let per_record: Vec<u8> = good.iter().flat_map(|r| gzip(r)).collect();
    let whole = gzip(&good.concat());
    let a = dir.join("a.warc.gz");
    let b = dir.join("b.warc.gz");
    std::fs::write(&a, &per_record).unwrap();
    std::fs::write(&b, &whole).unwrap();
    // A .gz cut short: its records before the cut are read, then one error line.
    let cut = dir.join("cut.warc.gz");
    std::fs::write(&cut, &per_record[..per_record.len() - 40]).unwrap();
    let out = riptide(
        &[
            "batch",
            "--mode",
            "full",
            "--warc",
            a.to_str().unwrap(),
            b.to_str().unwrap(),
            cut.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let lines = json_lines(&stdout(&out));
    check_pages(&lines[..4]);
    check_pages(&lines[4..8]);
    assert!(lines[..8].iter().all(|l| l.get("ok").is_some()));
    let rest = &lines[8..];
    assert_eq!(rest.len(), 4, "{rest:#?}");
    assert!(rest[..3].iter().all(|l| l.get("ok").is_some()));
    assert_eq!(rest[3]["error"]["kind"], "io");
    let message = rest[3]["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("cut.warc.gz") && message.contains("rest of the file is skipped"),
        "{message}"
    );
}

#[test]
fn a_missing_warc_is_an_error_line_and_the_next_file_is_read() {
    let dir = scratch("warc-missing");
    let path = dir.join("ok.warc");
    std::fs::write(&path, good_records().concat()).unwrap();
    let out = riptide(
        &[
            "batch",
            "--mode",
            "full",
            "--warc",
            "/nonexistent.warc",
            path.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let lines = json_lines(&stdout(&out));
    assert_eq!(lines[0]["id"], "/nonexistent.warc");
    let message = lines[0]["error"]["message"].as_str().unwrap();
    assert!(
        message.starts_with("could not open the WARC file /nonexistent.warc; check the path"),
        "{message}"
    );
    check_pages(&lines[1..]);
}

#[test]
fn batch_reads_a_folder_in_every_encoding_into_an_output_folder() {
    let dir = scratch("folder");
    let input = dir.join("pages");
    std::fs::create_dir_all(input.join("ru/deep")).unwrap();
    std::fs::create_dir_all(input.join("asia")).unwrap();
    let files: [(&str, Vec<u8>); 6] = [
        (
            "fr.html",
            page(
                WINDOWS_1252,
                "<meta charset=\"iso-8859-1\">",
                "Crème",
                FRENCH,
            ),
        ),
        (
            "ru/deep/cyr.htm",
            page(
                WINDOWS_1251,
                "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1251\">",
                "Губернии",
                RUSSIAN,
            ),
        ),
        (
            "asia/jp.html.gz",
            gzip(&page(SHIFT_JIS, "", "猫", JAPANESE)),
        ),
        (
            "asia/zh page.html",
            page(GBK, "<meta charset=gbk>", "国家", CHINESE),
        ),
        ("notes.txt", b"not a page".to_vec()),
        ("broken.html.gz", b"not gzip at all".to_vec()),
    ];
    for (name, bytes) in &files {
        std::fs::write(input.join(name), bytes).unwrap();
    }
    let output = dir.join("results");
    let out = riptide(
        &[
            "batch",
            "--mode",
            "full",
            "--input-dir",
            input.to_str().unwrap(),
            "--base-url",
            "https://saved.example/site",
            "--output-dir",
            output.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "", "the results go to the folder");
    assert!(
        stderr(&out).contains("5 pages, 1 errors"),
        "{}",
        stderr(&out)
    );
    let mut results: Vec<Value> = std::fs::read_dir(&output)
        .unwrap()
        .map(|e| serde_json::from_slice(&std::fs::read(e.unwrap().path()).unwrap()).unwrap())
        .collect();
    results.sort_by_key(|v| v["id"].as_str().unwrap().to_string());
    let by_name = |name: &str| {
        results
            .iter()
            .find(|v| v["id"].as_str().unwrap().ends_with(name))
            .unwrap_or_else(|| panic!("no result for {name}: {results:#?}"))
    };
    for (name, text, charset, from) in [
        ("fr.html", FRENCH, "windows-1252", "meta"),
        ("ru/deep/cyr.htm", RUSSIAN, "windows-1251", "meta"),
        ("asia/jp.html.gz", JAPANESE, "Shift_JIS", "sniffed"),
        ("asia/zh page.html", CHINESE, "GBK", "meta"),
    ] {
        let result = by_name(name);
        let got = result["ok"]["text"].as_str().unwrap();
        assert!(got.contains(text), "{name}: {got}");
        assert_eq!(result["encoding"]["charset"], charset, "{name}");
        assert_eq!(result["encoding"]["from"], from, "{name}");
        assert_eq!(result["id"], input.join(name).display().to_string());
    }
    assert_eq!(
        by_name("zh page.html")["url"],
        "https://saved.example/site/asia/zh%20page.html"
    );
    assert_eq!(by_name("broken.html.gz")["error"]["kind"], "io");
    assert_eq!(results.len(), 5, "notes.txt is not a page");
    // The folder holds results now: a second run must resume or choose another output.
    let again = riptide(
        &[
            "batch",
            "--input-dir",
            input.to_str().unwrap(),
            "--output-dir",
            output.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(again.status.code(), Some(2));
    assert!(
        stderr(&again).contains("pass --resume"),
        "{}",
        stderr(&again)
    );
    let resumed = riptide(
        &[
            "batch",
            "--input-dir",
            input.to_str().unwrap(),
            "--output-dir",
            output.to_str().unwrap(),
            "--resume",
        ],
        None,
    );
    assert_eq!(resumed.status.code(), Some(0), "{}", stderr(&resumed));
    assert!(
        stderr(&resumed).contains("0 pages, 0 errors")
            && stderr(&resumed).contains("5 already in the output"),
        "{}",
        stderr(&resumed)
    );
}

#[test]
fn extract_decodes_a_latin1_page_from_a_file_or_stdin() {
    let dir = scratch("extract-latin1");
    let bytes = page(
        WINDOWS_1252,
        "<meta charset=\"iso-8859-1\">",
        "Café crème brûlée",
        FRENCH,
    );
    let path = dir.join("dessert.html");
    std::fs::write(&path, &bytes).unwrap();
    for (input, stdin) in [
        (path.to_str().unwrap(), None),
        ("-", Some(bytes.as_slice())),
    ] {
        let out = riptide(
            &[
                "extract",
                input,
                "--url",
                "https://e.fr/",
                "--mode",
                "full",
                "--format",
                "text",
            ],
            stdin,
        );
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert_eq!(stdout(&out), format!("Café crème brûlée\n\n{FRENCH}\n"));
    }
    // No declaration in the page: the charset given as the HTTP header decodes it.
    let sjis = encode(SHIFT_JIS, &format!("<p>{JAPANESE}</p>"));
    let out = riptide(
        &[
            "extract",
            "-",
            "--url",
            "https://e.jp/",
            "--mode",
            "full",
            "--format",
            "text",
            "--content-type",
            "text/html; charset=shift_jis",
        ],
        Some(&sjis),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), format!("{JAPANESE}\n"));
}

#[test]
fn batch_path_lines_are_decoded_with_their_content_type() {
    let dir = scratch("jsonl-paths");
    let cyr = dir.join("cyr.html");
    std::fs::write(
        &cyr,
        page(
            WINDOWS_1251,
            "<meta charset=windows-1251>",
            "Губернии",
            RUSSIAN,
        ),
    )
    .unwrap();
    let zh = dir.join("zh.html");
    std::fs::write(&zh, encode(GBK, &format!("<p>{CHINESE}</p>"))).unwrap();
    let input = format!(
        "{}\n{}\n{}\n",
        serde_json::json!({"id": "cyr", "url": "https://e.ru/", "path": cyr, "mode": "full"}),
        serde_json::json!({"id": "zh", "url": "https://e.cn/", "path": zh, "mode": "full", "content_type": "text/html; charset=GB2312"}),
        serde_json::json!({"id": "bad", "url": "https://e.cn/", "html": "<p>x</p>", "content_type": "text/html"}),
    );
    let out = riptide(&["batch"], Some(input.as_bytes()));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let lines = json_lines(&stdout(&out));
    assert!(lines[0]["ok"]["text"].as_str().unwrap().contains(RUSSIAN));
    assert_eq!(lines[0]["encoding"]["charset"], "windows-1251");
    assert_eq!(lines[1]["ok"]["text"], CHINESE);
    assert_eq!(lines[1]["encoding"]["charset"], "GBK");
    assert_eq!(lines[1]["encoding"]["from"], "header");
    assert_eq!(lines[2]["error"]["kind"], "invalid_line");
}

/// Adjacent blocks with no whitespace between them never glue into one word.
#[test]
fn words_never_glue_across_blocks() {
    let html = "<h1>Café crème brûlée</h1><p>Une crème…</p>";
    for (mode, format) in [
        ("full", "text"),
        ("full", "markdown"),
        ("article", "markdown"),
    ] {
        let out = riptide(
            &[
                "extract",
                "-",
                "--url",
                "https://e.fr/",
                "--mode",
                mode,
                "--format",
                format,
            ],
            Some(html.as_bytes()),
        );
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let text = stdout(&out);
        assert!(!text.contains("brûléeUne"), "{mode} {format}: {text}");
        assert!(text.contains("Une crème…"), "{mode} {format}: {text}");
        if format == "markdown" {
            assert!(text.starts_with("# Café crème brûlée\n"), "{mode}: {text}");
        }
    }
}

/// Kill a run writing to --output halfway, resume it: every id is in the file exactly once.
#[test]
fn resume_after_a_killed_run_writes_every_id_exactly_once() {
    use std::io::{BufRead, BufReader};

    let dir = scratch("resume");
    let input = dir.join("pages");
    std::fs::create_dir_all(&input).unwrap();
    let article = std::fs::read(fixture("readability-nytimes-1.html")).unwrap();
    let n = 24;
    for i in 0..n {
        std::fs::write(input.join(format!("page{i:02}.html")), &article).unwrap();
    }
    let output = dir.join("results.jsonl");
    let args = [
        "batch",
        "--jobs",
        "1",
        "--input-dir",
        input.to_str().unwrap(),
        "--output",
        output.to_str().unwrap(),
    ];
    let mut child = command(&args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run riptide");
    // Wait for a few results, then kill it without warning.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    loop {
        let written = std::fs::read_to_string(&output)
            .unwrap_or_default()
            .lines()
            .count();
        if written >= 3 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no results after 120 s"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.kill().expect("kill riptide");
    child.wait().expect("riptide ends");
    let first = std::fs::read_to_string(&output).unwrap();
    let done_before = first.matches('\n').count();
    assert!(
        done_before < n,
        "the run was killed before the end ({done_before} of {n})"
    );

    let out = riptide(&[&args[..], &["--resume"]].concat(), None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = std::fs::read_to_string(&output).unwrap();
    let reader = BufReader::new(text.as_bytes());
    let mut ids: Vec<String> = reader
        .lines()
        .map(|l| {
            let line: Value = serde_json::from_str(&l.unwrap()).expect("every line is whole JSON");
            assert!(line["ok"]["title"].is_string(), "{line}");
            line["id"].as_str().unwrap().to_string()
        })
        .collect();
    ids.sort();
    let expected: Vec<String> = (0..n)
        .map(|i| input.join(format!("page{i:02}.html")).display().to_string())
        .collect();
    assert_eq!(ids, expected);
    assert!(
        stderr(&out).contains(&format!("{done_before} already in the output")),
        "{}",
        stderr(&out)
    );
}
