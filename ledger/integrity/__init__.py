"""Tamper evidence: an RFC 9162 Merkle tree over the stored events, signed checkpoints, proofs, verification.

encoding.py        the bytes a stored event's leaf hashes
merkle.py          tree heads, inclusion and consistency proofs, their verification
leaves.py          the leaf tables beside the log; sqlite_recorder.py / postgres_recorder.py write them
note.py, keys.py   C2SP signed notes with Ed25519; the key, kept outside the log
checkpoint(s).py   the Checkpoint fact; taking a checkpoint
guard.py           the read model's gate: nothing derived from a log that no longer matches its tree
verify.py          `ledger verify`, locate.py naming what changed, digests.py re-deriving reconciliations
proof.py           C2SP tlog proofs for the events behind a figure; exports.py, their place in manifests
"""
