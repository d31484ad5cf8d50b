"""Tamper evidence for the event table (SPEC S12; docs/integrity.md for auditors).

Every account's events form a hash chain: a gap-free `seq` from 1 and a `hash` over the previous
hash and the canonical form of the row. Signed checkpoints vouch for the chain's head, retention
leaves signed anchors where it dropped partitions, and verification names the first broken link.

The modules, lowest first (none of them imports this package's `__init__`):

- `canonical`: the canonical form of an event row (RFC 8785 JSON) and its chain hash, in Python
  (`event_canonical`, `event_hash`) and as SQL that streams rows ready to hash (`rows_sql`).
- `keys`: the deployment's Ed25519 key (`AUDIT_SIGNING_KEY`): `signing_key`, `public_key_pem`,
  `key_id`, `verification_keys`, `statement_sign`, `statement_verify`.
- `chain`: the per-account chain head a writer locks (`chain_lock`, `chain_advance`) and the
  chaining of rows that were written without a link (`chain_backfill`, `stage_create` +
  `chain_staged` for bulk loaders).
- `statements`: what a checkpoint's and an anchor's signature covers (`checkpoint_statement`,
  `anchor_statement`) and their copies in storage (`statement_file_write`, `statement_files`).
- `verify`: `chain_verify(account_id=…, since=None)` → `VerificationResult` (the first
  `Failure`: seq, event id, check), kept as the account's `Verification` row; `CHECKS` names the
  checks.
- `checkpoints`: signing checkpoints (`checkpoints_write`, the periodic task's service;
  `checkpoint_write` for one account) and retention anchors (`anchors_record`, called by
  retention before a partition is dropped).
"""
