//! `riptide serve` as a client sees it: the release binary on a loopback port, the tiny page
//! posted as `text/html` to `/v1/extract` over kept-alive HTTP/1.1 connections, at
//! concurrency 1 and = cores; against the same page through `riptide::Extractor` in this
//! process (the library call the server wraps): the difference of the p50s is what HTTP adds.
//!
//! The client is a minimal blocking HTTP/1.1 one on `std::net` (one request, then its whole
//! answer, per round trip): its own cost is a write and a read on loopback, not a client
//! library's machinery.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::util::{cores, median, quantile, us};

/// What was measured.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(super) struct HttpFigures {
    /// The page posted, in bytes.
    pub page_bytes: usize,
    /// Timed requests at each concurrency.
    pub requests: usize,
    /// Concurrency of the second row (= cores).
    pub concurrency: usize,
    /// Requests per second, p50 and p99 latency (µs) at concurrency 1.
    pub c1_rps: f64,
    pub c1_p50_us: f64,
    pub c1_p99_us: f64,
    /// The same at concurrency = cores.
    pub cn_rps: f64,
    pub cn_p50_us: f64,
    pub cn_p99_us: f64,
    /// `Extractor::extract` in-process on the same page, p50 (µs), concurrency 1.
    pub library_p50_us: f64,
    /// HTTP p50 − library p50 at concurrency 1 (µs).
    pub overhead_p50_us: f64,
}

/// The server, killed when dropped.
struct Server {
    child: Child,
    address: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Start `cli serve --bind 127.0.0.1:0` and read its address from its log; the rest of the
/// log (a line per request) is drained in a thread.
fn start(cli: &Path, cache_home: &Path) -> Result<Server, String> {
    let mut child = Command::new(cli)
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env("XDG_CACHE_HOME", cache_home)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not run {} serve: {e}", cli.display()))?;
    let stderr = child.stderr.take().ok_or("no stderr")?;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut tx = Some(tx);
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(at) = line.find("listening on http://") {
                let address = line[at + "listening on http://".len()..]
                    .split_whitespace()
                    .next()
                    .unwrap_or_default()
                    .to_string();
                if let Some(tx) = tx.take() {
                    let _ = tx.send(address);
                }
            }
        }
    });
    let mut server = Server {
        child,
        address: String::new(),
    };
    server.address = rx
        .recv_timeout(Duration::from_secs(120))
        .map_err(|_| format!("{} serve logged no address within 2 minutes", cli.display()))?;
    Ok(server)
}

/// One kept-alive connection posting the same page.
struct Connection {
    stream: BufReader<TcpStream>,
    request: Vec<u8>,
}

impl Connection {
    fn open(address: &str, url: &str, html: &str) -> Result<Connection, String> {
        let stream = TcpStream::connect(address).map_err(|e| format!("connect {address}: {e}"))?;
        stream.set_nodelay(true).map_err(|e| e.to_string())?;
        let query: String = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("url", url)
            .finish();
        let mut request = format!(
            "POST /v1/extract?{query} HTTP/1.1\r\nHost: {address}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\r\n",
            html.len()
        )
        .into_bytes();
        request.extend_from_slice(html.as_bytes());
        Ok(Connection {
            stream: BufReader::new(stream),
            request,
        })
    }

    /// One request and its whole answer; an error unless the status is 200.
    fn round_trip(&mut self) -> Result<(), String> {
        self.stream
            .get_mut()
            .write_all(&self.request)
            .map_err(|e| format!("send: {e}"))?;
        let mut status = String::new();
        self.stream
            .read_line(&mut status)
            .map_err(|e| format!("read: {e}"))?;
        let mut length = 0usize;
        loop {
            let mut line = String::new();
            self.stream
                .read_line(&mut line)
                .map_err(|e| format!("read: {e}"))?;
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().map_err(|e| format!("{line}: {e}"))?;
            }
        }
        let mut body = vec![0; length];
        self.stream
            .read_exact(&mut body)
            .map_err(|e| format!("read: {e}"))?;
        if !status.starts_with("HTTP/1.1 200") {
            return Err(format!(
                "{}: {}",
                status.trim_end(),
                String::from_utf8_lossy(&body)
            ));
        }
        Ok(())
    }
}

