"""`make bench`: a large data set, the Audit Logs page timed against naive baselines.

Not part of the test suite or CI. `python -m bench.run --help` lists the options; results go to
docs/benchmarks.md.
"""

# Bump when the generator changes what it builds: a stored data set of another version is rebuilt.
DATASET_VERSION = 3  # 3: every account's events are hash-chained


def signing_key_default() -> None:
    """The benchmark's data sets are development data: their checkpoints are signed with the
    development key kept beside the development data (production settings require the key)."""
    import os
    from pathlib import Path

    from auditlog.integrity.keys import key_file

    base = Path(__file__).resolve().parent.parent
    data = Path(os.environ.get("AUDITDESK_DATA_DIR", base / ".data"))
    os.environ.setdefault("AUDIT_SIGNING_KEY", key_file(data / "audit_signing_key"))
