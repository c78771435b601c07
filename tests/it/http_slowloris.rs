//! Slow and stuck clients cannot hold the HTTP server: a connection that never finishes its
//! request headers is closed after the header-read timeout, and on shutdown open
//! connections get a bounded drain, so the daemon still exits promptly.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use triaged::http::Limits;
use triaged::metrics::Metrics;
use triaged::shutdown::Shutdown;

const HALF_A_REQUEST: &[u8] = b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: 1";

/// A server on 127.0.0.1:0 with `limits`, and the token that stops it.
async fn start(
    limits: Limits,
) -> (
    SocketAddr,
    tokio_util::sync::CancellationToken,
    tokio::task::JoinHandle<std::io::Result<()>>,
) {
    let router = triaged::http::router(Shutdown::new(), Arc::new(Metrics::new()), None);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let stop = tokio_util::sync::CancellationToken::new();
    let stopped = stop.clone();
    let (addr, server) = triaged::http::serve_on_with_limits(
        listener,
        router,
        async move { stopped.cancelled().await },
        limits,
    )
    .unwrap();
    (addr, stop, server)
}

/// Opens a connection and sends half a request: no blank line ending the headers.
async fn half_sent(addr: SocketAddr) -> TcpStream {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(HALF_A_REQUEST).await.unwrap();
    stream
}

