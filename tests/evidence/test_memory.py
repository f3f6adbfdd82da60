"""Issue 11 item 7: five hostile images uploaded at once keep a worker under 512 MiB.

Measured in a fresh process (its peak resident memory), with the app loaded as a
worker has it, five threads handing crafted PNGs to the upload check together.
"""
from __future__ import annotations

import io
import json
import subprocess
import sys
import textwrap
from pathlib import Path

from PIL import Image

from reporting import ROOT
from reporting.evidence.files import MAX_PIXELS

WORKER_LIMIT_MIB = 512


def _png(mode: str, size: tuple[int, int], colour: object, **extra: object) -> bytes:
    # One colour, not black: compresses to almost nothing, yet every decoded page is written.
    out = io.BytesIO()
    Image.new(mode, size, colour).save(out, format="PNG", **extra)
    return out.getvalue()


def test_five_hostile_images_at_once_keep_a_worker_under_512_mib(tmp_path: Path):
    side = int(MAX_PIXELS ** 0.5) - 1  # just inside the cap: the most a picture may cost
    files = {
        "bomb-a.png": _png("RGB", (7200, 7200), (200, 30, 60)),  # over 50 MP: refused from its header
        "bomb-b.png": _png("RGB", (7200, 7200), (20, 130, 60)),
        "rgba.png": _png("RGBA", (side, side), (200, 100, 50, 255)),
        "grey.png": _png("L", (side, side), 77),  # needs converting to RGB: two buffers
        "palette.png": _png("P", (side, side), 3, transparency=0),  # to RGBA: two buffers
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    script = textwrap.dedent(f"""
        import json, resource, threading
        from pathlib import Path
        from reporting import create_app
        from reporting.evidence import files
        from reporting.exceptions import EvidenceRefusedError

        create_app({{"ENV_NAME": "testing", "SECRET_KEY": "x" * 48, "INSTANCE_PATH": {str(tmp_path)!r},
                    "SQLALCHEMY_DATABASE_URI": "sqlite://"}})
        def high_water_kib():
            # This process's own peak (VmHWM): ru_maxrss can carry the parent's peak across exec.
            for line in open("/proc/self/status"):
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
            return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

        baseline = high_water_kib()
        blobs = {{p.name: p.read_bytes() for p in Path({str(tmp_path)!r}).glob("*.png")}}
        outcome = {{}}
        go = threading.Barrier(len(blobs))

        def upload(name, data):
            go.wait()
            try:
                files.inspect(data, name)
                outcome[name] = "accepted"
            except EvidenceRefusedError as error:
                outcome[name] = error.reason

        threads = [threading.Thread(target=upload, args=item) for item in blobs.items()]
        [t.start() for t in threads]
        [t.join() for t in threads]
        peak = high_water_kib()
        print(json.dumps({{"baseline_mib": baseline / 1024, "peak_mib": peak / 1024, "outcome": outcome}}))
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    measured = json.loads(result.stdout.strip().splitlines()[-1])
    print(measured)  # shown with -s: the figure for docs/security.md
    assert measured["outcome"] == {
        "bomb-a.png": "image_too_big", "bomb-b.png": "image_too_big",
        "rgba.png": "accepted", "grey.png": "accepted", "palette.png": "accepted",
    }
    assert measured["peak_mib"] < WORKER_LIMIT_MIB, measured
