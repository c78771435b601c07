//! Tests of the template miner: grouping, ids, replay, persistence and bounds.

use std::collections::HashSet;

use super::id::fnv1a;
use super::memo::MEMO_CAP;
use super::*;

/// A small log with several events and varying values.
fn replay_lines() -> Vec<String> {
    let mut v = Vec::new();
    for i in 0..8 {
        v.push(format!(
            "Received block blk_{} of size {} from /10.0.{i}.{}",
            1000 + i,
            64 * i,
            7 + i
        ));
        v.push(format!(
            "Failed password for {} from 10.1.2.{i} port {} ssh2",
            ["root", "admin", "git"][i % 3],
            4000 + i
        ));
        v.push(format!(
            "session opened for user {} by (uid={i})",
            ["cyrus", "news"][i % 2]
        ));
        v.push(format!("Connection closed by 10.9.{i}.1 [preauth]"));
        v.push(format!(
            "connection from 10.{i}.3.4 () at Sat Jul  {} 12:16:{:02} 2005",
            1 + i,
            10 + i
        ));
        v.push(format!(
            "Block broadcast_{i} stored as values in memory (estimated size {}.0 KB, free 3.2 MB)",
            5 + i
        ));
        v.push(format!(
            "Location icon should now be in state '{}'",
            ["Active", "Inactive"][i % 2]
        ));
        v.push(format!("took {}ms to flush {} entries", 3 * i + 1, 10 * i));
    }
    v
}

#[test]
fn same_message_twice_same_id() {
    let mut m = TemplateMiner::new();
    let a = m.observe("disk /dev/sda1 is 93% full").id;
    let b = m.observe("disk /dev/sda1 is 93% full").id;
    assert_eq!(a, b);
    assert_eq!(m.len(), 1);
}

#[test]
fn values_share_a_template_events_do_not() {
    let mut m = TemplateMiner::new();
    let a = m
        .observe("Failed password for root from 10.0.0.1 port 22 ssh2")
        .id;
    let b = m.observe("Failed password for admin from 10.0.0.9 port 2222 ssh2");
    assert_eq!(
        (a, b.template),
        (b.id, "Failed password for <*> from <*> port <*> ssh2")
    );
    let s1 = m
        .observe("Location icon should now be in state 'Active'")
        .id;
    let s2 = m
        .observe("Location icon should now be in state 'Inactive'")
        .id;
    assert_ne!(s1, s2, "capitalised words are states, not values");
    assert_eq!(m.len(), 3);
}

#[test]
fn id_is_content_derived_stable_and_printed_as_16_hex_digits() {
    let mut m1 = TemplateMiner::new();
    let mut m2 = TemplateMiner::new();
    m2.observe("something else first");
    let a = m1.observe("user bob logged in from 10.0.0.1").id;
    assert_eq!(
        a,
        m2.observe("user bob logged in from 10.0.0.1").id,
        "replicas agree"
    );
    assert_eq!(a, TemplateId(fnv1a(b"user bob logged in from <*>")));
    // the template generalises, the id does not change
    assert_eq!(m1.observe("user alice logged in from 10.0.0.2").id, a);
    assert_eq!(m1.export()[0].template, "user <*> logged in from <*>");
    let hex = a.to_string();
    assert_eq!(hex.len(), 16);
    assert!(
        hex.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    );
    assert_eq!(hex.as_bytes(), a.to_hex());
    assert_eq!(TemplateId(0xab).to_string(), "00000000000000ab");
}

#[test]
fn a_row_is_the_id_a_tab_and_the_current_template() {
    let mut m = TemplateMiner::new();
    let first = m.observe_row("user bob logged in").to_vec();
    let id = m.observe("user bob logged in").id;
    assert_eq!(first, format!("{id}\tuser bob logged in\n").as_bytes());
    // the row follows the template when it generalises; the id stays
    let row = m.observe_row("user alice logged in").to_vec();
    assert_eq!(row, format!("{id}\tuser <*> logged in\n").as_bytes());
    assert_eq!(m.export()[0].count, 3);
}

#[test]
fn a_header_does_not_change_the_template() {
    let mut m = TemplateMiner::new();
    let plain = m.observe("Connection closed by 10.9.1.1 [preauth]").id;
    for line in [
        "2024-05-01 12:00:03,123 ERROR [main] c.f.Bar: Connection closed by 10.9.1.2 [preauth]",
        "2024-05-01T12:00:03.123Z INFO 4242 Connection closed by 10.9.1.3 [preauth]",
        "May  1 12:00:03 web-3 sshd[4154]: Connection closed by 10.9.1.4 [preauth]",
    ] {
        assert_eq!(m.observe(line).id, plain, "{line}");
    }
}

#[test]
fn ids_survive_export_and_restore() {
    let lines = replay_lines();
    let mut m = TemplateMiner::new();
    let first: Vec<TemplateId> = lines.iter().map(|l| m.observe(l).id).collect();
    let records = m.export();
    assert_eq!(
        records.iter().map(|r| r.count).sum::<u64>(),
        lines.len() as u64
    );
    let mut restored = TemplateMiner::restore(records.clone());
    assert_eq!(restored.export(), records);
    let again: Vec<TemplateId> = lines.iter().map(|l| restored.observe(l).id).collect();
    assert_eq!(first, again);
    assert_eq!(restored.len(), m.len());
}

#[test]
fn replaying_500_times_adds_no_template() {
    let lines = replay_lines();
    let mut m = TemplateMiner::new();
    let mut ids = HashSet::new();
    lines.iter().for_each(|l| _ = ids.insert(m.observe(l).id));
    let (one_pass, templates) = (ids.len(), m.len());
    for _ in 0..499 {
        lines.iter().for_each(|l| _ = ids.insert(m.observe(l).id));
    }
    assert_eq!((ids.len(), m.len()), (one_pass, templates));
    assert!(templates <= 9, "{:#?}", m.export());
}

#[test]
fn memory_is_bounded_by_templates_not_lines() {
    let mut m = TemplateMiner::new();
    for i in 0..100_000u32 {
        m.observe(&format!(
            "request {i} from 10.0.{}.{} took {}ms",
            i % 250,
            i % 200,
            i % 977
        ));
        m.observe(&format!("user u{i} logged out after {i} seconds"));
    }
    assert_eq!(m.len(), 2, "{:#?}", m.export());
    assert!(m.memo.len() <= MEMO_CAP);
    for i in 0..(MEMO_CAP as u32 + 10) {
        m.observe(&format!("user u{i}x logged out"));
    }
    assert!(m.memo.len() <= MEMO_CAP, "the memo is capped");
    assert_eq!(m.len(), 3);
}

#[test]
fn empty_and_odd_lines() {
    let mut m = TemplateMiner::new();
    assert_eq!(m.observe("").template, "");
    assert_eq!(m.observe("   ").id, m.observe("").id);
    assert_eq!(m.observe("42").template, "<*>");
    assert_eq!(
        m.observe("naïve café – ünïcödé 12").template,
        "naïve café – ünïcödé <*>"
    );
}