/// Reads until the server closes the connection (EOF or reset), within `within`; returns
/// what it sent first (hyper may answer 408 before closing).
async fn closed_by_server(stream: &mut TcpStream, within: Duration) -> Vec<u8> {
    let mut got = Vec::new();
    let read = tokio::time::timeout(within, async {
        let mut buf = [0u8; 1024];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => got.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    assert!(
        read.is_ok(),
        "the server kept a half-sent request open for {within:?}"
    );
    got
}

crate::trial!(
    multi_thread,
    a_half_sent_request_is_closed_after_the_header_timeout
);
async fn a_half_sent_request_is_closed_after_the_header_timeout() {
    let timeout = Duration::from_millis(600);
    let (addr, stop, server) = start(Limits {
        header_read_timeout: timeout,
        ..Limits::default()
    })
    .await;
    let opened = Instant::now();
    let mut slow = half_sent(addr).await;

    // Still open well before the timeout, and other connections are served meanwhile.
    let mut byte = [0u8; 1];
    assert!(
        tokio::time::timeout(Duration::from_millis(150), slow.read(&mut byte))
            .await
            .is_err(),
        "closed before the header timeout"
    );
    let ok = reqwest::get(format!("http://{addr}/healthz"))
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    assert_eq!(ok.text().await.unwrap(), "ok\n");

    let sent = closed_by_server(&mut slow, Duration::from_secs(5)).await;
    let took = opened.elapsed();
    assert!(
        took >= timeout,
        "closed after {took:?}, before the {timeout:?} timeout"
    );
    let sent = String::from_utf8_lossy(&sent);
    assert!(
        sent.is_empty() || sent.starts_with("HTTP/1.1 408"),
        "answered a half-sent request: {sent}"
    );

    // A complete request on a fresh connection still gets its answer.
    assert_eq!(
        reqwest::get(format!("http://{addr}/healthz"))
            .await
            .unwrap()
            .status(),
        200
    );
    stop.cancel();
    tokio::time::timeout(Duration::from_secs(5), server)
        .await
        .expect("server ended")
        .unwrap()
        .unwrap();
}

crate::trial!(
    multi_thread,
    stopping_drops_connections_left_open_after_the_drain_deadline
);
async fn stopping_drops_connections_left_open_after_the_drain_deadline() {
    let drain = Duration::from_millis(400);
    let (addr, stop, server) = start(Limits {
        // Far longer than the test: only the drain deadline can close these.
        header_read_timeout: Duration::from_secs(600),
        drain_deadline: drain,
        ..Limits::default()
    })
    .await;
    let mut slow = Vec::new();
    for _ in 0..20 {
        slow.push(half_sent(addr).await);
    }
    assert_eq!(
        reqwest::get(format!("http://{addr}/healthz"))
            .await
            .unwrap()
            .status(),
        200
    );

    let stopped = Instant::now();
    stop.cancel();
    tokio::time::timeout(Duration::from_secs(5), server)
        .await
        .expect("the server waited on open connections past its drain deadline")
        .unwrap()
        .unwrap();
    let took = stopped.elapsed();
    assert!(
        took >= drain,
        "ended after {took:?}, before the drain deadline"
    );
    for stream in &mut slow {
        closed_by_server(stream, Duration::from_secs(1)).await;
    }
}

crate::trial!(multi_thread, a_cap_on_open_connections_queues_the_rest);
async fn a_cap_on_open_connections_queues_the_rest() {
    let timeout = Duration::from_millis(500);
    let (addr, stop, server) = start(Limits {
        header_read_timeout: timeout,
        max_connections: 2,
        ..Limits::default()
    })
    .await;
    let _held = [half_sent(addr).await, half_sent(addr).await];
    // The third connection waits in the backlog until the header timeout frees a slot.
    let asked = Instant::now();
    let ok = reqwest::get(format!("http://{addr}/healthz"))
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    assert!(
        asked.elapsed() >= timeout / 2,
        "served past the cap after {:?}",
        asked.elapsed()
    );
    stop.cancel();
    tokio::time::timeout(Duration::from_secs(5), server)
        .await
        .expect("server ended")
        .unwrap()
        .unwrap();
}

crate::trial!(
    multi_thread,
    sigterm_exits_promptly_despite_half_sent_connections
);
async fn sigterm_exits_promptly_despite_half_sent_connections() {
    const CONNECTIONS: usize = 200;
    let grace = Duration::from_secs(2);
    let dir = tempfile::tempdir().unwrap();
    // The ingest job reads an empty file: it runs once at start and the daemon idles.
    let log = dir.path().join("app.log");
    std::fs::write(&log, "").unwrap();
    let config = dir.path().join("triaged.toml");
    std::fs::write(
        &config,
        format!(
            "database_url = \"sqlite://{}\"\nshutdown_grace = \"{}s\"\n\
             [http]\nbind = \"127.0.0.1:0\"\n[log]\nformat = \"json\"\nlevel = \"info\"\n\
             [sources.file]\npaths = [\"{}\"]\n\
             [jobs.summary]\nenabled = false\n[jobs.triage]\nenabled = false\n\
             [jobs.verify]\nenabled = false\n",
            dir.path().join("t.db").display(),
            grace.as_secs(),
            log.display()
        ),
    )
    .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_triaged"))
        .args(["--config", config.to_str().unwrap(), "run"])
        .env_remove("RUST_LOG")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let logs = child.stderr.take().unwrap();
    let (tx, lines) = mpsc::channel::<String>();
    std::thread::spawn(move || {
        for line in BufReader::new(logs).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let up = loop {
        match lines.recv_timeout(Duration::from_secs(30)) {
            Ok(line) if line.contains("triaged is up") => break line,
            Ok(_) => {}
            Err(_) => {
                let _ = child.kill();
                panic!("the daemon did not come up");
            }
        }
    };
    let up: serde_json::Value = serde_json::from_str(&up).unwrap();
    let addr: SocketAddr = up["fields"]["addr"].as_str().unwrap().parse().unwrap();

    let mut slow = Vec::with_capacity(CONNECTIONS);
    for _ in 0..CONNECTIONS {
        slow.push(half_sent(addr).await);
    }
    assert_eq!(
        reqwest::get(format!("http://{addr}/healthz"))
            .await
            .unwrap()
            .status(),
        200,
        "healthz with {CONNECTIONS} half-sent connections open"
    );

    let signalled = Instant::now();
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    // No job runs, so the grace is not waited; the drain deadline is, and it ends well
    // before the header-read timeout would close these connections.
    let within = grace + triaged::http::CONNECTION_DRAIN_DEADLINE + Duration::from_secs(2);
    assert!(within < triaged::http::HEADER_READ_TIMEOUT);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if signalled.elapsed() > within {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the daemon did not exit within {within:?} of SIGTERM");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert!(status.success(), "exit status {status:?}");
    let mut said_closing = false;
    while let Ok(line) = lines.recv_timeout(Duration::from_secs(1)) {
        said_closing |= line.contains("still open after the drain deadline");
    }
    assert!(
        said_closing,
        "no log of the connections dropped at the deadline"
    );
    drop(slow);
}
