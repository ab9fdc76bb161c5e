"""Reference LZ4 frames for src/kafka/lz4-frame.test.ts, written by the LZ4 library itself
(python-lz4's lz4.frame, liblz4) with each option of the frame format: block checksums, a content
checksum, the content size, blocks that depend on earlier ones, 64 KiB and 4 MiB blocks, stored
(incompressible) blocks, and two frames one after another.

Writes fixtures/lz4-frames.json: the content (base64; one content for all) and each frame
(base64) with its options. Deterministic (seeded)."""

import base64
import json
import random

import lz4
import lz4.frame as f

rng = random.Random(20261202)
# Repetitive text with some noise, ~70 KiB: two 64 KiB blocks, matches that reach back across them.
words = [b"prediction", b"model", b"score", b"0.8125", b"approve", b"reject", b"feature", b"income"]
content = b" ".join(rng.choice(words) if rng.random() < 0.97 else bytes(rng.randrange(256) for _ in range(4)) for _ in range(9500))

cases = []
for name, kw in [
    ("default", {}),
    ("block_checksum", {"block_checksum": True}),
    ("content_checksum", {"content_checksum": True}),
    ("all_checksums_and_size", {"block_checksum": True, "content_checksum": True, "store_size": True}),
    ("dependent_blocks", {"block_linked": True, "block_size": f.BLOCKSIZE_MAX64KB}),
    ("blocks_4m", {"block_size": f.BLOCKSIZE_MAX4MB}),
    ("level_12", {"compression_level": 12, "block_checksum": True}),
]:
    cases.append({"name": name, "options": {k: (v if not isinstance(v, bool) else v) for k, v in kw.items()}, "frame": base64.b64encode(f.compress(content, **kw)).decode()})

noise = bytes(rng.randrange(256) for _ in range(20000))  # incompressible: stored blocks
cases.append({"name": "stored_blocks", "options": {"block_size": f.BLOCKSIZE_MAX64KB, "block_checksum": True, "content_checksum": True}, "content": base64.b64encode(noise).decode(), "frame": base64.b64encode(f.compress(noise, block_size=f.BLOCKSIZE_MAX64KB, block_checksum=True, content_checksum=True)).decode()})
two = f.compress(content[:1000], content_checksum=True) + f.compress(content[1000:3000], block_checksum=True)
cases.append({"name": "two_frames", "options": {}, "content": base64.b64encode(content[:3000]).decode(), "frame": base64.b64encode(two).decode()})

json.dump({
    "generator": "scripts/reference/lz4_frames.py",
    "python_lz4": lz4.__version__,
    "liblz4": lz4.library_version_string(),
    "content": base64.b64encode(content).decode(),
    "cases": cases,
}, open(__file__.replace("lz4_frames.py", "fixtures/lz4-frames.json"), "w"), indent=1)