/// `requests` round trips spread over `concurrency` connections (threads): the latencies
/// (µs) and the wall time.
fn load(
    address: &str,
    url: &str,
    html: &str,
    concurrency: usize,
    requests: usize,
) -> Result<(Vec<f64>, Duration), String> {
    let per_thread = requests.div_ceil(concurrency);
    let mut connections = (0..concurrency)
        .map(|_| Connection::open(address, url, html))
        .collect::<Result<Vec<_>, _>>()?;
    let started = Instant::now();
    let results: Vec<Result<Vec<f64>, String>> = std::thread::scope(|scope| {
        let handles: Vec<_> = connections
            .iter_mut()
            .map(|connection| {
                scope.spawn(move || {
                    let mut latencies = Vec::with_capacity(per_thread);
                    for _ in 0..per_thread {
                        let t = Instant::now();
                        connection.round_trip()?;
                        latencies.push(us(t.elapsed()));
                    }
                    Ok(latencies)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err("a client thread panicked".into()))
            })
            .collect()
    });
    let wall = started.elapsed();
    let mut all = Vec::with_capacity(per_thread * concurrency);
    for r in results {
        all.extend(r?);
    }
    Ok((all, wall))
}

/// Measure the server of `cli` and the library on the page `html` at `url`.
///
/// # Errors
/// When the server does not start or answers anything but 200.
pub(super) async fn measure(
    cli: &Path,
    cache_home: &Path,
    html: &str,
    url: &str,
    requests: usize,
) -> Result<HttpFigures, String> {
    // The library call the server makes, with the same (default) pool, the same bundled
    // component and artifact cache.
    let config = riptide::PoolConfig::builder()
        .cache_dir(cache_home.join("riptide"))
        .build()
        .map_err(|e| e.to_string())?;
    let extractor = riptide::Extractor::builder()
        .pool_config(config)
        .build()
        .await
        .map_err(|e| e.to_string())?;
    let mode = riptide::ExtractionMode::Article;
    for _ in 0..requests / 10 + 10 {
        extractor
            .extract(html, url, mode.clone())
            .await
            .map_err(|e| e.to_string())?;
    }
    let mut library = Vec::with_capacity(requests);
    for _ in 0..requests {
        let t = Instant::now();
        extractor
            .extract(html, url, mode.clone())
            .await
            .map_err(|e| e.to_string())?;
        library.push(us(t.elapsed()));
    }
    extractor.shutdown().await;

    let server = start(cli, cache_home)?;
    let n = cores();
    let (address, url_owned, html_owned) =
        (server.address.clone(), url.to_string(), html.to_string());
    let ((c1, c1_wall), (cn, cn_wall)) = tokio::task::spawn_blocking(move || {
        // Warm-up: the hot tier filled, the connections' first requests out of the way.
        load(&address, &url_owned, &html_owned, n, requests / 5 + 10)?;
        let c1 = load(&address, &url_owned, &html_owned, 1, requests)?;
        let cn = load(&address, &url_owned, &html_owned, n, requests)?;
        Ok::<_, String>((c1, cn))
    })
    .await
    .map_err(|e| format!("the HTTP client failed: {e}"))??;
    drop(server);

    let rps = |latencies: &[f64], wall: Duration| latencies.len() as f64 / wall.as_secs_f64();
    let library_p50_us = median(&library);
    let c1_p50_us = quantile(&c1, 0.5);
    Ok(HttpFigures {
        page_bytes: html.len(),
        requests,
        concurrency: n,
        c1_rps: rps(&c1, c1_wall),
        c1_p50_us,
        c1_p99_us: quantile(&c1, 0.99),
        cn_rps: rps(&cn, cn_wall),
        cn_p50_us: quantile(&cn, 0.5),
        cn_p99_us: quantile(&cn, 0.99),
        library_p50_us,
        overhead_p50_us: c1_p50_us - library_p50_us,
    })
}
