//! `triaged cluster`: one `<cluster-id>\t<template>` line out per line in, in order,
//! streaming (output is flushed whenever the input has nothing more buffered). Lines are
//! bytes; invalid UTF-8 is replaced, a trailing `\r` dropped, a last line without `\n` kept.

use std::io::{self, Read, Write};

use super::template::TemplateMiner;

/// Clusters every line of `input` into `output`; returns the number of lines.
pub fn cluster_stream(mut input: impl Read, output: impl Write) -> io::Result<u64> {
    let mut miner = TemplateMiner::new();
    let mut out = io::BufWriter::with_capacity(1 << 16, output);
    let mut buf = vec![0u8; 1 << 16];
    let mut filled = 0;
    let mut lines = 0;
    loop {
        if filled == buf.len() {
            buf.resize(buf.len() * 2, 0); // a line longer than the buffer
        }
        let n = match input.read(&mut buf[filled..]) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let eof = n == 0;
        filled += n;
        let mut start = 0;
        while let Some(nl) = memchr::memchr(b'\n', &buf[start..filled]) {
            emit(&mut miner, &buf[start..start + nl], &mut out)?;
            lines += 1;
            start += nl + 1;
        }
        if eof {
            if start < filled {
                emit(&mut miner, &buf[start..filled], &mut out)?;
                lines += 1;
            }
            break;
        }
        buf.copy_within(start..filled, 0);
        filled -= start;
        out.flush()?;
    }
    out.flush()?;
    Ok(lines)
}

fn emit(miner: &mut TemplateMiner, line: &[u8], out: &mut impl Write) -> io::Result<()> {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let lossy;
    let text = match std::str::from_utf8(line) {
        Ok(s) => s,
        Err(_) => {
            lossy = String::from_utf8_lossy(line);
            &lossy
        }
    };
    let seen = miner.observe(text);
    let mut head = [b'\t'; 17];
    head[..16].copy_from_slice(&seen.id.to_hex());
    out.write_all(&head)?;
    out.write_all(seen.template.as_bytes())?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_out_per_line_in_with_shared_ids_for_one_template() {
        let input =
            b"user 17 logged in\r\nuser 4242 logged in\n\xff broken bytes\nno newline at end";
        let mut out = Vec::new();
        assert_eq!(cluster_stream(&input[..], &mut out).unwrap(), 4);
        let text = String::from_utf8(out).unwrap();
        let rows: Vec<(&str, &str)> = text.lines().map(|l| l.split_once('\t').unwrap()).collect();
        assert_eq!(rows.len(), 4);
        assert_eq!(rows[0].0, rows[1].0, "same template, same id: {rows:?}");
        assert_ne!(rows[0].0, rows[2].0);
        assert!(rows.iter().all(|(id, _)| id.len() == 16));
    }
}
