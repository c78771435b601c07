#!/usr/bin/env python3
"""Writes N HDFS-like log lines to stdout: the loghub HDFS sample replayed with fresh block
ids, IPs, ports and sizes, so nearly every line is unique. Seeded: the same N gives the
same file. Usage: make_hdfs_like.py HDFS.log [N]"""
import random
import re
import sys

src_path = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
rng = random.Random(42)
src = open(src_path).read().split("\n")[:-1]
ip = re.compile(r"\d+\.\d+\.\d+\.\d+(:\d+)?")
blk = re.compile(r"blk_-?\d+")
num = re.compile(r"(?<![\w.])\d+(?![\w.])")


def fresh_ip(m):
    s = f"10.{rng.randint(250, 251)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}"
    return s + (f":{rng.choice([50010, rng.randint(1024, 65535)])}" if m.group(1) else "")


out = []
for i in range(n):
    line = src[i % len(src)]
    line = num.sub(lambda m: str(rng.choice([67108864, rng.randint(0, 67108864), rng.randint(0, 9)])), line)
    line = blk.sub(lambda m: f"blk_{rng.choice(['-', ''])}{rng.getrandbits(62)}", line)
    line = ip.sub(fresh_ip, line)
    out.append(line)
    if len(out) == 10000:
        sys.stdout.write("\n".join(out) + "\n")
        out = []
if out:
    sys.stdout.write("\n".join(out) + "\n")
