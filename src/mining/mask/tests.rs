//! Tests of line masking and header detection.

use super::*;

fn m(s: &str) -> String {
    mask_variables(s)
}

#[test]
fn numbers_signed_and_decimal() {
    assert_eq!(
        m("took 42 then -7 and 3.14 left"),
        "took <*> then <*> and <*> left"
    );
    assert_eq!(m("boot = -107, init = 146"), "boot = <*> init = <*>");
}

#[test]
fn hex() {
    assert_eq!(m("reg 0x7f3a at e0000340 ok"), "reg <*> at <*> ok");
}

#[test]
fn uuid_mac_ipv6() {
    assert_eq!(m("id 550e8400-e29b-41d4-a716-446655440000 ok"), "id <*> ok");
    assert_eq!(m("mac 00:1a:2b:3c:4d:5e up"), "mac <*> up");
    assert_eq!(m("addr fe80::1ff:fe23:4567:890a up"), "addr <*> up");
}

#[test]
fn ipv4_with_and_without_port() {
    assert_eq!(
        m("from 10.0.0.1 via /10.0.0.2:50010 to 10.0.0.3:80, done"),
        "from <*> via <*> to <*>, done"
    );
}

#[test]
fn emails_urls_hosts() {
    assert_eq!(m("mail bob@example.com ok"), "mail <*> ok");
    assert_eq!(
        m("GET https://api.example.com/v1/items?id=42 ok"),
        "GET <*> ok"
    );
    assert_eq!(
        m("connect db-3.prod.example.com:5432 and db1.example.com"),
        "connect <*> and <*>"
    );
    assert_eq!(
        m("logger c.f.Bar and NameSystem.delete: stay"),
        "logger c.f.Bar and NameSystem.delete: stay"
    );
}

#[test]
fn file_paths() {
    assert_eq!(m("open /var/lib/app/state.db failed"), "open <*> failed");
    assert_eq!(
        m("load C:\\Windows\\x.dll and ~/a/b and path:/usr/lib"),
        "load <*> and <*> and path:<*>"
    );
}

#[test]
fn timestamps_and_dates() {
    assert_eq!(m("at 2024-05-01T12:00:03.123Z done"), "at <*> done");
    assert_eq!(m("at 2024-05-01 12:00:03,123 done"), "at <*> done");
    assert_eq!(
        m("connection at Sat Jul  9 12:16:49 2005"),
        "connection at <*>"
    );
}

#[test]
fn durations_and_sizes() {
    assert_eq!(m("took 12ms, then 3.5s"), "took <*>, then <*>");
    assert_eq!(
        m("(estimated size 5.2 KB, free 384.0 B)"),
        "(estimated size <*>, free <*>)"
    );
}

#[test]
fn quoted_values() {
    assert_eq!(
        m("node '/udev/vcs2' and \"x-42\""),
        "node '<*>' and \"<*>\""
    );
    assert_eq!(m("state 'Active'"), "state 'Active'"); // a plain word names a state
}

#[test]
fn key_value() {
    assert_eq!(
        m("uid=0 user=root ruser= tty=NODEVssh"),
        "uid=<*> user=<*> ruser= tty=<*>"
    );
    assert_eq!(m("packageName = com.huawei.health"), "packageName = <*>");
}

#[test]
fn ids_inside_tokens_and_names_kept() {
    assert_eq!(
        m("generating core.4900 for blk_-5626 in rdd_21_0"),
        "generating core.<*> for blk_<*> in rdd_<*>"
    );
    assert_eq!(
        m("eth0 up, ssh2 ok, wl0: stay"),
        "eth0 up, ssh2 ok, wl0: stay"
    );
    assert_eq!(
        m("file [2017-07-03_16,05,51.0317]-Logs-003.txt, ok"),
        "file [<*>, ok"
    );
}

#[test]
fn lists_collapse() {
    assert_eq!(m("IRQs 3 4 5 7 10 ok"), "IRQs <*> ok");
    assert_eq!(m("name an14 an15 an16"), "name <*>");
    assert_eq!(m("report : 1 2 3 4"), "report : <*>");
}

#[test]
fn header_detection() {
    let body = |l: &str| l[header_len(l)..].to_string();
    assert_eq!(
        body("2024-05-01 12:00:03,123 ERROR [main] c.f.Bar: disk full"),
        "disk full"
    );
    assert_eq!(
        body("2024-05-01T12:00:03.123Z WARN 4242 disk full"),
        "disk full"
    );
    assert_eq!(
        body("May  1 12:00:03 web-3 sshd[4154]: Accepted password"),
        "Accepted password"
    );
    assert_eq!(
        body("[2024-05-01 12:00:03.123] [error] disk full"),
        "disk full"
    );
    assert_eq!(
        body("081109 203615 148 INFO dfs.DataNode$PacketResponder: Received block"),
        "Received block"
    );
    assert_eq!(body("10.0.0.1:80 connected"), "10.0.0.1:80 connected"); // an address is no stamp
    assert_eq!(body("ciod: Error loading /x"), "ciod: Error loading /x");
}

#[test]
fn word_at_a_time_scans_agree_with_byte_by_byte_ones() {
    use super::classes::{class, classes_of, digit_run, letters, token_len};
    // every stop byte at every position of inputs that span several 8-byte words, with the
    // bytes on either side of the digit and letter ranges as stops
    for stop in [
        b' ', b'\t', b'/', b':', b'@', b'[', b'`', b'{', 0x80, 0xff, b'x', b'7',
    ] {
        for len in 0..20 {
            for filler in [b'5', b'k'] {
                let mut line = vec![filler; len];
                line.push(stop);
                line.extend_from_slice(b"12 ab");
                let naive_token = line.iter().position(|&b| b == b' ' || b == b'\t');
                assert_eq!(
                    token_len(&line),
                    naive_token.unwrap_or(line.len()),
                    "{line:?}"
                );
                let naive_digits = line.iter().position(|b| !b.is_ascii_digit());
                assert_eq!(
                    digit_run(&line),
                    naive_digits.unwrap_or(line.len()),
                    "{line:?}"
                );
                let naive_letters = line.iter().position(|b| !b.is_ascii_alphabetic());
                assert_eq!(
                    letters(&line),
                    naive_letters.unwrap_or(line.len()),
                    "{line:?}"
                );
                let naive_classes = line.iter().fold(0, |acc, &b| acc | class(b));
                assert_eq!(classes_of(&line), naive_classes, "{line:?}");
            }
        }
    }
}
