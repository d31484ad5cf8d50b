"""`make bench`: a large data set, the Audit Logs page timed against naive baselines.

Not part of the test suite or CI. `python -m bench.run --help` lists the options; results go to
docs/benchmarks.md.
"""

# Bump when the generator changes what it builds: a stored data set of another version is rebuilt.
DATASET_VERSION = 3  # 3: every account's events are hash-chained
